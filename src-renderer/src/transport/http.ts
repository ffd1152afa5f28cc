// Transport over the headless server: Coxswain's own calls under /api/coxswain/v1/, and the API
// server's verbs over its Kubernetes REST paths (the same URLs kubectl uses). Authentication is
// the HttpOnly session cookie set by /login, which this code can neither read nor needs to.

import type { DeleteOptions, KubeList, KubeObject, Status } from '../../../src-main/api/types/meta.ts'
import type { IpcArgs, IpcResponse } from '../../../src-main/ipc/contract.ts'
import { ApiError, failureStatus, isStatus, unreachable } from './api-error.ts'
import { deleteQuery, listQuery, resourcePath, watchQuery, withQuery, writeQuery, type Query } from './paths.ts'
import {
  TransportError,
  type ApiWriteOptions,
  type CoxswainChannel,
  type DeleteResult,
  type ListOptions,
  type ResourceRef,
  type Transport,
  type TransportErrorKind,
  type WatchListener,
  type WatchOptions,
  type WriteResult,
} from './types.ts'
import { durableWatch, relistOptions, type OpenSession } from './watch.ts'
import { readWatchStream } from './watch-stream.ts'

export const API_BASE = '/api/coxswain/v1/'

interface HttpRoute {
  method: 'GET'
  path: string
}

// A Record over Coxswain's own channels, so a channel added to the contract fails to compile until
// routed; the api:* channels are the verbs below, reached by the Kubernetes REST paths instead.
const routes: Record<CoxswainChannel, HttpRoute> = {
  'cluster:info': { method: 'GET', path: 'info' },
}

export interface HttpTransportOptions {
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch
  /** Give up (and report `unreachable`) after this long; for a watch, until its headers arrive. */
  timeoutMs?: number
  /** Prefix of every URL; '' (the page's own origin) by default. */
  baseUrl?: string
}

/** The message of a Kubernetes Status body, if the response has one. */
async function statusMessage(res: Response): Promise<string | null> {
  try {
    const body = (await res.json()) as { kind?: unknown; message?: unknown }
    return body.kind === 'Status' && typeof body.message === 'string' ? body.message : null
  } catch {
    return null
  }
}

export function kindForHttpStatus(code: number): TransportErrorKind {
  if (code === 401) return 'unauthorized'
  if (code === 502 || code === 503 || code === 504) return 'unreachable'
  return 'failed'
}

/** The ApiError for a non-2xx answer: its Status body, or one made from the HTTP status. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let status: Status | null = null
  try {
    const body: unknown = await res.json()
    if (isStatus(body)) status = body
  } catch {
    // Not JSON (a proxy's error page, say): described from the HTTP status below.
  }
  if (!status) status = failureStatus(res.status, res.status === 401 ? 'Unauthorized' : '', `the server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`)
  else if (status.code === undefined) status = { ...status, code: res.status }
  return new ApiError(status, kindForHttpStatus(res.status))
}

/**
 * The texts of `Warning` response headers (`299 - "unknown field \"spec.foo\""`). Several headers
 * arrive joined by ", ", which may also occur inside a text, so texts are read as quoted strings.
 */
export function parseWarnings(header: string | null): string[] {
  if (!header) return []
  const warnings: string[] = []
  for (const match of header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) {
    warnings.push((match[1] ?? '').replace(/\\(.)/g, '$1'))
  }
  return warnings
}

