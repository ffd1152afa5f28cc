// The REST door over the real ApiServer (on a MemoryStore), through real HTTP on loopback.

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDeployment } from '../../api/testing/builders.ts'
import type { Table } from '../../api/types/meta.ts'
import type { ApiServer } from '../api-server.ts'
import { newTestServer, quietLog } from '../testing.ts'
import type { ApiServerVerbs, ApiWatch } from '../types.ts'
import { createKubernetesHandler } from './handler.ts'
import fixtures from './protobuf/testdata/kubectl-1.33-create.json' with { type: 'json' }
import { OPENAPI_V2_PROTOBUF } from './protobuf/openapi-v2.ts'
import { openApiV3Hash } from './openapi.ts'

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'

/** Counts the core's watches that the door has not stopped. */
function countingWatches(api: ApiServerVerbs): { verbs: ApiServerVerbs; open: () => number } {
  let open = 0
  const verbs = Object.create(api) as ApiServerVerbs
  verbs.watch = async (...args) => {
    const watch = await api.watch(...args)
    open++
    let stopped = false
    const stop = watch.stop.bind(watch)
    const counted: ApiWatch = Object.assign(watch, {
      stop: () => {
        if (!stopped) open--
        stopped = true
        stop()
      },
    })
    return counted
  }
  return { verbs, open: () => open }
}

/** Resolves once `predicate` holds, checking on every event loop turn; fails after `ms`. */
async function until(predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Reads a watch stream line by line. */
async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder()
  let buffered = ''
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true })
    let nl
    while ((nl = buffered.indexOf('\n')) >= 0) {
      yield JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>
      buffered = buffered.slice(nl + 1)
    }
  }
}

