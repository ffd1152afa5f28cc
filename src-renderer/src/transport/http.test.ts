import { afterEach, describe, expect, it, vi } from 'vitest'
import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import { ApiError } from './api-error.ts'
import { createHttpTransport, parseWarnings } from './http.ts'
import { TransportError, type WatchUpdate } from './types.ts'

const info = { clusterName: 'coxswain', version: '0.1.0', startedAt: null, nodes: [] }

function fakeFetch(respond: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init?: RequestInit }[] = []
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init })
    return respond(String(input), init)
  }) as typeof fetch
  return { fn, calls }
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof TransportError) return err
    throw err
  }
  throw new Error('expected a TransportError')
}

describe('createHttpTransport', () => {
  it('GETs the route of a channel with the cookie and returns the JSON', async () => {
    const { fn, calls } = fakeFetch(() => Response.json(info))
    await expect(createHttpTransport({ fetch: fn }).invoke('cluster:info')).resolves.toEqual(info)
    expect(calls[0]?.url).toBe('/api/coxswain/v1/info')
    expect(calls[0]?.init).toMatchObject({ method: 'GET', credentials: 'same-origin' })
  })

  it('reports 401 as unauthorized', async () => {
    const { fn } = fakeFetch(() => Response.json({ kind: 'Status', message: 'Unauthorized' }, { status: 401 }))
    expect((await failure(createHttpTransport({ fetch: fn }).invoke('cluster:info'))).kind).toBe('unauthorized')
  })

  it('reports no answer as unreachable', async () => {
    const { fn } = fakeFetch(() => {
      throw new TypeError('Failed to fetch')
    })
    const err = await failure(createHttpTransport({ fetch: fn }).invoke('cluster:info'))
    expect(err.kind).toBe('unreachable')
    expect(err.message).toMatch(/Failed to fetch/)
  })

  it('reports a gateway error as unreachable', async () => {
    const { fn } = fakeFetch(() => new Response('', { status: 503 }))
    expect((await failure(createHttpTransport({ fetch: fn }).invoke('cluster:info'))).kind).toBe('unreachable')
  })

  it('reports other errors as failed with the whole Status, as the IPC door does', async () => {
    const { fn } = fakeFetch(() => Response.json({ kind: 'Status', message: 'boom', reason: 'Conflict', code: 409 }, { status: 409 }))
    const err = await failure(createHttpTransport({ fetch: fn }).invoke('cluster:info'))
    expect(err.kind).toBe('failed')
    expect(err.message).toBe('boom')
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).reason).toBe('Conflict')
  })

  it('names the channel when an error answer has no Status', async () => {
    const { fn } = fakeFetch(() => new Response('<html>oops</html>', { status: 500 }))
    const err = await failure(createHttpTransport({ fetch: fn }).invoke('cluster:info'))
    expect(err.message).toMatch(/HTTP 500/)
  })

  it('POSTs a write channel\'s request as JSON and returns the answer', async () => {
    const answer = { installed: true, hostPort: '10.0.0.5:22', hostKeyFingerprint: 'SHA256:x' }
    const { fn, calls } = fakeFetch(() => Response.json(answer))
    const request = { host: '10.0.0.5', user: 'root', password: 'pw', trustOnFirstUse: true }
    await expect(createHttpTransport({ fetch: fn }).invoke('cluster:install-key', request)).resolves.toEqual(answer)
    expect(calls[0]?.url).toBe('/api/coxswain/v1/install-key')
    expect(calls[0]?.init).toMatchObject({ method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } })
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual(request)
  })
})

const cms = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' }
const settings = { ...cms, name: 'settings' }
const cm = (name: string, rv = '5'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv } })
const status = (code: number, reason: string, message: string, causes?: { field: string; reason: string; message: string }[]) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
  ...(causes ? { details: { causes } } : {}),
})

async function apiFailure(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (err instanceof ApiError) return err
  throw new Error(`expected an ApiError, got ${String(err)}`)
}

