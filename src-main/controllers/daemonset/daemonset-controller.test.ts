import { afterEach, describe, expect, it } from 'vitest'
import type { DaemonSet, Pod } from '../../api/index.ts'
import { admin, eventually, makeNode, ref } from '../../apiserver/testing.ts'
import type { ResourceRef } from '../../apiserver/types.ts'
import { autoReady, startControllers, type ControllerTestbed } from '../workloads/testing.ts'
import { daemonSetController, surplus } from './daemonset-controller.ts'

const daemonsets = (namespace?: string, name?: string): ResourceRef => ({ group: 'apps', version: 'v1', resource: 'daemonsets', namespace, name })

let bed: ControllerTestbed
let stopKubelet: (() => Promise<void>) | undefined
afterEach(async () => {
  await stopKubelet?.()
  stopKubelet = undefined
  await bed?.stop()
})

async function start(): Promise<void> {
  bed = await startControllers({ 'daemonset-controller': daemonSetController })
  stopKubelet = autoReady(bed)
}

function daemonSet(extra: Partial<NonNullable<DaemonSet['spec']>> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox:1' }] } },
      ...extra,
    },
  }
}

const pods = async (): Promise<Pod[]> => ((await bed.api.list(ref.pods('default'), {}, admin)).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp)
const nodesWithPods = async (): Promise<string[]> => (await pods()).map((p) => p.spec?.nodeName ?? '').sort()
const addNode = async (name: string, labels: Record<string, string> = {}): Promise<void> => {
  await bed.api.create(ref.nodes(), makeNode(name).withLabels(labels).obj(), admin)
}
const getDs = async (): Promise<DaemonSet> => (await bed.api.get(daemonsets('default', 'agent'), admin)) as DaemonSet

describe('DaemonSet controller', () => {
  it('runs one pod per node, pinned to it; a new node gets one, a removed node loses it', async () => {
    await start()
    await addNode('n1')
    await addNode('n2')
    await bed.api.create(daemonsets('default'), daemonSet(), admin)
    await eventually(async () => JSON.stringify(await nodesWithPods()) === '["n1","n2"]', 'pods on n1 and n2')
    await addNode('n3')
    await eventually(async () => JSON.stringify(await nodesWithPods()) === '["n1","n2","n3"]', 'a pod on n3')
    await bed.api.delete(ref.nodes('n1'), {}, admin)
    await eventually(async () => JSON.stringify(await nodesWithPods()) === '["n2","n3"]', 'n1’s pod gone')
    await eventually(async () => (await getDs()).status?.numberReady === 2, 'status')
    expect((await getDs()).status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0, updatedNumberScheduled: 2, numberAvailable: 2, numberUnavailable: 0 })
    const [pod] = await pods()
    expect(pod?.spec?.tolerations).toEqual(expect.arrayContaining([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]))
  })

  it('replaces a daemon pod that failed', async () => {
    await start()
    await addNode('n1')
    await bed.api.create(daemonsets('default'), daemonSet(), admin)
    await eventually(async () => (await pods()).some((p) => p.status?.phase === 'Running'), 'a running daemon')
    const [first] = await pods()
    if (!first) throw new Error('no pod')
    await bed.api.update(ref.pods('default', first.metadata.name, 'status'), { ...first, status: { ...first.status, phase: 'Failed', reason: 'Evicted' } }, admin)
    await eventually(async () => {
      const now = await pods()
      return now.length === 1 && now[0]?.metadata.uid !== first.metadata.uid && now[0]?.status?.phase === 'Running'
    }, 'a new daemon pod instead of the failed one')
  })

  it('honours nodeSelector and taints, and follows label changes', async () => {
    await start()
    await addNode('n1', { disk: 'ssd' })
    await addNode('n2', { disk: 'hdd' })
    await bed.api.create(ref.nodes(), { ...makeNode('n3').withLabels({ disk: 'ssd' }).obj(), spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } }, admin)
    await bed.api.create(daemonsets('default'), daemonSet({ template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'agent', image: 'busybox:1' }] } } }), admin)
    await eventually(async () => JSON.stringify(await nodesWithPods()) === '["n1"]', 'only n1')
    await bed.api.patch(ref.nodes('n2'), 'application/merge-patch+json', { metadata: { labels: { disk: 'ssd' } } }, admin)
    await bed.api.patch(ref.nodes('n1'), 'application/merge-patch+json', { metadata: { labels: { disk: 'hdd' } } }, admin)
    await eventually(async () => JSON.stringify(await nodesWithPods()) === '["n2"]', 'moved to n2')
  })

  it('rolls a new template out one node at a time', async () => {
    await start()
    for (const n of ['n1', 'n2', 'n3', 'n4']) await addNode(n)
    await bed.api.create(daemonsets('default'), daemonSet(), admin)
    await eventually(async () => (await getDs()).status?.numberAvailable === 4, '4 available')
    await bed.api.patch(daemonsets('default', 'agent'), 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'busybox:2' }] } } } }, admin)
    let leastReady = 4
    await eventually(async () => {
      const now = await pods()
      leastReady = Math.min(leastReady, now.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length)
      return now.length === 4 && now.every((p) => p.spec?.containers[0]?.image === 'busybox:2' && p.status?.phase === 'Running')
    }, 'all updated')
    expect(leastReady).toBeGreaterThanOrEqual(3)
    await eventually(async () => (await getDs()).status?.updatedNumberScheduled === 4, 'status updated')
  })

  it('with maxSurge, starts the new pod beside the old one and never leaves a node without a ready daemon', async () => {
    await start()
    for (const n of ['n1', 'n2', 'n3', 'n4']) await addNode(n)
    await bed.api.create(daemonsets('default'), daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }), admin)
    await eventually(async () => (await getDs()).status?.numberAvailable === 4, '4 available')
    await bed.api.patch(daemonsets('default', 'agent'), 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'busybox:2' }] } } } }, admin)
    let leastReady = 4
    let most = 4
    await eventually(async () => {
      const now = await pods()
      most = Math.max(most, now.length)
      const readyNodes = new Set(now.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((p) => p.spec?.nodeName))
      leastReady = Math.min(leastReady, readyNodes.size)
      return now.length === 4 && now.every((p) => p.spec?.containers[0]?.image === 'busybox:2' && p.status?.phase === 'Running')
    }, 'all updated')
    expect(leastReady).toBe(4)
    expect(most).toBeLessThanOrEqual(5)
  })
})

describe('surplus daemon pods on a node', () => {
  const pod = (name: string, hash: string, ready: boolean, created: string): Pod => ({
    metadata: { name, creationTimestamp: created, labels: { 'controller-revision-hash': hash } },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  })
  const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata.name ?? '')
  it.each([
    ['one pod: nothing', [pod('a', 'new', true, '1')], true, []],
    ['no surge: all but the oldest', [pod('b', 'new', true, '2'), pod('a', 'old', true, '1')], false, ['b']],
    ['surge, new not ready, old ready: both stay', [pod('b', 'new', false, '2'), pod('a', 'old', true, '1')], true, []],
    ['surge, new ready: the old goes', [pod('b', 'new', true, '2'), pod('a', 'old', true, '1')], true, ['a']],
    ['surge, neither ready: the new one stays', [pod('b', 'new', false, '2'), pod('a', 'old', false, '1')], true, ['a']],
    ['surge, two new: the younger goes', [pod('b', 'new', true, '2'), pod('a', 'new', true, '1')], true, ['b']],
  ] as const)('%s', (_, active, surge, expected) => {
    expect(names(surplus([...active], 'new', surge))).toEqual(expected)
  })
})
