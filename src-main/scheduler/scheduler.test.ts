import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Event, Pod } from '../api/index.ts'
import { makePod } from '../api/testing/builders.ts'
import { admin, eventually, newTestServer, quietLog, ref, type TestServer } from '../apiserver/testing.ts'
import { ControllerManager } from '../controllers/manager.ts'
import { newScheduler, Scheduler } from './scheduler.ts'
import { createNode, makeNode, podRequesting } from './testing.ts'

describe('Scheduler', () => {
  let s: TestServer
  let manager: ControllerManager | null = null

  const start = async (): Promise<void> => {
    manager = new ControllerManager({
      api: s.api,
      log: quietLog,
      now: s.clock.now,
      controllers: {
        scheduler: (ctx) => new Scheduler({ ...ctx, seed: 1, initialBackoffMs: 10, maxBackoffMs: 50 }),
      },
    })
    await manager.start()
  }
  const getPod = async (name: string): Promise<Pod> => (await s.api.get(ref.pods('default', name), admin)) as Pod
  const nodeOf = async (name: string): Promise<string | undefined> => (await getPod(name)).spec?.nodeName
  const events = async (): Promise<Event[]> => (await s.api.list(ref.events('default'), {}, admin)).items as Event[]
  const create = async (pod: Pod): Promise<void> => {
    await s.api.create(ref.pods('default'), pod, admin)
  }

  beforeEach(async () => {
    s = await newTestServer()
  })
  afterEach(async () => {
    await manager?.stop()
    manager = null
  })

  it('is registered with the controller manager', async () => {
    const { CLUSTER_CONTROLLERS } = await import('../controllers/manager.ts')
    expect(CLUSTER_CONTROLLERS.scheduler).toBe(newScheduler)
  })

  it('binds a pod with a nodeSelector to the labelled node and records Scheduled', async () => {
    await createNode(s.api, makeNode('n1').obj(), admin)
    await createNode(s.api, makeNode('n2').withLabels({ disk: 'ssd' }).obj(), admin)
    await createNode(s.api, makeNode('n3').obj(), admin)
    await start()
    await create(makePod('db').withContainer().withSpec({ nodeSelector: { disk: 'ssd' } }).obj())
    await eventually(async () => (await nodeOf('db')) !== undefined, 'db to be bound')
    expect(await nodeOf('db')).toBe('n2')
    const scheduled = (await getPod('db')).status?.conditions?.find((c) => c.type === 'PodScheduled')
    expect(scheduled?.status).toBe('True')
    await eventually(async () => (await events()).some((e) => e.reason === 'Scheduled'), 'the Scheduled event')
    expect((await events()).find((e) => e.reason === 'Scheduled')?.message).toBe('Successfully assigned default/db to n2')
  })

  it('spreads a burst of 30 pods of one ReplicaSet 10/10/10 over three equal nodes', async () => {
    for (const n of ['n1', 'n2', 'n3']) await createNode(s.api, makeNode(n).obj(), admin)
    await start()
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true }
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const pod = makePod(`web-${i}`).withLabels({ app: 'web' }).withContainer().obj()
        pod.metadata.ownerReferences = [owner]
        return create(pod)
      }),
    )
    await eventually(async () => ((await s.api.list(ref.pods('default'), {}, admin)).items as Pod[]).every((p) => p.spec?.nodeName), 'all 30 bound')
    const perNode = new Map<string, number>()
    for (const p of (await s.api.list(ref.pods('default'), {}, admin)).items as Pod[]) perNode.set(p.spec?.nodeName ?? '', (perNode.get(p.spec?.nodeName ?? '') ?? 0) + 1)
    expect(Object.fromEntries(perNode)).toEqual({ n1: 10, n2: 10, n3: 10 })
  })

  it('leaves a pod that fits nowhere Pending with Kubernetes words, and places it once room frees up', async () => {
    await createNode(s.api, makeNode('n1').withAllocatable({ memory: '1Gi' }).obj(), admin)
    await createNode(s.api, makeNode('n2').withTaint('dedicated', 'gpu', 'NoSchedule').obj(), admin)
    await start()
    const hog = podRequesting('hog', { memory: '800Mi' })
    hog.spec = { containers: [], ...hog.spec, nodeName: 'n1' }
    await create(hog)
    await create(podRequesting('big', { memory: '600Mi' }))
    const message = '0/2 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}.'
    await eventually(async () => (await getPod('big')).status?.conditions?.some((c) => c.type === 'PodScheduled' && c.message === message) === true, 'PodScheduled=False')
    const condition = (await getPod('big')).status?.conditions?.find((c) => c.type === 'PodScheduled')
    expect(condition).toMatchObject({ status: 'False', reason: 'Unschedulable', message })
    await eventually(async () => (await events()).some((e) => e.reason === 'FailedScheduling' && e.message === message && e.type === 'Warning'), 'FailedScheduling event')
    expect(await nodeOf('big')).toBeUndefined()
    await s.api.delete(ref.pods('default', 'hog'), { gracePeriodSeconds: 0 }, admin)
    await eventually(async () => (await nodeOf('big')) === 'n1', 'big to be placed when hog goes', 5000)
  })

  it('says so when there are no nodes, and schedules when one joins', async () => {
    await start()
    await create(makePod('early').withContainer().obj())
    await eventually(async () => (await events()).some((e) => e.message === 'no nodes available to schedule pods'), 'FailedScheduling without nodes')
    await createNode(s.api, makeNode('late').obj(), admin)
    await eventually(async () => (await nodeOf('early')) === 'late', 'early to land on the new node')
  })

  it('places a DaemonSet-style pod (matchFields metadata.name) on its node, tolerations and all', async () => {
    await createNode(s.api, makeNode('n1').obj(), admin)
    await createNode(s.api, makeNode('n2').withCondition('Ready', 'False').cordoned().obj(), admin)
    await start()
    const pod = makePod('ds-n2')
      .withContainer()
      .withSpec({
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } },
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' },
          { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
        ],
      })
      .obj()
    await create(pod)
    await eventually(async () => (await nodeOf('ds-n2')) === 'n2', 'the daemon pod on n2')
  })

  it('leaves pods with nodeName and pods of other schedulers alone, but counts the bound ones', async () => {
    await createNode(s.api, makeNode('n1').withAllocatable({ pods: '1' }).obj(), admin)
    await start()
    await create(makePod('mine').withContainer().onNode('n1').obj())
    await create(makePod('other').withContainer().withSpec({ schedulerName: 'someone-else' }).obj())
    await create(makePod('extra').withContainer().obj())
    await eventually(async () => (await getPod('extra')).status?.conditions?.some((c) => c.message === '0/1 nodes are available: 1 Too many pods.') === true, 'extra refused')
    expect(await nodeOf('other')).toBeUndefined()
    expect((await getPod('other')).status?.conditions?.find((c) => c.type === 'PodScheduled')).toBeUndefined()
  })

  it('lets go of a parked pod someone else binds: PodScheduled turns True and stays', async () => {
    await createNode(s.api, makeNode('n1').withAllocatable({ memory: '1Gi' }).obj(), admin)
    await start()
    await create(podRequesting('late', { memory: '2Gi' }))
    const message = '0/1 nodes are available: 1 Insufficient memory.'
    await eventually(async () => (await getPod('late')).status?.conditions?.some((c) => c.message === message) === true, 'late refused')
    // Bound by hand while parked; the node added next wakes the parked pods, and this one must not be touched.
    await s.api.create(ref.pods('default', 'late', 'binding'), { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'late' }, target: { kind: 'Node', name: 'n1' } }, admin)
    await s.api.create(ref.nodes(), makeNode('n2').obj(), admin)
    await eventually(async () => (await getPod('late')).status?.conditions?.find((c) => c.type === 'PodScheduled')?.status === 'True', 'PodScheduled=True')
    expect((await getPod('late')).spec?.nodeName).toBe('n1')
  })

  it('packs pods with schedulerName bin-packing-scheduler onto the busiest node that fits, and signs its events so', async () => {
    await createNode(s.api, makeNode('n1').obj(), admin)
    await createNode(s.api, makeNode('n2').obj(), admin)
    await start()
    const busy = podRequesting('busy', { cpu: '2', memory: '2Gi' })
    if (busy.spec) busy.spec.nodeName = 'n2'
    await create(busy)
    for (const name of ['packed-1', 'packed-2']) {
      const pod = podRequesting(name, { cpu: '500m', memory: '512Mi' })
      if (pod.spec) pod.spec.schedulerName = 'bin-packing-scheduler'
      await create(pod)
    }
    await create(podRequesting('spread', { cpu: '500m', memory: '512Mi' }))
    await eventually(async () => (await Promise.all(['packed-1', 'packed-2', 'spread'].map(nodeOf))).every((n) => n !== undefined), 'all three bound')
    expect(await Promise.all(['packed-1', 'packed-2', 'spread'].map(nodeOf))).toEqual(['n2', 'n2', 'n1'])
    await eventually(async () => (await events()).some((e) => e.involvedObject.name === 'packed-1' && e.reason === 'Scheduled'), 'packed-1 Scheduled event')
    expect((await events()).find((e) => e.involvedObject.name === 'packed-1' && e.reason === 'Scheduled')?.source?.component).toBe('bin-packing-scheduler')
  })
})

