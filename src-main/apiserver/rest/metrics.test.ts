// metrics.k8s.io through the REST door over the real ApiServer (MemoryStore), with a fixed provider.

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePod } from '../../api/testing/builders.ts'
import { MetricsStore } from '../../nodeagent/metrics/store.ts'
import { admin, newTestServer, quietLog } from '../testing.ts'
import { createKubernetesHandler } from './handler.ts'
import { parseMetricsPath } from './metrics.ts'

const NOW = Date.parse('2026-01-02T03:05:05Z')
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'

describe('parseMetricsPath', () => {
  it('names the group, the version, nodes and pods; other paths are not its', () => {
    expect(parseMetricsPath('/apis/metrics.k8s.io')).toEqual({ kind: 'group' })
    expect(parseMetricsPath('/apis/metrics.k8s.io/v1beta1/')).toEqual({ kind: 'resourceList' })
    expect(parseMetricsPath('/apis/metrics.k8s.io/v1beta1/nodes')).toEqual({ kind: 'nodes' })
    expect(parseMetricsPath('/apis/metrics.k8s.io/v1beta1/nodes/node-1')).toEqual({ kind: 'nodes', name: 'node-1' })
    expect(parseMetricsPath('/apis/metrics.k8s.io/v1beta1/pods')).toEqual({ kind: 'pods' })
    expect(parseMetricsPath('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')).toEqual({ kind: 'pods', namespace: 'default' })
    expect(parseMetricsPath('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web')).toEqual({ kind: 'pods', namespace: 'default', name: 'web' })
    expect(parseMetricsPath('/apis/metrics.k8s.io/v1/nodes')).toEqual({ kind: 'notFound' })
    expect(parseMetricsPath('/apis/metrics.k8s.io/v1beta1/namespaces/default/nodes')).toEqual({ kind: 'notFound' })
    expect(parseMetricsPath('/apis/metrics.k8s.io.evil/v1beta1')).toBeUndefined()
    expect(parseMetricsPath('/apis/apps/v1')).toBeUndefined()
  })
})