export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const timeoutMs = options.timeoutMs ?? 10_000
  const baseUrl = options.baseUrl ?? ''

  const invoke = async (channel: CoxswainChannel): Promise<unknown> => {
    const route = routes[channel]
    let res: Response
    try {
      res = await doFetch(baseUrl + API_BASE + route.path, {
        method: route.method,
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      throw new TransportError('unreachable', `${channel}: the control plane did not answer (${(err as Error).message})`, { cause: err })
    }
    if (res.status === 401) throw new TransportError('unauthorized', `${channel}: not signed in`)
    if (res.status === 502 || res.status === 503 || res.status === 504) {
      throw new TransportError('unreachable', `${channel}: the control plane is unavailable (HTTP ${res.status})`)
    }
    if (!res.ok) {
      const message = (await statusMessage(res)) ?? `HTTP ${res.status}`
      throw new TransportError('failed', `${channel}: ${message}`)
    }
    try {
      return await res.json()
    } catch (err) {
      throw new TransportError('failed', `${channel}: the answer was not JSON`, { cause: err })
    }
  }

  interface Call {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
    ref: ResourceRef
    query?: Query
    body?: unknown
    contentType?: string
  }

  /** One request; resolves to a 2xx response, rejects with an ApiError. */
  const send = async (call: Call): Promise<Response> => {
    const url = baseUrl + withQuery(resourcePath(call.ref), call.query)
    const headers: Record<string, string> = { Accept: 'application/json' }
    const init: RequestInit = { method: call.method, credentials: 'same-origin', headers, signal: AbortSignal.timeout(timeoutMs) }
    if (call.body !== undefined) {
      headers['Content-Type'] = call.contentType ?? 'application/json'
      init.body = JSON.stringify(call.body)
    }
    let res: Response
    try {
      res = await doFetch(url, init)
    } catch (err) {
      throw unreachable(`${call.method} ${url}: the control plane did not answer (${(err as Error).message})`, err)
    }
    if (!res.ok) throw await errorFromResponse(res)
    return res
  }

  const json = async <T>(res: Response): Promise<T> => {
    try {
      return (await res.json()) as T
    } catch (err) {
      throw new ApiError(failureStatus(500, 'InternalError', `the answer to ${res.url || 'a request'} was not JSON`), 'failed', { cause: err })
    }
  }

  const write = async <T extends KubeObject>(call: Call): Promise<WriteResult<T>> => {
    const res = await send(call)
    return { object: await json<T>(res), warnings: parseWarnings(res.headers.get('Warning')), created: res.status === 201 }
  }

  const deleteBody = (deleteOptions: DeleteOptions): DeleteOptions | undefined =>
    Object.keys(deleteOptions).length > 0 ? { kind: 'DeleteOptions', apiVersion: 'v1', ...deleteOptions } : undefined

  const list = async <T extends KubeObject>(ref: ResourceRef, listOptions: ListOptions = {}): Promise<KubeList<T>> =>
    json<KubeList<T>>(await send({ method: 'GET', ref, query: listQuery(listOptions) }))

  /** One watch response, read to its end. */
  const openSession =
    (ref: ResourceRef): OpenSession =>
    (watchOptions, session) => {
      const controller = new AbortController()
      let stopped = false
      const url = baseUrl + withQuery(resourcePath(ref), watchQuery(watchOptions))
      const headersTimer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
      const run = async (): Promise<void> => {
        let res: Response
        try {
          res = await doFetch(url, { method: 'GET', credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: controller.signal })
        } catch (err) {
          if (!stopped) session.end(unreachable(`watch ${resourcePath(ref)}: the control plane did not answer (${(err as Error).message})`, err))
          return
        } finally {
          clearTimeout(headersTimer)
        }
        if (!res.ok) {
          const error = await errorFromResponse(res)
          if (!stopped) session.end(error)
          return
        }
        if (!res.body) {
          if (!stopped) session.end(unreachable(`watch ${resourcePath(ref)}: the answer has no body`))
          return
        }
        session.open()
        try {
          await readWatchStream(res.body, (event) => {
            if (!stopped) session.event(event)
          })
          if (!stopped) session.end()
        } catch (err) {
          if (!stopped) session.end(unreachable(`watch ${resourcePath(ref)}: the stream broke (${(err as Error).message})`, err))
        }
      }
      void run()
      return () => {
        if (stopped) return
        stopped = true
        clearTimeout(headersTimer)
        controller.abort()
      }
    }

  return {
    kind: 'http',
    kubeconfigUrl: `${API_BASE}kubeconfig`,
    invoke: invoke as <C extends CoxswainChannel>(channel: C, ...args: IpcArgs<C>) => Promise<IpcResponse<C>>,
    create: (ref, body, writeOptions?: ApiWriteOptions) => write({ method: 'POST', ref, body, query: writeQuery(writeOptions) }),
    get: async <T extends KubeObject>(ref: ResourceRef) => json<T>(await send({ method: 'GET', ref })),
    list,
    update: (ref, body, writeOptions) => write({ method: 'PUT', ref, body, query: writeQuery(writeOptions) }),
    patch: (ref, patchType, patch, writeOptions) => write({ method: 'PATCH', ref, body: patch, contentType: patchType, query: writeQuery(writeOptions) }),
    delete: async (ref, deleteOptions = {}): Promise<DeleteResult> => {
      const res = await send({ method: 'DELETE', ref, query: deleteQuery(deleteOptions), body: deleteBody(deleteOptions) })
      const body = await json<KubeObject | Status>(res)
      const code = res.status === 202 ? 202 : 200
      return isStatus(body) ? { status: body, code } : { object: body, code }
    },
    deleteCollection: async <T extends KubeObject>(ref: ResourceRef, listOptions: ListOptions = {}, deleteOptions: DeleteOptions = {}) =>
      json<KubeList<T>>(
        await send({ method: 'DELETE', ref, query: { ...listQuery(listOptions), ...deleteQuery(deleteOptions) }, body: deleteBody(deleteOptions) }),
      ),
    watch: <T extends KubeObject>(ref: ResourceRef, watchOptions: WatchOptions, onUpdate: WatchListener<T>) =>
      durableWatch<T>({
        options: watchOptions,
        openSession: openSession(ref),
        relist: () => list<T>(ref, relistOptions(watchOptions)),
        onUpdate,
      }),
  }
}
