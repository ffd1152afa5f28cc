import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConfigMap } from '../api/index.ts'
import { admin, eventually, newTestServer, quietLog, ref, type TestServer } from '../apiserver/testing.ts'
import { RESOURCES } from '../apiserver/resources.ts'
import { InformerFactory, objectKey, splitKey, type Informer } from './informer.ts'

const configMap = (namespace: string, name: string, labels: Record<string, string> = {}): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels },
  data: {},
})

describe('Informer', () => {
  let s: TestServer
  let factory: InformerFactory
  let informer: Informer<ConfigMap>
  const seen: string[] = []

  beforeEach(async () => {
    s = await newTestServer()
    seen.length = 0
    factory = new InformerFactory({ api: s.api, ctx: admin, log: quietLog })
    informer = factory.informer<ConfigMap>(RESOURCES.configmaps)
    informer.addIndex('app', (cm) => (cm.metadata.labels?.app ? [cm.metadata.labels.app] : []))
  })
  afterEach(async () => {
    await factory.stop()
  })

  it('lists before start resolves, then follows adds, updates and deletes through handlers and indexes', async () => {
    await s.api.create(ref.configmaps('default'), configMap('default', 'a', { app: 'web' }), admin)
    informer.addHandlers({
      add: (cm) => seen.push(`add ${objectKey(cm)}`),
      update: (prev, cur) => seen.push(`update ${objectKey(cur)} ${prev.metadata.labels?.app ?? ''}→${cur.metadata.labels?.app ?? ''}`),
      delete: (cm) => seen.push(`delete ${objectKey(cm)}`),
    })
    await factory.start()
    expect(seen).toEqual(['add default/a'])
    expect(informer.byIndex('app', 'web').map(objectKey)).toEqual(['default/a'])

    await s.api.create(ref.configmaps('kube-system'), configMap('kube-system', 'b', { app: 'web' }), admin)
    await s.api.patch(ref.configmaps('default', 'a'), 'application/merge-patch+json', { metadata: { labels: { app: 'db' } } }, admin)
    await s.api.delete(ref.configmaps('kube-system', 'b'), {}, admin)
    await eventually(() => seen.length === 4, 'four events')
    expect(seen).toEqual(['add default/a', 'add kube-system/b', 'update default/a web→db', 'delete kube-system/b'])
    expect(informer.byIndex('app', 'web')).toEqual([])
    expect(informer.byIndex('app', 'db').map(objectKey)).toEqual(['default/a'])
    expect(informer.list('default').map(objectKey)).toEqual(['default/a'])
    expect(informer.get('kube-system/b')).toBeUndefined()
  })

  it('replays the cache to handlers added after the first list, and refuses unknown indexes', async () => {
    await s.api.create(ref.configmaps('default'), configMap('default', 'a'), admin)
    await factory.start()
    informer.addHandlers({ add: (cm) => seen.push(`add ${objectKey(cm)}`) })
    expect(seen).toEqual(['add default/a'])
    expect(() => informer.byIndex('nope', 'x')).toThrow(/no index "nope"/)
  })

  it('shares one informer per resource and selector', () => {
    expect(factory.informer(RESOURCES.configmaps)).toBe(informer)
    expect(factory.informer(RESOURCES.configmaps, { labelSelector: 'app=web' })).not.toBe(informer)
  })

  it('splits keys back into namespace and name', () => {
    expect(splitKey('default/a')).toEqual({ namespace: 'default', name: 'a' })
    expect(splitKey('node-1')).toEqual({ name: 'node-1' })
  })
})