describe('createHttpTransport verbs', () => {
  it('creates with POST to the collection, write options in the query, and reads the answer', async () => {
    const { fn, calls } = fakeFetch(() => Response.json(cm('settings'), { status: 201, headers: { Warning: '299 - "unknown field \\"spec\\""' } }))
    const result = await createHttpTransport({ fetch: fn }).create(cms, cm('settings'), { fieldValidation: 'Warn', dryRun: true })
    expect(result).toEqual({ object: cm('settings'), warnings: ['unknown field "spec"'], created: true })
    expect(calls[0]?.url).toBe('/api/v1/namespaces/default/configmaps?dryRun=All&fieldValidation=Warn')
    expect(calls[0]?.init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: JSON.stringify(cm('settings')) })
    expect(new Headers(calls[0]?.init?.headers).get('Content-Type')).toBe('application/json')
  })

  it('gets, lists with selectors, updates and patches at the Kubernetes paths', async () => {
    const { fn, calls } = fakeFetch((url) => (url.includes('?labelSelector') ? Response.json({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '9' }, items: [] }) : Response.json(cm('settings'))))
    const transport = createHttpTransport({ fetch: fn })
    await expect(transport.get(settings)).resolves.toEqual(cm('settings'))
    await expect(transport.list(cms, { labelSelector: 'app=web' })).resolves.toMatchObject({ metadata: { resourceVersion: '9' } })
    await expect(transport.update(settings, cm('settings'))).resolves.toMatchObject({ created: false, warnings: [] })
    await transport.patch({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'prod', name: 'api', subresource: 'scale' }, 'application/merge-patch+json', {
      spec: { replicas: 3 },
    })
    expect(calls.map((c) => `${c.init?.method} ${c.url}`)).toEqual([
      'GET /api/v1/namespaces/default/configmaps/settings',
      'GET /api/v1/namespaces/default/configmaps?labelSelector=app%3Dweb',
      'PUT /api/v1/namespaces/default/configmaps/settings',
      'PATCH /apis/apps/v1/namespaces/prod/deployments/api/scale',
    ])
    expect(new Headers(calls[3]?.init?.headers).get('Content-Type')).toBe('application/merge-patch+json')
    expect(calls[3]?.init?.body).toBe('{"spec":{"replicas":3}}')
  })

  it('deletes with DeleteOptions in the body, telling a finished delete from one in progress', async () => {
    const done = status(200, '', '')
    const { fn, calls } = fakeFetch((_url, init) =>
      init?.body ? Response.json(cm('settings'), { status: 202 }) : Response.json({ ...done, status: 'Success', details: { name: 'settings' } }),
    )
    const transport = createHttpTransport({ fetch: fn })
    await expect(transport.delete(settings)).resolves.toMatchObject({ code: 200, status: { status: 'Success' } })
    await expect(transport.delete(settings, { propagationPolicy: 'Foreground', dryRun: ['All'] })).resolves.toEqual({ code: 202, object: cm('settings') })
    expect(calls[0]?.init?.method).toBe('DELETE')
    expect(calls[0]?.init).not.toHaveProperty('body')
    expect(calls[1]?.url).toBe('/api/v1/namespaces/default/configmaps/settings?dryRun=All')
    expect(JSON.parse(String(calls[1]?.init?.body))).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', dryRun: ['All'] })
  })

  it('rejects with an ApiError carrying the Status: message, reason, code and causes', async () => {
    const invalid = status(422, 'Invalid', 'ConfigMap "Bad" is invalid: metadata.name: Invalid value: "Bad": a lowercase RFC 1123 subdomain …', [
      { field: 'metadata.name', reason: 'FieldValueInvalid', message: 'Invalid value: "Bad": a lowercase RFC 1123 subdomain …' },
    ])
    const { fn } = fakeFetch(() => Response.json(invalid, { status: 422 }))
    const err = await apiFailure(createHttpTransport({ fetch: fn }).create(cms, cm('Bad')))
    expect(err).toBeInstanceOf(TransportError)
    expect(err).toMatchObject({ kind: 'failed', message: invalid.message, reason: 'Invalid', code: 422, status: invalid })
    expect(err.causes).toEqual([expect.objectContaining({ field: 'metadata.name' })])
  })

  it('describes an answer without a Status from its HTTP status, and no answer as unreachable', async () => {
    const html = fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }))
    expect(await apiFailure(createHttpTransport({ fetch: html.fn }).get(settings))).toMatchObject({ kind: 'unreachable', code: 502, message: 'the server answered HTTP 502 Bad Gateway' })
    const signedOut = fakeFetch(() => Response.json(status(401, 'Unauthorized', 'Unauthorized'), { status: 401 }))
    expect(await apiFailure(createHttpTransport({ fetch: signedOut.fn }).get(settings))).toMatchObject({ kind: 'unauthorized', code: 401 })
    const down = fakeFetch(() => {
      throw new TypeError('Failed to fetch')
    })
    const err = await apiFailure(createHttpTransport({ fetch: down.fn }).list(cms))
    expect(err).toMatchObject({ kind: 'unreachable', code: 503, reason: 'ServiceUnavailable' })
    expect(err.message).toMatch(/Failed to fetch/)
  })
})

describe('parseWarnings', () => {
  it('reads one or several Warning headers, commas and quotes inside texts included', () => {
    expect(parseWarnings(null)).toEqual([])
    expect(parseWarnings('299 - "unknown field \\"spec.foo\\""')).toEqual(['unknown field "spec.foo"'])
    expect(parseWarnings('299 - "a, b", 299 - "c"')).toEqual(['a, b', 'c'])
  })
})

