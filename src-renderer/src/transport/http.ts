// Transport over the headless server: Coxswain's own calls under /api/coxswain/v1/, and the API
// server's verbs over its Kubernetes REST paths (the same URLs kubectl uses). Authentication is
// the HttpOnly session cookie set by /login, which this code can neither read nor needs to.
// Logs stream over fetch (pods/log); exec is a WebSocket to pods/exec speaking v5.channel.k8s.io,
// as kubectl does.

import {
  CHANNEL_ERROR,
  CHANNEL_STDERR,
  CHANNEL_STDIN,
  CHANNEL_STDOUT,
  PROTOCOL_V5,
  WEBSOCKET_REQUIRED_CAUSE,
  decodeFrame,
  encodeCloseSignal,
  encodeFrame,
  encodeTerminalSize,
  exitCodeOf,
} from '../../../src-main/api/remotecommand.ts'
import type { DeleteOptions, KubeList, KubeObject, Status } from '../../../src-main/api/types/meta.ts'
import type { IpcArgs, IpcResponse } from '../../../src-main/ipc/contract.ts'
import { ApiError, failureStatus, isStatus, unreachable } from './api-error.ts'
import { deleteQuery, execQueryString, listQuery, logQuery, podSubresourcePath, resourcePath, watchQuery, withQuery, writeQuery, type Query } from './paths.ts'
import {
  TransportError,
  execDefaults,
  type ApiWriteOptions,
  type CoxswainChannel,
  type DeleteResult,
  type ExecHandle,
  type ExecUpdate,
  type ListOptions,
  type LogUpdate,
  type PodExecOptions,
  type PodLogOptions,
  type PodRef,
  type ResourceRef,
  type TerminalSize,
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
  /** POST sends the channel's request as the JSON body. */
  method: 'GET' | 'POST'
  path: string
  /** Longer than the transport's default for calls that wait on a machine (an SSH login). */
  timeoutMs?: number
}

// A Record over Coxswain's own channels, so a channel added to the contract fails to compile until
// routed; the api:* channels are the verbs below, reached by the Kubernetes REST paths instead.
const routes: Record<CoxswainChannel, HttpRoute> = {
  'cluster:info': { method: 'GET', path: 'info' },
  'cluster:public-key': { method: 'GET', path: 'cluster-key' },
  // The server gives the SSH login 20 s; a little more so its own answer arrives first.
  'cluster:install-key': { method: 'POST', path: 'install-key', timeoutMs: 30_000 },
}

