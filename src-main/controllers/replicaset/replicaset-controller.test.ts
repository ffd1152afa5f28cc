import { afterEach, describe, expect, it } from 'vitest'
import type { Pod, ReplicaSet } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { admin, eventually, makeReplicaSet, ref, settle } from '../../apiserver/testing.ts'
import { listPods, markReady, startControllers, type ControllerTestbed } from '../workloads/testing.ts'
import { replicaSetController } from './replicaset-controller.ts'

let bed: ControllerTestbed
afterEach(async () => {
  await bed?.stop()
})

async function start(): Promise<ControllerTestbed> {
  bed = await startControllers({ 'replicaset-controller': replicaSetController })
  return bed
}

async function createRs(replicas: number, extra: Partial<NonNullable<ReplicaSet['spec']>> = {}): Promise<ReplicaSet> {
  const rs = makeReplicaSet('web') as ReplicaSet
  rs.spec = { ...rs.spec, ...extra, replicas, selector: rs.spec?.selector ?? {} }
  return (await bed.api.create(ref.replicasets('default'), rs, admin)).object as ReplicaSet
}

const getRs = async (): Promise<ReplicaSet> => (await bed.api.get(ref.replicasets('default', 'web'), admin)) as ReplicaSet
const activePods = async (): Promise<Pod[]> => (await listPods(bed.api)).filter((p) => !p.metadata.deletionTimestamp)
const scale = async (replicas: number): Promise<void> => {
  await bed.api.patch(ref.replicasets('default', 'web'), 'application/merge-patch+json', { spec: { replicas } }, admin)
}

