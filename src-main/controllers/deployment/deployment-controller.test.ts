import { afterEach, describe, expect, it } from 'vitest'
import type { Deployment, Pod, ReplicaSet } from '../../api/index.ts'
import { makeDeployment } from '../../api/testing/builders.ts'
import { forbidden } from '../../apiserver/errors.ts'
import { admin, eventually, ref, settle } from '../../apiserver/testing.ts'
import type { ApiServerVerbs } from '../../apiserver/types.ts'
import { replicaSetController } from '../replicaset/replicaset-controller.ts'
import { autoReady, startControllers, type ControllerTestbed } from '../workloads/testing.ts'
import { deploymentController } from './deployment-controller.ts'
import { REVISION_ANNOTATION } from './revisions.ts'

let bed: ControllerTestbed

/** The verbs of `api` as plain functions, so a test can replace one. */
const bindAll = (api: ApiServerVerbs): ApiServerVerbs => ({
  create: api.create.bind(api),
  get: api.get.bind(api),
  list: api.list.bind(api),
  update: api.update.bind(api),
  patch: api.patch.bind(api),
  delete: api.delete.bind(api),
  deleteCollection: api.deleteCollection.bind(api),
  watch: api.watch.bind(api),
})
let stopKubelet: (() => Promise<void>) | undefined
afterEach(async () => {
  await stopKubelet?.()
  stopKubelet = undefined
  await bed?.stop()
})

async function start(ready?: (pod: Pod) => boolean): Promise<void> {
  bed = await startControllers({ 'replicaset-controller': replicaSetController, 'deployment-controller': deploymentController })
  stopKubelet = autoReady(bed, ready)
}

const getD = async (): Promise<Deployment> => (await bed.api.get(ref.deployments('default', 'web'), admin)) as Deployment
const replicaSets = async (): Promise<ReplicaSet[]> => (await bed.api.list(ref.replicasets('default'), {}, admin)).items as ReplicaSet[]
const pods = async (): Promise<Pod[]> => ((await bed.api.list(ref.pods('default'), {}, admin)).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp)
const patchD = async (patch: object): Promise<void> => {
  await bed.api.patch(ref.deployments('default', 'web'), 'application/strategic-merge-patch+json', patch, admin)
}
const setImage = (image: string): Promise<void> => patchD({ spec: { template: { spec: { containers: [{ name: 'web', image }] } } } })