describe('metrics.k8s.io on the REST door', () => {
  let server: Server
  let base: string
  let served = true
  const store = new MetricsStore()
  const call = async (path: string, init: RequestInit = {}) => fetch(base + path, init)
  const json = async (path: string, init: RequestInit = {}) => (await (await call(path, init)).json()) as Record<string, unknown>

  beforeAll(async () => {
    const t = await newTestServer()
    await t.api.create({ group: '', version: 'v1', resource: 'nodes' }, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { zone: 'a' } } }, admin)
    await t.api.create({ group: '', version: 'v1', resource: 'nodes' }, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' } }, admin)
    const web = (await t.api.create({ group: '', version: 'v1', resource: 'pods', namespace: 'default' }, makePod('web', 'default').withLabels({ app: 'web' }).withContainer().obj(), admin)).object
    const db = (await t.api.create({ group: '', version: 'v1', resource: 'pods', namespace: 'default' }, makePod('db', 'default').withLabels({ app: 'db' }).withContainer().obj(), admin)).object
    await t.api.create({ group: '', version: 'v1', resource: 'pods', namespace: 'default' }, makePod('stale', 'default').withContainer().obj(), admin)
    store.setNode({ node: 'node-1', timestampMs: Date.parse('2026-01-02T03:05:00.400Z'), windowMs: 10_012, usage: { cpuNanocores: 123456, memoryWorkingSetBytes: 12345 * 1024 } })
    const usage = { cpuNanocores: 250_000_000, memoryWorkingSetBytes: 64 * 1024 * 1024 }
    const pod = (name: string, uid: string) => ({ node: 'node-1', namespace: 'default', name, uid, timestampMs: Date.parse('2026-01-02T03:05:01Z'), windowMs: 1000, containers: [{ name: 'web', usage }] })
    store.setPods('node-1', [pod('web', web.metadata.uid ?? ''), pod('db', db.metadata.uid ?? ''), pod('stale', 'an-earlier-uid')])
    const handler = createKubernetesHandler({ verbs: () => t.api, coxswainVersion: '0.1.0', log: quietLog, now: () => NOW, metrics: () => (served ? store : undefined) })
    server = createServer((req, res) => void handler(req, res, new URL(req.url ?? '/', 'http://x'), { name: 'admin', readOnly: false }))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('lists the group in /apis (classic and aggregated) and its resources as metrics-server does', async () => {
    const groups = (await json('/apis')).groups as { name: string }[]
    expect(groups.at(-1)).toEqual({ name: 'metrics.k8s.io', versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }], preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' } })
    const aggregated = (await json('/apis', { headers: { Accept: AGGREGATED } })).items as { metadata: { name: string } }[]
    expect(aggregated.map((i) => i.metadata.name)).toContain('metrics.k8s.io')
    expect(await json('/apis/metrics.k8s.io')).toMatchObject({ kind: 'APIGroup', name: 'metrics.k8s.io' })
    expect(await json('/apis/metrics.k8s.io/v1beta1')).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'metrics.k8s.io/v1beta1',
      resources: [
        { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
        { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
      ],
    })
  })

  it('lists NodeMetrics of the nodes with samples, and gets one', async () => {
    const node1 = {
      metadata: { name: 'node-1', creationTimestamp: '2026-01-02T03:05:05Z', labels: { zone: 'a' } },
      timestamp: '2026-01-02T03:05:00Z',
      window: '10.012s',
      usage: { cpu: '123456n', memory: '12345Ki' },
    }
    expect(await json('/apis/metrics.k8s.io/v1beta1/nodes')).toEqual({ kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [node1] })
    expect(await json('/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%3Db')).toMatchObject({ items: [] })
    expect(await json('/apis/metrics.k8s.io/v1beta1/nodes/node-1')).toEqual({ kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...node1 })
    const missing = await call('/apis/metrics.k8s.io/v1beta1/nodes/node-2')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ reason: 'NotFound', message: 'nodemetrics.metrics.k8s.io "node-2" not found' })
    expect((await call('/apis/metrics.k8s.io/v1beta1/nodes/node-9')).status).toBe(404)
  })

  it('lists PodMetrics by namespace and label selector, leaving out samples of an earlier pod of the same name', async () => {
    const list = await json('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')
    expect(list).toMatchObject({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {} })
    expect((list.items as { metadata: { name: string } }[]).map((i) => i.metadata.name).sort()).toEqual(['db', 'web'])
    const web = await json('/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dweb')
    expect(web.items).toEqual([
      {
        metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-01-02T03:05:05Z', labels: { app: 'web' } },
        timestamp: '2026-01-02T03:05:01Z',
        window: '1s',
        containers: [{ name: 'web', usage: { cpu: '250m', memory: '64Mi' } }],
      },
    ])
    expect(await json('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/db')).toMatchObject({ kind: 'PodMetrics', metadata: { name: 'db' } })
    expect((await call('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/stale')).status).toBe(404)
    expect((await call('/apis/metrics.k8s.io/v1beta1/namespaces/other/pods')).status).toBe(200)
  })

  it('is read-only', async () => {
    expect((await call('/apis/metrics.k8s.io/v1beta1/nodes', { method: 'POST', body: '{}' })).status).toBe(405)
    expect((await call('/apis/metrics.k8s.io/v1beta1/nodes?watch=1')).status).toBe(405)
  })

  it('is not served without a provider', async () => {
    served = false
    try {
      expect((await call('/apis/metrics.k8s.io/v1beta1/nodes')).status).toBe(404)
      expect((await call('/apis/metrics.k8s.io')).status).toBe(404)
      expect(((await json('/apis')).groups as { name: string }[]).map((g) => g.name)).not.toContain('metrics.k8s.io')
    } finally {
      served = true
    }
  })
})