describe('ReplicaSet controller', () => {
  it('creates the missing pods, owned by the ReplicaSet and named after it, and reports them in status', async () => {
    await start()
    const rs = await createRs(5)
    await eventually(async () => (await activePods()).length === 5, '5 pods')
    for (const pod of await activePods()) {
      expect(pod.metadata.name).toMatch(/^web-/)
      expect(pod.metadata.labels).toEqual({ app: 'web' })
      expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }])
    }
    await eventually(async () => (await getRs()).status?.replicas === 5, 'status.replicas 5')
    expect((await getRs()).status).toMatchObject({ replicas: 5, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 })
  })

  it('never creates more than asked, however often it is woken', async () => {
    await start()
    await createRs(30)
    await eventually(async () => (await activePods()).length >= 30, '30 pods')
    for (let i = 0; i < 5; i++) await bed.api.patch(ref.replicasets('default', 'web'), 'application/merge-patch+json', { metadata: { annotations: { poke: String(i) } } }, admin)
    await eventually(async () => (await getRs()).status?.replicas === 30, 'status 30')
    await settle(50)
    expect(await activePods()).toHaveLength(30)
  })

  it('scales down by deleting the least valuable pods first: not ready before ready', async () => {
    await start()
    await createRs(4)
    await eventually(async () => (await activePods()).length === 4, '4 pods')
    const [a, b] = await activePods()
    if (!a || !b) throw new Error('no pods')
    await markReady(bed.api, a, '2026-01-02T03:00:00Z')
    await markReady(bed.api, b, '2026-01-02T03:00:00Z')
    await scale(2)
    await eventually(async () => (await activePods()).length === 2, '2 pods left')
    expect((await activePods()).map((p) => p.metadata.name).sort()).toEqual([a.metadata.name, b.metadata.name].sort())
    await eventually(async () => (await getRs()).status?.readyReplicas === 2 && (await getRs()).status?.replicas === 2, 'status 2 ready')
  })

  it('replaces a pod that is deleted', async () => {
    await start()
    await createRs(2)
    await eventually(async () => (await activePods()).length === 2, '2 pods')
    const [victim] = await activePods()
    await bed.api.delete(ref.pods('default', victim?.metadata.name), {}, admin)
    await eventually(async () => (await activePods()).length === 2 && !(await activePods()).some((p) => p.metadata.uid === victim?.metadata.uid), 'a replacement')
  })

  it('adopts a matching orphan instead of creating, and releases a pod whose labels stop matching', async () => {
    await start()
    const orphan = (await bed.api.create(ref.pods('default'), makePod('orphan').withContainer().withLabels({ app: 'web' }).obj(), admin)).object
    const rs = await createRs(2)
    await eventually(async () => (await activePods()).length === 2, '2 pods')
    const adopted = (await bed.api.get(ref.pods('default', 'orphan'), admin)) as Pod
    expect(adopted.metadata.ownerReferences?.[0]?.uid).toBe(rs.metadata.uid)
    expect(adopted.metadata.uid).toBe(orphan.metadata.uid)

    await bed.api.patch(ref.pods('default', 'orphan'), 'application/merge-patch+json', { metadata: { labels: { app: 'elsewhere' } } }, admin)
    await eventually(async () => (((await bed.api.get(ref.pods('default', 'orphan'), admin)) as Pod).metadata.ownerReferences?.length ?? 0) === 0, 'released')
    await eventually(async () => (await activePods()).filter((p) => p.metadata.labels?.app === 'web').length === 2, 'a replacement for the released pod')
  })

  it('leaves pods another controller owns alone', async () => {
    await start()
    const foreign = makePod('foreign').withContainer().withLabels({ app: 'web' }).obj()
    foreign.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'uid-of-db', controller: true }]
    await bed.api.create(ref.pods('default'), foreign, admin)
    await createRs(1)
    await eventually(async () => (await activePods()).length === 2, 'one pod of its own')
    const kept = (await bed.api.get(ref.pods('default', 'foreign'), admin)) as Pod
    expect(kept.metadata.ownerReferences?.[0]?.uid).toBe('uid-of-db')
  })

  it('counts a pod available only after minReadySeconds', async () => {
    await start()
    await createRs(1, { minReadySeconds: 30 })
    await eventually(async () => (await activePods()).length === 1, 'a pod')
    const [pod] = await activePods()
    if (!pod) throw new Error('no pod')
    await markReady(bed.api, pod, bed.clock.now().toISOString())
    await eventually(async () => (await getRs()).status?.readyReplicas === 1, 'ready')
    expect((await getRs()).status?.availableReplicas).toBe(0)
    bed.clock.advance(31)
    await bed.api.patch(ref.replicasets('default', 'web'), 'application/merge-patch+json', { metadata: { annotations: { poke: '1' } } }, admin)
    await eventually(async () => (await getRs()).status?.availableReplicas === 1, 'available after 30 s')
  })

  it('does nothing when in sync', async () => {
    await start()
    await createRs(2)
    await eventually(async () => (await getRs()).status?.replicas === 2, 'in sync')
    const before = (await getRs()).metadata.resourceVersion
    const pods = (await activePods()).map((p) => p.metadata.resourceVersion)
    await bed.api.patch(ref.replicasets('default', 'web'), 'application/merge-patch+json', { metadata: { annotations: { poke: '1' } } }, admin)
    await settle(50)
    const after = await getRs()
    expect(Number(after.metadata.resourceVersion)).toBe(Number(before) + 1)
    expect((await activePods()).map((p) => p.metadata.resourceVersion)).toEqual(pods)
  })

  it('counts the pods of sibling ReplicaSets (same Deployment) when choosing whom to delete', async () => {
    await start()
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app', uid: 'uid-of-app', controller: true }
    const make = async (name: string, replicas: number): Promise<void> => {
      const rs = makeReplicaSet(name) as ReplicaSet
      rs.metadata.ownerReferences = [owner]
      rs.spec = { ...rs.spec, replicas, selector: rs.spec?.selector ?? {} }
      await bed.api.create(ref.replicasets('default'), rs, admin)
    }
    await make('old', 2)
    await make('web', 2)
    await eventually(async () => (await activePods()).length === 4, '4 pods')
    const byRs = async (name: string): Promise<Pod[]> => (await activePods()).filter((p) => p.metadata.ownerReferences?.[0]?.name === name)
    // The sibling's pods both on n1; ours one on n1 and one on n2 — all Running and Ready alike.
    const [o1, o2] = await byRs('old')
    const [w1, w2] = await byRs('web')
    for (const [pod, node] of [[o1, 'n1'], [o2, 'n1'], [w1, 'n1'], [w2, 'n2']] as const) {
      if (!pod) throw new Error('missing pod')
      await bed.api.create(ref.pods('default', pod.metadata.name, 'binding'), { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name }, target: { kind: 'Node', name: node } }, admin)
      await markReady(bed.api, pod, '2026-01-02T03:00:00Z')
    }
    await scale(1)
    await eventually(async () => (await byRs('web')).length === 1, 'one left')
    expect((await byRs('web'))[0]?.spec?.nodeName).toBe('n2')
  })
})