/** Rolled out: every replica updated and available, the latest generation observed. */
async function rolledOut(replicas: number): Promise<boolean> {
  const d = await getD()
  const s = d.status ?? {}
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    s.updatedReplicas === replicas &&
    s.replicas === replicas &&
    s.availableReplicas === replicas &&
    (await pods()).length === replicas
  )
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet named after the template hash, revision 1, and its pods', async () => {
    await start()
    await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(3).obj(), admin)
    await eventually(() => rolledOut(3), 'rolled out')
    const [rs] = await replicaSets()
    const hash = rs?.metadata.labels?.['pod-template-hash'] ?? ''
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/)
    expect(rs?.metadata.name).toBe(`web-${hash}`)
    expect(rs?.metadata.annotations?.[REVISION_ANNOTATION]).toBe('1')
    expect(rs?.spec?.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash })
    const d = await getD()
    expect(d.metadata.annotations?.[REVISION_ANNOTATION]).toBe('1')
    expect(d.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual(
      expect.arrayContaining([
        ['Available', 'True', 'MinimumReplicasAvailable'],
        ['Progressing', 'True', 'NewReplicaSetAvailable'],
      ]),
    )
    for (const pod of await pods()) expect(pod.metadata.labels?.['pod-template-hash']).toBe(hash)
  })

  it('rolls out a new template within maxSurge and maxUnavailable, sampled throughout', async () => {
    await start()
    const d = makeDeployment('web').withReplicas(6).withSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } } }).obj()
    await bed.api.create(ref.deployments('default'), d, admin)
    await eventually(() => rolledOut(6), 'first rollout')
    await setImage('nginx:1.26')
    const samples: { total: number; ready: number }[] = []
    await eventually(async () => {
      const now = await pods()
      samples.push({ total: now.length, ready: now.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length })
      return (await rolledOut(6)) && now.every((p) => p.spec?.containers[0]?.image === 'nginx:1.26')
    }, 'second rollout')
    expect(Math.max(...samples.map((s) => s.total))).toBeLessThanOrEqual(8)
    expect(Math.min(...samples.map((s) => s.ready))).toBeGreaterThanOrEqual(5)
    const all = await replicaSets()
    expect(all.map((rs) => [rs.metadata.annotations?.[REVISION_ANNOTATION], rs.spec?.replicas]).sort()).toEqual([
      ['1', 0],
      ['2', 6],
    ])
    expect((await getD()).metadata.annotations?.[REVISION_ANNOTATION]).toBe('2')
  })

  it('Recreate: old pods are all gone before a new one is created', async () => {
    await start()
    await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(3).withSpec({ strategy: { type: 'Recreate' } }).obj(), admin)
    await eventually(() => rolledOut(3), 'first rollout')
    await setImage('nginx:1.26')
    let mixed = false
    await eventually(async () => {
      const images = new Set((await pods()).map((p) => p.spec?.containers[0]?.image))
      if (images.size > 1) mixed = true
      return (await rolledOut(3)) && images.has('nginx:1.26') && images.size === 1
    }, 'recreated')
    expect(mixed).toBe(false)
  })

  it('scales up and down, and proportionally in the middle of a rollout', async () => {
    await start((pod) => pod.spec?.containers[0]?.image !== 'broken:0')
    await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(6).obj(), admin)
    await eventually(() => rolledOut(6), '6')
    await patchD({ spec: { replicas: 10 } })
    await eventually(() => rolledOut(10), '10')
    await patchD({ spec: { replicas: 2 } })
    await eventually(() => rolledOut(2), '2')
    await patchD({ spec: { replicas: 0 } })
    await eventually(() => rolledOut(0), '0')
    await patchD({ spec: { replicas: 10 } })
    await eventually(() => rolledOut(10), '10 again')

    // A stalled rollout (new pods never ready): 10 replicas, surge 3 → old 8, new 5.
    await setImage('broken:0')
    await eventually(async () => {
      const sizes = (await replicaSets()).map((rs) => rs.spec?.replicas ?? 0).sort((a, b) => a - b)
      return JSON.stringify(sizes) === JSON.stringify([5, 8])
    }, 'stalled at old 8 / new 5')
    await patchD({ spec: { replicas: 20 } })
    // 20 + 5 surge = 25 shared in proportion to 8:5 of 13 → 15 and 10.
    await eventually(async () => {
      const sizes = (await replicaSets()).map((rs) => rs.spec?.replicas ?? 0).sort((a, b) => a - b)
      return JSON.stringify(sizes) === JSON.stringify([10, 15])
    }, 'proportional 15 / 10')
  })

  it('a rollout that makes no progress is marked ProgressDeadlineExceeded while old pods keep serving', async () => {
    await start((pod) => pod.spec?.containers[0]?.image !== 'broken:0')
    await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(4).withSpec({ progressDeadlineSeconds: 30 }).obj(), admin)
    await eventually(() => rolledOut(4), 'first rollout')
    await setImage('broken:0')
    await eventually(async () => (await getD()).status?.updatedReplicas === 2, 'new pods created')
    bed.clock.advance(31)
    await patchD({ metadata: { annotations: { poke: '1' } } })
    await eventually(async () => (await getD()).status?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'ProgressDeadlineExceeded', 'deadline exceeded')
    const ready = (await pods()).filter((p) => p.spec?.containers[0]?.image === 'nginx:1.25' && p.status?.phase === 'Running')
    expect(ready.length).toBeGreaterThanOrEqual(3)
  })

  it('rolls back by taking an old ReplicaSet’s template (kubectl rollout undo): it becomes the next revision', async () => {
    await start()
    await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(2).obj(), admin)
    await eventually(() => rolledOut(2), 'v1')
    await setImage('nginx:1.26')
    await eventually(async () => (await rolledOut(2)) && (await getD()).metadata.annotations?.[REVISION_ANNOTATION] === '2', 'v2')
    const first = (await replicaSets()).find((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION] === '1')
    const template = structuredClone(first?.spec?.template)
    delete template?.metadata?.labels?.['pod-template-hash']
    await bed.api.patch(ref.deployments('default', 'web'), 'application/json-patch+json', [{ op: 'replace', path: '/spec/template', value: template }], admin)
    await eventually(async () => (await rolledOut(2)) && (await pods()).every((p) => p.spec?.containers[0]?.image === 'nginx:1.25'), 'rolled back')
    const reused = (await replicaSets()).find((rs) => rs.metadata.uid === first?.metadata.uid)
    expect(reused?.metadata.annotations).toMatchObject({ [REVISION_ANNOTATION]: '3', 'deployment.kubernetes.io/revision-history': '1' })
    expect(await replicaSets()).toHaveLength(2)
  })

  it('keeps revisionHistoryLimit old ReplicaSets', async () => {
    await start()
    await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(1).withSpec({ revisionHistoryLimit: 1 }).obj(), admin)
    for (const tag of ['1.26', '1.27', '1.28']) {
      await setImage(`nginx:${tag}`)
      await eventually(async () => (await rolledOut(1)) && (await pods())[0]?.spec?.containers[0]?.image === `nginx:${tag}`, tag)
    }
    await eventually(async () => (await replicaSets()).length === 2, 'one old ReplicaSet kept')
    expect((await replicaSets()).map((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION]).sort()).toEqual(['3', '4'])
  })

  it('paused: template changes wait, scaling does not; resume rolls out', async () => {
    await start()
    await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(2).obj(), admin)
    await eventually(() => rolledOut(2), 'v1')
    await patchD({ spec: { paused: true } })
    await setImage('nginx:1.26')
    await patchD({ spec: { replicas: 3 } })
    await eventually(async () => (await pods()).length === 3, 'scaled while paused')
    expect((await replicaSets())).toHaveLength(1)
    expect((await getD()).status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('DeploymentPaused')
    await patchD({ spec: { paused: false } })
    await eventually(async () => (await rolledOut(3)) && (await pods()).every((p) => p.spec?.containers[0]?.image === 'nginx:1.26'), 'resumed')
  })

  it('adopts the ReplicaSets and pods an orphaning delete left behind, creating nothing new', async () => {
    await start()
    await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(3).obj(), admin)
    await eventually(() => rolledOut(3), 'rolled out')
    const [rs] = await replicaSets()
    const podUids = (await pods()).map((p) => p.metadata.uid).sort()
    // What the garbage collector does for propagationPolicy=Orphan (no collector runs here): the
    // Deployment goes, the references to it go, the ReplicaSet and its pods stay.
    await bed.api.delete(ref.deployments('default', 'web'), {}, admin)
    await bed.api.patch(ref.replicasets('default', rs?.metadata.name), 'application/merge-patch+json', { metadata: { ownerReferences: null } }, admin)
    const again = (await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(3).obj(), admin)).object
    await eventually(async () => (await replicaSets())[0]?.metadata.ownerReferences?.[0]?.uid === again.metadata.uid, 'the ReplicaSet adopted')
    await eventually(() => rolledOut(3), 'rolled out again')
    expect(await replicaSets()).toHaveLength(1)
    expect((await pods()).map((p) => p.metadata.uid).sort()).toEqual(podUids)
  })

  it('reports ReplicaFailure when pods cannot be created, and clears it once they can', async () => {
    let refuse = true
    bed = await startControllers({ 'replicaset-controller': replicaSetController, 'deployment-controller': deploymentController }, (api) => ({
      ...bindAll(api),
      create: (r, body, c) => (refuse && r.resource === 'pods' ? Promise.reject(forbidden({ group: '', resource: 'pods' }, '', 'exceeded quota: pods=0')) : api.create(r, body, c)),
    }))
    stopKubelet = autoReady(bed)
    await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(2).obj(), admin)
    await eventually(async () => (await getD()).status?.conditions?.some((c) => c.type === 'ReplicaFailure' && c.status === 'True') ?? false, 'ReplicaFailure on the Deployment')
    const failure = (await getD()).status?.conditions?.find((c) => c.type === 'ReplicaFailure')
    expect(failure).toMatchObject({ reason: 'FailedCreate', message: expect.stringContaining('exceeded quota') })
    refuse = false
    await eventually(() => rolledOut(2), 'rolled out once creates are allowed', 10_000)
    await eventually(async () => !(await getD()).status?.conditions?.some((c) => c.type === 'ReplicaFailure'), 'ReplicaFailure cleared')
  })

  it('does nothing when rolled out: no write to the Deployment or its ReplicaSet on a resync', async () => {
    await start()
    await bed.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(2).obj(), admin)
    await eventually(() => rolledOut(2), 'rolled out')
    await eventually(async () => (await getD()).status?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'NewReplicaSetAvailable', 'complete')
    await settle(50)
    const before = [(await getD()).metadata.resourceVersion, ...(await replicaSets()).map((rs) => rs.metadata.resourceVersion)]
    // A label change reaches the controllers as an update, as a resync does.
    await patchD({ metadata: { labels: { poke: '1' } } })
    await settle(100)
    const after = [(await getD()).metadata.resourceVersion, ...(await replicaSets()).map((rs) => rs.metadata.resourceVersion)]
    expect(Number(after[0])).toBe(Number(before[0]) + 1)
    expect(after.slice(1)).toEqual(before.slice(1))
  })

  it('Recreate waits for old pods that are still terminating before it starts new ones', async () => {
    await start()
    const d = makeDeployment('web').withReplicas(2).withSpec({ strategy: { type: 'Recreate' } }).withPodSpec({ nodeName: 'n1' }).obj()
    await bed.api.create(ref.deployments('default'), d, admin)
    await eventually(() => rolledOut(2), 'first rollout')
    await setImage('nginx:1.26')
    // Bound to a node, the old pods terminate gracefully; no node agent finishes them here.
    const all = async (): Promise<Pod[]> => (await bed.api.list(ref.pods('default'), {}, admin)).items as Pod[]
    await eventually(async () => (await all()).every((p) => p.metadata.deletionTimestamp), 'old pods terminating')
    await settle(50)
    expect((await all()).filter((p) => p.spec?.containers[0]?.image === 'nginx:1.26')).toEqual([])
    for (const pod of await all()) await bed.api.delete(ref.pods('default', pod.metadata.name), { gracePeriodSeconds: 0 }, admin)
    await eventually(() => rolledOut(2), 'new pods once the old are gone')
    expect((await pods()).every((p) => p.spec?.containers[0]?.image === 'nginx:1.26')).toBe(true)
  })
})