/** The members of a browser WebSocket the exec client uses. */
export interface WebSocketLike {
  binaryType: string
  readonly protocol: string
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
  onopen: (() => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: (() => void) | null
}

export interface HttpTransportOptions {
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch
  /** Injected for tests; defaults to the browser's WebSocket. */
  webSocket?: (url: string, protocols: string[]) => WebSocketLike
  /** Give up (and report `unreachable`) after this long; for a watch, until its headers arrive. */
  timeoutMs?: number
  /** Prefix of every URL; '' (the page's own origin) by default. */
  baseUrl?: string
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

/** The ws:// or wss:// URL of `pathAndQuery` on `baseUrl` ('' = the page's own origin). */
export function webSocketUrl(baseUrl: string, pathAndQuery: string): string {
  const base = baseUrl || globalThis.location?.href
  if (!base) throw new TypeError('webSocketUrl: no base URL and no page location')
  const url = new URL(baseUrl + pathAndQuery, base)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.href
}

function asBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return null
}

export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const openWebSocket = options.webSocket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike)
  const timeoutMs = options.timeoutMs ?? 10_000
  const baseUrl = options.baseUrl ?? ''

  const invoke = async (channel: CoxswainChannel, request?: unknown): Promise<unknown> => {
    const route = routes[channel]
    let res: Response
    try {
      res = await doFetch(baseUrl + API_BASE + route.path, {
        method: route.method,
        credentials: 'same-origin',
        headers: route.method === 'POST' ? { Accept: 'application/json', 'Content-Type': 'application/json' } : { Accept: 'application/json' },
        ...(route.method === 'POST' ? { body: JSON.stringify(request ?? {}) } : {}),
        signal: AbortSignal.timeout(route.timeoutMs ?? timeoutMs),
      })
    } catch (err) {
      throw new TransportError('unreachable', `${channel}: the control plane did not answer (${(err as Error).message})`, { cause: err })
    }
    if (res.status === 401) throw new TransportError('unauthorized', `${channel}: not signed in`)
    if (res.status === 502 || res.status === 503 || res.status === 504) {
      throw new TransportError('unreachable', `${channel}: the control plane is unavailable (HTTP ${res.status})`)
    }
    if (!res.ok) {
      // The whole Status, as the IPC door gives it: views read its reason and field causes.
      throw await errorFromResponse(res)
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

  const logs = (pod: PodRef, logOptions: PodLogOptions, onUpdate: (update: LogUpdate) => void): (() => void) => {
    const controller = new AbortController()
    let stopped = false
    const what = `log of pod ${pod.namespace}/${pod.name}`
    const url = baseUrl + withQuery(podSubresourcePath(pod, 'log'), logQuery(logOptions))
    const headersTimer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    const finish = (update: LogUpdate): void => {
      if (stopped) return
      stopped = true
      onUpdate(update)
    }
    const run = async (): Promise<void> => {
      let res: Response
      try {
        res = await doFetch(url, { method: 'GET', credentials: 'same-origin', headers: { Accept: 'text/plain, application/json' }, signal: controller.signal })
      } catch (err) {
        finish({ type: 'error', error: unreachable(`${what}: the control plane did not answer (${(err as Error).message})`, err) })
        return
      } finally {
        clearTimeout(headersTimer)
      }
      if (!res.ok) {
        const error = await errorFromResponse(res)
        finish({ type: 'error', error })
        return
      }
      if (!res.body) {
        finish({ type: 'error', error: unreachable(`${what}: the answer has no body`) })
        return
      }
      const reader = res.body.getReader()
      try {
        for (;;) {
          const { done, value } = await reader.read()
          if (done || stopped) break
          if (value.byteLength > 0) onUpdate({ type: 'data', data: value })
        }
        finish({ type: 'end' })
      } catch (err) {
        finish({ type: 'error', error: unreachable(`${what}: the stream broke (${(err as Error).message})`, err) })
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

  const exec = (pod: PodRef, execOptions: PodExecOptions, onUpdate: (update: ExecUpdate) => void): ExecHandle => {
    const what = `exec in pod ${pod.namespace}/${pod.name}`
    const pathAndQuery = `${podSubresourcePath(pod, 'exec')}?${execQueryString(execDefaults(execOptions))}`
    const held: Uint8Array[] = []
    let opened = false
    // Closed by the caller, or ended (exit, error): nothing more in or out.
    let done = false
    let statusText = ''
    const decoder = new TextDecoder()
    const finish = (update: ExecUpdate): void => {
      if (done) return
      done = true
      onUpdate(update)
    }
    let ws: WebSocketLike
    try {
      ws = openWebSocket(webSocketUrl(baseUrl, pathAndQuery), [PROTOCOL_V5])
    } catch (err) {
      queueMicrotask(() => finish({ type: 'error', error: unreachable(`${what}: ${(err as Error).message}`, err) }))
      return { write: () => {}, closeStdin: () => {}, resize: () => {}, close: () => (done = true) }
    }
    ws.binaryType = 'arraybuffer'

    /** Why a handshake failed: a browser cannot read the refusal, so ask again over plain HTTP. */
    const diagnose = async (): Promise<ApiError> => {
      try {
        const res = await doFetch(baseUrl + pathAndQuery, { method: 'GET', credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) })
        if (!res.ok) {
          const error = await errorFromResponse(res)
          if (!error.causes.some((c) => c.reason === WEBSOCKET_REQUIRED_CAUSE)) return error
        }
      } catch {
        // No answer either: unreachable, below.
      }
      return unreachable(`${what}: the WebSocket connection could not be opened`)
    }

    ws.onopen = () => {
      if (done) return
      if (ws.protocol !== PROTOCOL_V5) {
        finish({ type: 'error', error: new ApiError(failureStatus(500, 'InternalError', `${what}: the server chose protocol ${JSON.stringify(ws.protocol)}, not ${PROTOCOL_V5}`)) })
        ws.close(1000)
        return
      }
      opened = true
      onUpdate({ type: 'open' })
      for (const message of held.splice(0)) ws.send(message)
    }
    ws.onmessage = (event) => {
      if (done) return
      const bytes = asBytes(event.data)
      if (!bytes) return
      const frame = decodeFrame(bytes, PROTOCOL_V5)
      if (frame?.kind !== 'data') return
      if (frame.channel === CHANNEL_STDOUT || frame.channel === CHANNEL_STDERR) {
        if (frame.data.byteLength > 0) onUpdate({ type: frame.channel === CHANNEL_STDOUT ? 'stdout' : 'stderr', data: frame.data.slice() })
      } else if (frame.channel === CHANNEL_ERROR) {
        statusText += decoder.decode(frame.data, { stream: true })
      }
    }
    ws.onclose = () => {
      if (done) return
      if (!opened) {
        void diagnose().then((error) => finish({ type: 'error', error }))
        return
      }
      if (!statusText) {
        finish({ type: 'error', error: unreachable(`${what}: the connection closed before the command ended`) })
        return
      }
      let status: Status | null = null
      try {
        const parsed = JSON.parse(statusText) as Partial<Status> | null
        if (typeof parsed?.status === 'string') status = { ...parsed, kind: 'Status', apiVersion: 'v1', metadata: {} }
      } catch {
        // Not a Status (the legacy protocol's plain text): reported as the message below.
      }
      const code = status ? exitCodeOf(status) : null
      if (code !== null) finish({ type: 'exit', exitCode: code })
      else finish({ type: 'error', error: new ApiError(status ?? failureStatus(500, 'InternalError', statusText)) })
    }
    ws.onerror = () => {
      // onclose follows and reports.
    }

    const send = (message: Uint8Array): void => {
      if (done) return
      if (opened) ws.send(message)
      else held.push(message)
    }
    return {
      write: (data) => {
        const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
        if (bytes.byteLength > 0) send(encodeFrame(CHANNEL_STDIN, bytes))
      },
      closeStdin: () => send(encodeCloseSignal(CHANNEL_STDIN)),
      resize: (size: TerminalSize) => send(encodeTerminalSize(size)),
      close: () => {
        if (done) return
        done = true
        ws.close(1000)
      },
    }
  }

  return {
    kind: 'http',
    kubeconfigUrl: `${API_BASE}kubeconfig`,
    logs,
    exec,
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
