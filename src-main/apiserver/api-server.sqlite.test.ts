// The API server on the store we ship: the same verbs over SqliteStore, and what only a durable
// store can show — state, revisions and pending work surviving a restart.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { makeDeployment } from '../api/testing/builders.ts'
import type { Deployment } from '../api/index.ts'
import { SqliteStore } from '../store/index.ts'
import { GarbageCollector } from '../controllers/garbagecollector/garbage-collector.ts'
import { ApiWatchRecorder, admin, eventually, makeOwnedPod, makeReplicaSet, newTestServer, quietLog, ref, type TestServer } from './testing.ts'

const dir = mkdtempSync(join(tmpdir(), 'coxswain-apiserver-'))
let files = 0
const newFile = (): string => join(dir, `store-${++files}.db`)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('ApiServer on SqliteStore', () => {
  const open: { close(): Promise<void> }[] = []
  const server = async (path: string): Promise<TestServer> => {
    const s = await newTestServer({ store: new SqliteStore(path, { log: quietLog }) })
    open.push(s.api, s.store)
    return s
  }
  afterEach(async () => {
    for (const c of open.splice(0).reverse()) await c.close()
  })

  it('serves every verb on a Deployment', async () => {
    const { api } = await server(newFile())
    const { object } = await api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
    await api.patch(ref.deployments('default', 'web', 'scale'), 'application/merge-patch+json', { spec: { replicas: 5 } }, admin)
    await api.patch(ref.deployments('default', 'web', 'status'), 'application/merge-patch+json', { status: { replicas: 5 } }, admin)
    const updated = (await api.get(ref.deployments('default', 'web'), admin)) as Deployment
    expect(updated).toMatchObject({ metadata: { uid: object.metadata.uid, generation: 2 }, spec: { replicas: 5 }, status: { replicas: 5 } })
    const list = await api.list(ref.deployments(), { labelSelector: 'app=web' }, admin)
    expect(list.items.map((d) => d.metadata.name)).toEqual(['web'])
    expect((await api.delete(ref.deployments('default', 'web'), {}, admin)).code).toBe(200)
    expect((await api.list(ref.deployments('default'), {}, admin)).items).toEqual([])
  })

  it('keeps objects and revisions across a restart, and a watch resumes from before it', async () => {
    const path = newFile()
    const first = await server(path)
    const { object } = await first.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
    await first.api.patch(ref.deployments('default', 'web'), 'application/merge-patch+json', { spec: { replicas: 2 } }, admin)
    for (const c of open.splice(0).reverse()) await c.close()

    const second = await server(path)
    expect((await second.api.list(ref.namespaces(), {}, admin)).items).toHaveLength(4)
    const restored = (await second.api.get(ref.deployments('default', 'web'), admin)) as Deployment
    expect(restored).toMatchObject({ metadata: { uid: object.metadata.uid, generation: 2 }, spec: { replicas: 2 } })
    const watch = new ApiWatchRecorder(await second.api.watch(ref.deployments('default'), { resourceVersion: object.metadata.resourceVersion }, admin))
    await watch.waitFor(1)
    expect(watch.summary()).toEqual(['MODIFIED web'])
    watch.watch.stop()
  })

  it('collects, after a restart, the dependents of an owner deleted before it', async () => {
    const path = newFile()
    const first = await server(path)
    const deployment = (await first.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)).object
    const rs = (await first.api.create(ref.replicasets('default'), makeReplicaSet('web-1', deployment), admin)).object
    await first.api.create(ref.pods('default'), makeOwnedPod('web-1-a', rs), admin)
    await first.api.delete(ref.deployments('default', 'web'), {}, admin)
    for (const c of open.splice(0).reverse()) await c.close()

    const second = await server(path)
    const gc = new GarbageCollector({ api: second.api, log: quietLog })
    open.push({ close: () => gc.stop() })
    await gc.start()
    await eventually(async () => (await second.api.list(ref.pods('default'), {}, admin)).items.length === 0, 'the pod to be collected')
    expect((await second.api.list(ref.replicasets('default'), {}, admin)).items).toEqual([])
  })
})