/** A response body the test writes to as the server would, line by line. */
function streamingBody() {
  const encoder = new TextEncoder()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
  })
  return {
    stream,
    send: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    fail: (err: Error) => controller.error(err),
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('createHttpTransport watch', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('streams events from a watch URL, cut anywhere, and aborts the request when stopped', async () => {
    const body = streamingBody()
    const { fn, calls } = fakeFetch(() => new Response(body.stream, { status: 200, headers: { 'Content-Type': 'application/json' } }))
    const updates: WatchUpdate[] = []
    const stop = createHttpTransport({ fetch: fn }).watch(cms, { resourceVersion: '7', labelSelector: 'app=web' }, (u) => updates.push(u))
    await flush()
    expect(calls[0]?.url).toBe('/api/v1/namespaces/default/configmaps?watch=1&labelSelector=app%3Dweb&resourceVersion=7&allowWatchBookmarks=true')
    const text = JSON.stringify({ type: 'ADDED', object: cm('a', '8') }) + '\n' + JSON.stringify({ type: 'MODIFIED', object: cm('a', '9') }) + '\n'
    body.send(text.slice(0, 30))
    await flush()
    expect(updates).toEqual([{ type: 'OPEN' }])
    body.send(text.slice(30))
    await flush()
    expect(updates.map((u) => u.type)).toEqual(['OPEN', 'ADDED', 'MODIFIED'])
    stop()
    expect(calls[0]?.init?.signal?.aborted).toBe(true)
  })

  it('re-watches from the last resourceVersion when the server ends the stream', async () => {
    const bodies = [streamingBody(), streamingBody()]
    let n = 0
    const { fn, calls } = fakeFetch(() => new Response(bodies[n++]?.stream ?? null, { status: 200 }))
    const stop = createHttpTransport({ fetch: fn }).watch(cms, { resourceVersion: '7' }, () => {})
    await flush()
    bodies[0]?.send(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '12' } } }) + '\n')
    bodies[0]?.close()
    await flush()
    await flush()
    expect(calls).toHaveLength(2)
    expect(new URL(calls[1]?.url ?? '', 'http://x').searchParams.get('resourceVersion')).toBe('12')
    stop()
  })

  it('relists on a 410 ERROR event and watches on from the new list', async () => {
    const first = streamingBody()
    const second = streamingBody()
    const { fn, calls } = fakeFetch((url) => {
      if (!url.includes('watch=1')) return Response.json({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '50' }, items: [cm('b', '45')] })
      return new Response(calls.filter((c) => c.url.includes('watch=1')).length === 1 ? first.stream : second.stream, { status: 200 })
    })
    const updates: WatchUpdate[] = []
    const stop = createHttpTransport({ fetch: fn }).watch(cms, { resourceVersion: '7', labelSelector: 'app=web' }, (u) => updates.push(u))
    await flush()
    first.send(JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 7 (40)') }) + '\n')
    await flush()
    await flush()
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v1/namespaces/default/configmaps?watch=1&labelSelector=app%3Dweb&resourceVersion=7&allowWatchBookmarks=true',
      '/api/v1/namespaces/default/configmaps?labelSelector=app%3Dweb',
      '/api/v1/namespaces/default/configmaps?watch=1&labelSelector=app%3Dweb&resourceVersion=50&allowWatchBookmarks=true',
    ])
    expect(calls[0]?.init?.signal?.aborted).toBe(true)
    expect(updates.map((u) => u.type)).toEqual(['OPEN', 'RELISTED', 'OPEN'])
    expect(updates[1]).toMatchObject({ type: 'RELISTED', list: { items: [{ metadata: { name: 'b' } }] } })
    stop()
  })

  it('reports a refused watch with its Status and does not retry it', async () => {
    const { fn, calls } = fakeFetch(() => Response.json(status(403, 'Forbidden', 'configmaps is forbidden: read-only'), { status: 403 }))
    const updates: WatchUpdate[] = []
    createHttpTransport({ fetch: fn }).watch(cms, {}, (u) => updates.push(u))
    await flush()
    await flush()
    expect(updates).toEqual([{ type: 'ERROR', error: expect.objectContaining({ code: 403, message: 'configmaps is forbidden: read-only' }), retrying: false }])
    expect(calls).toHaveLength(1)
  })

  it('retries when the stream breaks', async () => {
    const broken = streamingBody()
    const healthy = streamingBody()
    let n = 0
    const { fn, calls } = fakeFetch(() => new Response(n++ === 0 ? broken.stream : healthy.stream, { status: 200 }))
    const updates: WatchUpdate[] = []
    const stop = createHttpTransport({ fetch: fn }).watch(cms, { resourceVersion: '7' }, (u) => updates.push(u))
    await flush()
    broken.fail(new TypeError('network error'))
    await flush()
    await flush()
    expect(updates.map((u) => u.type)).toEqual(['OPEN', 'ERROR', 'OPEN'])
    expect(updates[1]).toMatchObject({ retrying: true, error: { kind: 'unreachable' } })
    expect(calls).toHaveLength(2)
    stop()
  })
})