describe('Kubernetes REST door', () => {
  let server: Server
  let base: string
  let api: ApiServer
  let compact: (rev: number) => Promise<void>
  let watches: ReturnType<typeof countingWatches>

  const call = (path: string, init: RequestInit & { readOnly?: boolean } = {}) =>
    fetch(base + path, { ...init, headers: { ...(init.readOnly ? { 'x-test-read-only': '1' } : {}), ...(init.headers as Record<string, string>) } })
  const json = async (res: Response): Promise<Record<string, unknown>> => (await res.json()) as Record<string, unknown>
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(path, { method: 'POST', body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } })

  beforeAll(async () => {
    const t = await newTestServer()
    api = t.api
    compact = (rev) => t.store.compact(rev)
    watches = countingWatches(t.api)
    const handler = createKubernetesHandler({ verbs: () => watches.verbs, coxswainVersion: '0.1.0', log: quietLog, now: () => Date.parse('2026-01-02T03:05:05Z') })
    server = createServer((req, res) => {
      const user = req.headers['x-test-read-only'] ? { name: 'viewer', readOnly: true } : { name: 'admin', readOnly: false }
      void handler(req, res, new URL(req.url ?? '/', 'http://x'), user)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  describe('info endpoints', () => {
    it('answers /version with the Kubernetes level and Coxswain’s version', async () => {
      expect(await json(await call('/version'))).toMatchObject({ major: '1', minor: '33', gitVersion: 'v1.33.0-coxswain.0.1.0' })
    })

    it('answers the health checks', async () => {
      expect(await (await call('/healthz')).text()).toBe('ok')
      expect(await (await call('/livez/ping')).text()).toBe('ok')
      expect(await (await call('/readyz?verbose')).text()).toContain('readyz check passed')
      expect((await call('/healthz/etcd')).status).toBe(404)
    })

    it('serves aggregated discovery with the media type that says so', async () => {
      const res = await call('/apis', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } })
      expect(res.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList')
      expect(await json(res)).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' })
    })

    it('serves classic discovery otherwise', async () => {
      expect(await json(await call('/api'))).toMatchObject({ kind: 'APIVersions', versions: ['v1'] })
      expect(await json(await call('/apis/apps'))).toMatchObject({ kind: 'APIGroup', name: 'apps' })
      expect(await json(await call('/apis/apps/v1'))).toMatchObject({ kind: 'APIResourceList', groupVersion: 'apps/v1' })
    })

    it('serves OpenAPI v2 as JSON or as gnostic protobuf', async () => {
      expect(await json(await call('/openapi/v2'))).toMatchObject({ swagger: '2.0' })
      const pb = await call('/openapi/v2', { headers: { Accept: OPENAPI_V2_PROTOBUF } })
      expect(pb.status).toBe(200)
      expect(pb.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf')
      expect(Buffer.from(await pb.arrayBuffer()).subarray(0, 5)).toEqual(Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30])) // swagger: "2.0"
      expect((await call('/openapi/v2', { headers: { Accept: 'text/html' } })).status).toBe(406)
    })

    it('serves OpenAPI v3 by hash: cached when current, redirected when stale', async () => {
      const index = await json(await call('/openapi/v3'))
      const url = (index.paths as Record<string, { serverRelativeURL: string }>)['apis/apps/v1']?.serverRelativeURL ?? ''
      expect(url).toBe(`/openapi/v3/apis/apps/v1?hash=${openApiV3Hash('apps', 'v1')}`)
      const current = await call(url)
      expect(current.headers.get('cache-control')).toContain('immutable')
      expect(await json(current)).toMatchObject({ openapi: '3.0.0' })
      const stale = await call('/openapi/v3/apis/apps/v1?hash=0000', { redirect: 'manual' })
      expect(stale.status).toBe(301)
      expect(stale.headers.get('location')).toBe(url)
      expect((await call('/openapi/v3/apis/batch/v1')).status).toBe(404)
    })
  })

  describe('errors', () => {
    it('answers an unknown resource with a 404 Status', async () => {
      const res = await call('/api/v1/widgets')
      expect(res.status).toBe(404)
      expect(await json(res)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 })
    })

    it('answers a method a path does not take with 405', async () => {
      expect((await call('/api/v1/namespaces/default/configmaps', { method: 'PUT', body: '{}' })).status).toBe(405)
      expect((await call('/api/v1/namespaces/default/configmaps/x/status', { method: 'GET' })).status).toBe(404)
      expect((await call('/api/v1/namespaces', { method: 'DELETE' })).status).toBe(405) // no deletecollection on namespaces
      expect((await call('/api/v1/configmaps', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } })).status).toBe(405)
      expect((await call('/api/v1/configmaps', { method: 'DELETE' })).status).toBe(405)
      expect((await call('/api/v1/namespaces/default/configmaps/x', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } })).status).toBe(405)
      expect((await call('/version', { method: 'POST' })).status).toBe(405)
    })

    it('answers a malformed query with 400', async () => {
      expect(await json(await call('/api/v1/pods?limit=lots'))).toMatchObject({ code: 400, reason: 'BadRequest', message: expect.stringContaining('"limit"') })
    })

    it('answers bodies of unknown types with 415 and oversized ones with 413', async () => {
      expect((await post('/api/v1/namespaces/default/configmaps', 'a=b', { 'Content-Type': 'text/plain' })).status).toBe(415)
      const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024) } })
      const res = await post('/api/v1/namespaces/default/configmaps', big)
      expect(res.status).toBe(413)
      expect(await json(res)).toMatchObject({ reason: 'RequestEntityTooLarge' })
    })

    it('answers Accept headers it cannot satisfy with 406', async () => {
      expect((await call('/api/v1/namespaces', { headers: { Accept: 'application/vnd.kubernetes.protobuf' } })).status).toBe(406)
    })

    it('passes the core’s refusals on: 403 for a read-only user, 409, 422 with causes', async () => {
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup' } }
      const forbidden = await call('/api/v1/namespaces/default/configmaps', { method: 'POST', body: JSON.stringify(cm), headers: { 'Content-Type': 'application/json' }, readOnly: true })
      expect(forbidden.status).toBe(403)
      expect((await post('/api/v1/namespaces/default/configmaps', cm)).status).toBe(201)
      expect((await post('/api/v1/namespaces/default/configmaps', cm)).status).toBe(409)
      const bad = makeDeployment('bad').withReplicas(-1).obj()
      const res = await post('/apis/apps/v1/namespaces/default/deployments', bad)
      expect(res.status).toBe(422)
      expect(await json(res)).toMatchObject({ reason: 'Invalid', details: { causes: [expect.objectContaining({ field: 'spec.replicas' })] } })
    })
  })

  describe('writes', () => {
    it('creates with 201 and passes admission warnings as Warning headers', async () => {
      const res = await post('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warned' }, dta: { a: 'b' } })
      expect(res.status).toBe(201)
      expect(res.headers.get('warning')).toBe('299 - "unknown field \\"dta\\""')
    })

    it('takes YAML bodies', async () => {
      const res = await post('/api/v1/namespaces/default/configmaps', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: b\n', { 'Content-Type': 'application/yaml' })
      expect(res.status).toBe(201)
      expect(await json(res)).toMatchObject({ metadata: { name: 'from-yaml', namespace: 'default' }, data: { a: 'b' } })
    })

    it('takes the protobuf bodies kubectl ≥ 1.31 sends', async () => {
      const res = await post('/api/v1/namespaces', Buffer.from(fixtures.namespace, 'hex'), { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/vnd.kubernetes.protobuf,application/json' })
      expect(res.status).toBe(201)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(await json(res)).toMatchObject({ kind: 'Namespace', metadata: { name: 'fixture-ns' } })
    })

    it('serves namespaces/finalize, which discovery does not list', async () => {
      await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'finalized' } })
      const ns = await json(await call('/api/v1/namespaces/finalized'))
      const res = await call('/api/v1/namespaces/finalized/finalize', { method: 'PUT', body: JSON.stringify({ ...ns, spec: { finalizers: [] } }), headers: { 'Content-Type': 'application/json' } })
      expect(res.status).toBe(200)
      expect(await json(res)).toMatchObject({ kind: 'Namespace', spec: {} })
      expect((await call('/api/v1/namespaces/finalized/finalize')).status).toBe(405)
    })

    it('answers 202 to a delete still in progress (a namespace waits for its finalizer)', async () => {
      await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going' } })
      const res = await call('/api/v1/namespaces/going', { method: 'DELETE' })
      expect(res.status).toBe(202)
      expect(await json(res)).toMatchObject({ kind: 'Namespace', metadata: { name: 'going', deletionTimestamp: expect.any(String) }, status: { phase: 'Terminating' } })
    })

    it('does not store a dry run', async () => {
      expect((await post('/api/v1/namespaces/default/configmaps?dryRun=All', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } })).status).toBe(201)
      expect((await call('/api/v1/namespaces/default/configmaps/dry')).status).toBe(404)
    })

    it('patches with each patch type and refuses server-side apply with 415', async () => {
      await post('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'patched' }, data: { a: '1' } })
      const merge = await call('/api/v1/namespaces/default/configmaps/patched', { method: 'PATCH', body: '{"data":{"b":"2"}}', headers: { 'Content-Type': 'application/merge-patch+json' } })
      expect(await json(merge)).toMatchObject({ data: { a: '1', b: '2' } })
      const jsonPatch = await call('/api/v1/namespaces/default/configmaps/patched', { method: 'PATCH', body: '[{"op":"remove","path":"/data/a"}]', headers: { 'Content-Type': 'application/json-patch+json' } })
      expect((await json(jsonPatch)).data).toEqual({ b: '2' })
      const apply = await call('/api/v1/namespaces/default/configmaps/patched', { method: 'PATCH', body: 'data: {}', headers: { 'Content-Type': 'application/apply-patch+yaml' } })
      expect(apply.status).toBe(415)
    })

    it('scales through the scale subresource', async () => {
      await post('/apis/apps/v1/namespaces/default/deployments', makeDeployment('scaled').withReplicas(1).obj())
      const res = await call('/apis/apps/v1/namespaces/default/deployments/scaled/scale', { method: 'PATCH', body: '{"spec":{"replicas":3}}', headers: { 'Content-Type': 'application/merge-patch+json' } })
      expect(await json(res)).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } })
      expect(await json(await call('/apis/apps/v1/namespaces/default/deployments/scaled'))).toMatchObject({ spec: { replicas: 3 } })
    })

    it('deletes with options from the body, and whole collections', async () => {
      await post('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone', labels: { batch: 'x' } } })
      await post('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone2', labels: { batch: 'x' } } })
      const deleteOptions = '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}'
      const res = await call('/api/v1/namespaces/default/configmaps/gone', { method: 'DELETE', body: deleteOptions, headers: { 'Content-Type': 'application/json' } })
      expect(res.status).toBe(200)
      const all = await call('/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dx', { method: 'DELETE' })
      expect(all.status).toBe(200)
      expect(await json(await call('/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dx'))).toMatchObject({ items: [] })
      expect((await call('/api/v1/namespaces/default/configmaps/x', { method: 'DELETE', body: '{"kind":"Pod"}', headers: { 'Content-Type': 'application/json' } })).status).toBe(400)
    })

    it('refuses DELETE bodies whose options have the wrong type, and deletes nothing', async () => {
      await post('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' } })
      for (const body of ['{"gracePeriodSeconds":"soon"}', '{"dryRun":"All"}', '{"orphanDependents":"yes"}', '{"preconditions":"x"}', '{"preconditions":{"uid":5}}', '{"gracePeriodSeconds":1.5}']) {
        const res = await call('/api/v1/namespaces/default/configmaps/kept', { method: 'DELETE', body, headers: { 'Content-Type': 'application/json' } })
        expect(res.status, body).toBe(400)
        expect(await json(res), body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: expect.stringMatching(/^the DELETE body's \w+ must be/) })
      }
      expect((await call('/api/v1/namespaces/default/configmaps/kept')).status).toBe(200)
      const nulls = await call('/api/v1/namespaces/default/configmaps/kept', { method: 'DELETE', body: '{"gracePeriodSeconds":null,"preconditions":null}', headers: { 'Content-Type': 'application/json' } })
      expect(nulls.status).toBe(200)
    })
  })

  describe('reads', () => {
    beforeAll(async () => {
      await api.create({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default' }, makeDeployment('web').withReplicas(2).obj(), { user: { name: 'admin', readOnly: false } })
    })

    it('answers kubectl get with a Table of the kind’s columns', async () => {
      const table = (await json(await call('/apis/apps/v1/namespaces/default/deployments?limit=500', { headers: { Accept: TABLE } }))) as unknown as Table
      expect(table.kind).toBe('Table')
      expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'])
      const web = table.rows.find((r) => r.cells[0] === 'web')
      expect(web?.cells.slice(0, 4)).toEqual(['web', '0/2', 0, 0])
      expect(web?.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'web' } })
      expect(table.metadata.resourceVersion).toMatch(/^\d+$/)
    })

    it('answers a single get with a one-row Table, carrying the object when asked', async () => {
      const table = (await json(await call('/apis/apps/v1/namespaces/default/deployments/web?includeObject=Object', { headers: { Accept: TABLE } }))) as unknown as Table
      expect(table.rows).toHaveLength(1)
      expect(table.rows[0]?.object).toMatchObject({ kind: 'Deployment', spec: { replicas: 2 } })
    })

    it('filters with label and field selectors', async () => {
      const byLabel = await json(await call('/apis/apps/v1/deployments?labelSelector=app%3Dweb'))
      expect((byLabel.items as unknown[]).length).toBe(1)
      const byField = await json(await call('/apis/apps/v1/namespaces/default/deployments?fieldSelector=metadata.name%3Dnope'))
      expect(byField.items).toEqual([])
    })

    it('answers YAML when asked', async () => {
      const res = await call('/apis/apps/v1/namespaces/default/deployments/web', { headers: { Accept: 'application/yaml' } })
      expect(res.headers.get('content-type')).toBe('application/yaml')
      expect(await res.text()).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\n/)
    })
  })

  describe('watch', () => {
    it('streams events as Table rows, flushed one by one, and stops the core’s watch when the client leaves', async () => {
      const list = await json(await call('/api/v1/namespaces/default/configmaps'))
      const rv = (list.metadata as { resourceVersion: string }).resourceVersion
      const abort = new AbortController()
      const res = await call(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`, { headers: { Accept: TABLE }, signal: abort.signal })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(res.headers.get('transfer-encoding')).toBe('chunked')
      try {
        const events = lines(res.body as ReadableStream<Uint8Array>)
        await post('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched' }, data: { a: '1' } })
        const first = (await events.next()).value as { type: string; object: Table }
        expect(first.type).toBe('ADDED')
        expect(first.object.kind).toBe('Table')
        expect(first.object.rows[0]?.cells).toEqual(['watched', 1, '60s']) // the test clock's creation time, a minute before `now`
        expect(watches.open()).toBe(1)
      } finally {
        abort.abort()
      }
      await until(() => watches.open() === 0)
    })

    it('watches one object through the legacy /watch/ prefix', async () => {
      const abort = new AbortController()
      const res = await call('/api/v1/watch/namespaces/default/configmaps/watched', { signal: abort.signal })
      try {
        const events = lines(res.body as ReadableStream<Uint8Array>)
        expect((await events.next()).value).toMatchObject({ type: 'ADDED', object: { kind: 'ConfigMap', metadata: { name: 'watched' } } })
      } finally {
        abort.abort()
      }
      await until(() => watches.open() === 0)
    })

    it('ends the stream after timeoutSeconds', async () => {
      const started = Date.now()
      const res = await call('/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&resourceVersion=0', { headers: { Accept: 'application/json;stream=watch' } })
      expect(res.headers.get('content-type')).toBe('application/json;stream=watch')
      const all = []
      for await (const e of lines(res.body as ReadableStream<Uint8Array>)) all.push(e)
      expect(Date.now() - started).toBeGreaterThanOrEqual(900)
      expect(all.every((e) => e.type === 'ADDED')).toBe(true)
      await until(() => watches.open() === 0)
    })

    it('reports a resourceVersion older than history as an ERROR event with 410', async () => {
      const list = await json(await call('/api/v1/namespaces/default/configmaps'))
      await compact(Number((list.metadata as { resourceVersion: string }).resourceVersion))
      const res = await call('/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1')
      expect(res.status).toBe(200)
      const all = []
      for await (const e of lines(res.body as ReadableStream<Uint8Array>)) all.push(e)
      expect(all).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }])
    })
  })
})
