import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeDeployment } from '../../api/testing/builders.ts'
import type { KubeObject } from '../../api/index.ts'
import { ApiError } from '../../apiserver/errors.ts'
import { admin, eventually, makeConfigMap, makeOwnedPod, makeReplicaSet, newTestServer, ownerReference, quietLog, ref, settle, type TestServer } from '../../apiserver/testing.ts'
import { GarbageCollector } from './garbage-collector.ts'

describe('GarbageCollector', () => {
  let s: TestServer
  let gc: GarbageCollector | null
  const startGc = async (): Promise<void> => {
    gc = new GarbageCollector({ api: s.api, log: quietLog, retryDelayMs: 10 })
    await gc.start()
  }
  const exists = async (r: ReturnType<typeof ref.pods>): Promise<boolean> => {
    try {
      await s.api.get(r, admin)
      return true
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return false
      throw err
    }
  }
  const names = async (r: ReturnType<typeof ref.pods>): Promise<string[]> => (await s.api.list(r, {}, admin)).items.map((i) => i.metadata.name ?? '')

  /** Deployment web → ReplicaSet web-1 → pods web-1-a, web-1-b (bound to n1 when `onNode`). */
  async function chain(onNode?: string): Promise<{ deployment: KubeObject; replicaSet: KubeObject }> {
    const deployment = (await s.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)).object
    const replicaSet = (await s.api.create(ref.replicasets('default'), makeReplicaSet('web-1', deployment), admin)).object
    for (const name of ['web-1-a', 'web-1-b']) await s.api.create(ref.pods('default'), makeOwnedPod(name, replicaSet, onNode), admin)
    return { deployment, replicaSet }
  }

  beforeEach(async () => {
    s = await newTestServer()
    gc = null
  })
  afterEach(async () => {
    await gc?.stop()
  })

  describe('background propagation (the default)', () => {
    it('removes the owner at once, then its dependents down the chain', async () => {
      await startGc()
      await chain()
      const result = await s.api.delete(ref.deployments('default', 'web'), { propagationPolicy: 'Background' }, admin)
      expect(result.code).toBe(200)
      await eventually(async () => (await names(ref.pods('default'))).length === 0, 'the pods to be collected')
      expect(await names(ref.replicasets('default'))).toEqual([])
    })

    it('is what a delete without a policy does', async () => {
      await startGc()
      await chain()
      await s.api.delete(ref.deployments('default', 'web'), {}, admin)
      await eventually(async () => (await names(ref.pods('default'))).length === 0, 'the pods to be collected')
    })
  })

  describe('foreground propagation', () => {
    it('keeps the owner until its dependents are gone, waiting for pods to terminate gracefully', async () => {
      await startGc()
      await chain('n1')
      const result = await s.api.delete(ref.deployments('default', 'web'), { propagationPolicy: 'Foreground' }, admin)
      expect(result.code).toBe(202)
      expect(result.object?.metadata.finalizers).toEqual(['foregroundDeletion'])
      // The ReplicaSet is deleted in the foreground too; its bound pods get their grace period.
      await eventually(async () => {
        const pods = (await s.api.list(ref.pods('default'), {}, admin)).items
        return pods.length === 2 && pods.every((p) => p.metadata.deletionTimestamp)
      }, 'the pods to be terminating')
      const rs = await s.api.get(ref.replicasets('default', 'web-1'), admin)
      expect(rs.metadata).toMatchObject({ finalizers: ['foregroundDeletion'], deletionTimestamp: expect.any(String) })
      expect(await exists(ref.deployments('default', 'web'))).toBe(true)
      // The node agent finishes the pods; then the ReplicaSet goes, then the Deployment.
      for (const name of ['web-1-a', 'web-1-b']) await s.api.delete(ref.pods('default', name), { gracePeriodSeconds: 0 }, admin)
      await eventually(async () => !(await exists(ref.deployments('default', 'web'))), 'the deployment to go')
      expect(await names(ref.replicasets('default'))).toEqual([])
    })

    it('does not wait for dependents that do not block their owner’s deletion', async () => {
      await startGc()
      const owner = (await s.api.create(ref.configmaps('default'), makeConfigMap('owner').obj(), admin)).object
      await s.api.create(ref.configmaps('default'), makeConfigMap('dep').withFinalizers('example.com/hold').ownedBy(owner).obj(), admin)
      await s.api.delete(ref.configmaps('default', 'owner'), { propagationPolicy: 'Foreground' }, admin)
      await eventually(async () => !(await exists(ref.configmaps('default', 'owner'))), 'the owner to go')
      expect((await s.api.get(ref.configmaps('default', 'dep'), admin)).metadata.deletionTimestamp).toBeDefined()
    })
  })

  describe('orphan propagation', () => {
    it('removes the owner and leaves its dependents, without the reference to it', async () => {
      await startGc()
      const { replicaSet } = await chain()
      const result = await s.api.delete(ref.deployments('default', 'web'), { propagationPolicy: 'Orphan' }, admin)
      expect(result.code).toBe(202)
      expect(result.object?.metadata.finalizers).toEqual(['orphan'])
      await eventually(async () => !(await exists(ref.deployments('default', 'web'))), 'the deployment to go')
      const rs = await s.api.get(ref.replicasets('default', 'web-1'), admin)
      expect(rs.metadata.uid).toBe(replicaSet.metadata.uid)
      expect(rs.metadata.ownerReferences).toBeUndefined()
      await settle(30)
      expect(await names(ref.pods('default'))).toEqual(['web-1-a', 'web-1-b'])
    })

    it('follows orphanDependents: true, the deprecated spelling', async () => {
      await startGc()
      await chain()
      await s.api.delete(ref.deployments('default', 'web'), { orphanDependents: true }, admin)
      await eventually(async () => !(await exists(ref.deployments('default', 'web'))), 'the deployment to go')
      expect(await names(ref.replicasets('default'))).toEqual(['web-1'])
    })
  })

  it('on start, collects dependents whose owners went while it was not running', async () => {
    await chain()
    await s.api.delete(ref.deployments('default', 'web'), {}, admin)
    await startGc()
    await eventually(async () => (await names(ref.pods('default'))).length === 0, 'the pods to be collected')
    expect(await names(ref.replicasets('default'))).toEqual([])
  })

  it('on start, finishes an orphaning left half done', async () => {
    await chain()
    await s.api.delete(ref.deployments('default', 'web'), { propagationPolicy: 'Orphan' }, admin)
    await startGc()
    await eventually(async () => !(await exists(ref.deployments('default', 'web'))), 'the deployment to go')
    expect(await names(ref.replicasets('default'))).toEqual(['web-1'])
  })

  it('keeps a dependent with a live owner, dropping its references to owners that are gone', async () => {
    await startGc()
    const live = (await s.api.create(ref.configmaps('default'), makeConfigMap('live').obj(), admin)).object
    const doomed = (await s.api.create(ref.configmaps('default'), makeConfigMap('doomed').obj(), admin)).object
    await s.api.create(ref.configmaps('default'), makeConfigMap('dep').ownedBy(live).ownedBy(doomed).obj(), admin)
    await s.api.delete(ref.configmaps('default', 'doomed'), {}, admin)
    await eventually(async () => (await s.api.get(ref.configmaps('default', 'dep'), admin)).metadata.ownerReferences?.length === 1, 'the stale reference to go')
    expect((await s.api.get(ref.configmaps('default', 'dep'), admin)).metadata.ownerReferences?.[0]?.uid).toBe(live.metadata.uid)
  })

  it('collects a dependent whose owner was replaced by a new object of the same name', async () => {
    await startGc()
    const first = (await s.api.create(ref.configmaps('default'), makeConfigMap('owner').obj(), admin)).object
    await s.api.delete(ref.configmaps('default', 'owner'), {}, admin)
    await s.api.create(ref.configmaps('default'), makeConfigMap('owner').obj(), admin)
    await s.api.create(ref.configmaps('default'), makeConfigMap('dep').ownedBy(first).obj(), admin)
    await eventually(async () => !(await exists(ref.configmaps('default', 'dep'))), 'the dependent to go')
    expect(await exists(ref.configmaps('default', 'owner'))).toBe(true)
  })

  it('never collects on account of an owner of a kind it cannot look up', async () => {
    await startGc()
    const unknownOwner = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', uid: 'w-uid' } }
    await s.api.create(ref.configmaps('default'), { ...makeConfigMap('dep').obj(), metadata: { name: 'dep', ownerReferences: [ownerReference(unknownOwner)] } }, admin)
    await settle(30)
    expect(gc?.idle).toBe(true)
    expect(await exists(ref.configmaps('default', 'dep'))).toBe(true)
  })
})
