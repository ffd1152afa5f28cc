import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeDeployment, makePod } from '../../api/testing/builders.ts'
import type { Namespace } from '../../api/index.ts'
import { ApiError } from '../../apiserver/errors.ts'
import { admin, eventually, makeConfigMap, newTestServer, quietLog, ref, type TestServer } from '../../apiserver/testing.ts'
import { GarbageCollector } from '../garbagecollector/garbage-collector.ts'
import { CONTENT_REMAINING, NamespaceController } from './namespace-controller.ts'

describe('NamespaceController', () => {
  let s: TestServer
  let controllers: { stop(): Promise<void> }[]
  const start = async (): Promise<void> => {
    const nsc = new NamespaceController({ api: s.api, log: quietLog, now: s.clock.now, recheckMs: 10, maxRecheckMs: 20 })
    const gc = new GarbageCollector({ api: s.api, log: quietLog })
    controllers = [nsc, gc]
    await nsc.start()
    await gc.start()
  }
  const namespaceGone = async (name: string): Promise<boolean> => {
    try {
      await s.api.get(ref.namespaces(name), admin)
      return false
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return true
      throw err
    }
  }

  beforeEach(async () => {
    s = await newTestServer()
    controllers = []
    await s.api.create(ref.namespaces(), { metadata: { name: 'team' } }, admin)
  })
  afterEach(async () => {
    for (const c of controllers) await c.stop()
  })

  it('deletes everything in a deleted namespace, then the namespace', async () => {
    await start()
    await s.api.create(ref.deployments('team'), makeDeployment('web', 'team').obj(), admin)
    await s.api.create(ref.pods('team'), makePod('p', 'team').withContainer().obj(), admin)
    await s.api.create(ref.configmaps('team'), makeConfigMap('cm', 'team').obj(), admin)
    await s.api.create(ref.configmaps('default'), makeConfigMap('elsewhere').obj(), admin)
    await s.api.delete(ref.namespaces('team'), {}, admin)
    await eventually(() => namespaceGone('team'), 'the namespace to go')
    for (const r of [ref.deployments('team'), ref.pods('team'), ref.configmaps('team')]) expect((await s.api.list(r, {}, admin)).items).toEqual([])
    expect((await s.api.list(ref.configmaps('default'), {}, admin)).items.map((i) => i.metadata.name)).toEqual(['elsewhere'])
  })

  it('waits for pods to terminate, saying in its conditions what remains', async () => {
    await start()
    await s.api.create(ref.pods('team'), makePod('p', 'team').withContainer().onNode('n1').obj(), admin)
    await s.api.delete(ref.namespaces('team'), {}, admin)
    await eventually(async () => {
      const ns = (await s.api.get(ref.namespaces('team'), admin)) as Namespace
      return ns.status?.conditions?.some((c) => c.type === CONTENT_REMAINING) === true
    }, 'the content-remaining condition')
    const ns = (await s.api.get(ref.namespaces('team'), admin)) as Namespace
    expect(ns.status?.phase).toBe('Terminating')
    expect(ns.status?.conditions?.find((c) => c.type === CONTENT_REMAINING)).toMatchObject({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: pods. has 1 resource instances',
    })
    // The node agent stops the pod and finishes its deletion.
    await s.api.delete(ref.pods('team', 'p'), { gracePeriodSeconds: 0 }, admin)
    await eventually(() => namespaceGone('team'), 'the namespace to go')
  })

  it('on start, finishes a namespace deletion begun before', async () => {
    await s.api.create(ref.configmaps('team'), makeConfigMap('cm', 'team').obj(), admin)
    await s.api.delete(ref.namespaces('team'), {}, admin)
    await start()
    await eventually(() => namespaceGone('team'), 'the namespace to go')
  })

  it('leaves namespaces that are not being deleted alone', async () => {
    await start()
    await s.api.create(ref.configmaps('team'), makeConfigMap('cm', 'team').obj(), admin)
    await s.api.patch(ref.namespaces('team'), 'application/merge-patch+json', { metadata: { labels: { touched: 'yes' } } }, admin)
    await eventually(() => controllers.every((c) => (c as NamespaceController | GarbageCollector).idle), 'the controllers to be idle')
    expect((await s.api.list(ref.configmaps('team'), {}, admin)).items).toHaveLength(1)
  })
})
