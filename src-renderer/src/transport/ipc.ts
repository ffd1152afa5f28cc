// Transport over Electron IPC, through the preload's `window.coxswain`. The control plane lives in
// the same app, so a failure here is an answer (`failed`), never `unreachable`; it carries the
// Kubernetes Status main sent back, as HTTP's does. Watches are subscriptions: `api:watch` answers
// with an id, events arrive as `api:watch-event` pushes tagged with it, `api:unwatch` ends one.
// Logs and exec work the same way on `pods:stream`: `pods:logs` / `pods:exec` answer with an id,
// exec's input and terminal size follow as `pods:exec-input` / `pods:exec-resize` calls.

import type { DeleteOptions, KubeList, KubeObject } from '../../../src-main/api/types/meta.ts'
import type { CoxswainBridge, IpcArgs, IpcChannel, IpcError, IpcResponse, PodExecInputRequest, PodStreamPush, WatchPush } from '../../../src-main/ipc/contract.ts'
import { ApiError, failureStatus } from './api-error.ts'
import {
  execDefaults,
  type ApiWriteOptions,
  type CoxswainChannel,
  type ExecHandle,
  type ExecUpdate,
  type ListOptions,
  type LogUpdate,
  type PatchType,
  type PodExecOptions,
  type PodLogOptions,
  type PodRef,
  type ResourceRef,
  type TerminalSize,
  type Transport,
  type WatchListener,
  type WatchOptions,
  type WriteResult,
} from './types.ts'
import { durableWatch, relistOptions, type OpenSession } from './watch.ts'

/** Pushes kept for watches whose id has not come back yet; more than this is a broken main process. */
const MAX_EARLY_PUSHES = 10_000

export function errorFromIpc(error: IpcError): ApiError {
  return new ApiError(error.status ?? failureStatus(500, 'InternalError', error.message))
}

/**
 * A JSON copy: what HTTP would send, and clonable by IPC whatever the caller passed (Vue's reactive
 * proxies are not). Undefined members go, as they would over HTTP.
 */
function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)
}

/**
 * Routes pushes tagged with an id to whoever started that id. Main may push before its answer with
 * the id arrives; while starts are pending such pushes are kept (bounded), otherwise dropped.
 */
export class PushRouter<P extends { id: string }> {
  private readonly routes = new Map<string, (push: P) => void>()
  private readonly early = new Map<string, P[]>()
  private earlyCount = 0
  private starting = 0

  readonly onPush = (push: P): void => {
    if (typeof push !== 'object' || push === null || typeof push.id !== 'string') return
    const route = this.routes.get(push.id)
    if (route) {
      route(push)
      return
    }
    if (this.starting === 0 || this.earlyCount >= MAX_EARLY_PUSHES) return
    const queue = this.early.get(push.id)
    if (queue) queue.push(push)
    else this.early.set(push.id, [push])
    this.earlyCount++
  }

  /** A start is on its way: keep pushes for ids not known yet. */
  begin(): void {
    this.starting++
  }

  /** The start answered `id`: route it (unless no longer `wanted`) and replay what came early. */
  started(id: string, route: (push: P) => void, wanted: boolean): void {
    this.starting--
    const pushes = this.take(id)
    if (!wanted) return
    this.routes.set(id, route)
    for (const push of pushes) route(push)
  }

  failed(): void {
    this.starting--
    this.take(null)
  }

  drop(id: string): void {
    this.routes.delete(id)
  }

  private take(id: string | null): P[] {
    const pushes = (id !== null && this.early.get(id)) || []
    if (id !== null) this.early.delete(id)
    this.earlyCount -= pushes.length
    if (this.starting === 0) {
      this.early.clear()
      this.earlyCount = 0
    }
    return pushes
  }
}

export function createIpcTransport(bridge: CoxswainBridge): Transport {
  const call = async <C extends IpcChannel>(channel: C, ...args: IpcArgs<C>): Promise<IpcResponse<C>> => {
    let reply
    try {
      reply = await bridge.invoke(channel, ...args)
    } catch (err) {
      // The bridge itself refused (unknown channel, malformed reply): a bug, not an answer.
      const message = err instanceof Error ? err.message : String(err)
      throw new ApiError(failureStatus(500, 'InternalError', message), 'failed', { cause: err })
    }
    if (reply.ok) return reply.result
    throw errorFromIpc(reply.error)
  }

  // One listener on the push channel for all watches, routing each push by its watch's id.
  const routes = new Map<string, (push: WatchPush) => void>()
  const early = new Map<string, WatchPush[]>()
  let earlyCount = 0
  let starting = 0
  let subscribed = false

  const onPush = (push: WatchPush): void => {
    if (typeof push !== 'object' || push === null || typeof push.id !== 'string') return
    const route = routes.get(push.id)
    if (route) {
      route(push)
      return
    }
    // Main may push before its answer to api:watch arrives. Pushes for ids nobody is waiting on
    // (a watch this page stopped, or one of a page that was here before a reload) are dropped.
    if (starting === 0 || earlyCount >= MAX_EARLY_PUSHES) return
    const queue = early.get(push.id)
    if (queue) queue.push(push)
    else early.set(push.id, [push])
    earlyCount++
  }

  /** The pushes that came early for `id` (none for null); forgets all others once no start is pending. */
  const takeEarly = (id: string | null): WatchPush[] => {
    const pushes = (id !== null && early.get(id)) || []
    if (id !== null) early.delete(id)
    earlyCount -= pushes.length
    if (starting === 0) {
      early.clear()
      earlyCount = 0
    }
    return pushes
  }

  const unwatch = (id: string): void => {
    call('api:unwatch', { id }).catch(() => {
      // Nothing to do: the window's watches end with it anyway.
    })
  }

  const openSession =
    (ref: ResourceRef): OpenSession =>
    (options, session) => {
      let stopped = false
      let id: string | null = null
      if (!subscribed) {
        bridge.on('api:watch-event', onPush)
        subscribed = true
      }

      const handle = (push: WatchPush): void => {
        if (stopped) return
        switch (push.kind) {
          case 'event':
            session.event(push.event)
            return
          case 'end':
            stopped = true
            if (id) routes.delete(id)
            session.end()
            return
          case 'error':
            stopped = true
            if (id) routes.delete(id)
            session.end(new ApiError(push.status))
            return
        }
      }

      starting++
      call('api:watch', { ref: plain(ref), options: plain(options) }).then(
        (started) => {
          starting--
          id = started.id
          const pushes = takeEarly(id)
          if (stopped) {
            unwatch(id)
            return
          }
          routes.set(id, handle)
          session.open()
          for (const push of pushes) handle(push)
        },
        (err: unknown) => {
          starting--
          takeEarly(null)
          if (!stopped) session.end(err instanceof ApiError ? err : errorFromIpc({ message: String(err) }))
        },
      )

      return () => {
        if (stopped) return
        stopped = true
        if (id) {
          routes.delete(id)
          unwatch(id)
        }
      }
    }

  const list = <T extends KubeObject>(ref: ResourceRef, options?: ListOptions) =>
    call('api:list', { ref: plain(ref), ...(options ? { options: plain(options) } : {}) }) as Promise<KubeList<T>>

  // Logs and exec: one router for all streams of this page.
  const streams = new PushRouter<PodStreamPush>()
  let streamsSubscribed = false
  const subscribeStreams = (): void => {
    if (streamsSubscribed) return
    bridge.on('pods:stream', streams.onPush)
    streamsSubscribed = true
  }
  const ignore = (): void => {}
  const asApiError = (err: unknown): ApiError => (err instanceof ApiError ? err : errorFromIpc({ message: String(err) }))

  const logs = (pod: PodRef, options: PodLogOptions, onUpdate: (update: LogUpdate) => void): (() => void) => {
    subscribeStreams()
    let stopped = false
    let id: string | null = null
    const route = (push: PodStreamPush): void => {
      if (stopped) return
      if (push.kind === 'data') {
        onUpdate({ type: 'data', data: push.data })
        return
      }
      stopped = true
      if (id) streams.drop(id)
      if (push.kind === 'error') onUpdate({ type: 'error', error: new ApiError(push.status) })
      else onUpdate({ type: 'end' })
    }
    streams.begin()
    call('pods:logs', { namespace: pod.namespace, name: pod.name, options: plain(options) }).then(
      (started) => {
        id = started.id
        streams.started(started.id, route, !stopped)
        if (stopped) call('pods:logs-stop', { id: started.id }).catch(ignore)
      },
      (err: unknown) => {
        streams.failed()
        if (stopped) return
        stopped = true
        onUpdate({ type: 'error', error: asApiError(err) })
      },
    )
    return () => {
      if (stopped) return
      stopped = true
      if (id) {
        streams.drop(id)
        call('pods:logs-stop', { id }).catch(ignore)
      }
    }
  }

  const exec = (pod: PodRef, options: PodExecOptions, onUpdate: (update: ExecUpdate) => void): ExecHandle => {
    subscribeStreams()
    let id: string | null = null
    // Closed by the caller, or ended (exit, error): either way nothing more goes in or out.
    let done = false
    const held: Omit<PodExecInputRequest, 'id'>[] = []
    let heldSize: TerminalSize | null = null
    const send = (input: Omit<PodExecInputRequest, 'id'>): void => {
      if (id) call('pods:exec-input', { id, ...input }).catch(ignore)
      else held.push(input)
    }
    const resize = (size: TerminalSize): void => {
      if (id) call('pods:exec-resize', { id, width: size.width, height: size.height }).catch(ignore)
      else heldSize = size
    }
    const route = (push: PodStreamPush): void => {
      if (done) return
      switch (push.kind) {
        case 'data':
          onUpdate({ type: push.stream, data: push.data })
          return
        case 'exit':
          done = true
          if (id) streams.drop(id)
          onUpdate({ type: 'exit', exitCode: push.exitCode })
          return
        case 'error':
          done = true
          if (id) streams.drop(id)
          onUpdate({ type: 'error', error: new ApiError(push.status) })
          return
        case 'end':
          return
      }
    }
    streams.begin()
    call('pods:exec', { namespace: pod.namespace, name: pod.name, options: execDefaults(options) }).then(
      (started) => {
        if (done) {
          streams.started(started.id, route, false)
          call('pods:exec-stop', { id: started.id }).catch(ignore)
          return
        }
        onUpdate({ type: 'open' })
        id = started.id
        for (const input of held.splice(0)) send(input)
        if (heldSize) resize(heldSize)
        heldSize = null
        streams.started(started.id, route, true)
      },
      (err: unknown) => {
        streams.failed()
        if (done) return
        done = true
        onUpdate({ type: 'error', error: asApiError(err) })
      },
    )
    return {
      write: (data) => {
        if (!done && (typeof data === 'string' ? data.length > 0 : data.byteLength > 0)) send({ data })
      },
      closeStdin: () => {
        if (!done) send({ end: true })
      },
      resize: (size) => {
        if (!done) resize({ width: size.width, height: size.height })
      },
      close: () => {
        if (done) return
        done = true
        if (id) {
          streams.drop(id)
          call('pods:exec-stop', { id }).catch(ignore)
        }
      },
    }
  }

  const writeArgs = (options?: ApiWriteOptions) => (options ? { options: plain(options) } : {})

  return {
    kind: 'ipc',
    invoke: call as <C extends CoxswainChannel>(channel: C, ...args: IpcArgs<C>) => Promise<IpcResponse<C>>,
    create: <T extends KubeObject>(ref: ResourceRef, body: unknown, options?: ApiWriteOptions) =>
      call('api:create', { ref: plain(ref), body: plain(body), ...writeArgs(options) }) as Promise<WriteResult<T>>,
    get: <T extends KubeObject>(ref: ResourceRef) => call('api:get', { ref: plain(ref) }) as Promise<T>,
    list,
    update: <T extends KubeObject>(ref: ResourceRef, body: unknown, options?: ApiWriteOptions) =>
      call('api:update', { ref: plain(ref), body: plain(body), ...writeArgs(options) }) as Promise<WriteResult<T>>,
    patch: <T extends KubeObject>(ref: ResourceRef, patchType: PatchType, patch: unknown, options?: ApiWriteOptions) =>
      call('api:patch', { ref: plain(ref), patchType, patch: plain(patch), ...writeArgs(options) }) as Promise<WriteResult<T>>,
    delete: (ref: ResourceRef, options?: DeleteOptions) => call('api:delete', { ref: plain(ref), ...(options ? { options: plain(options) } : {}) }),
    deleteCollection: <T extends KubeObject>(ref: ResourceRef, listOptions?: ListOptions, options?: DeleteOptions) =>
      call('api:deleteCollection', {
        ref: plain(ref),
        ...(listOptions ? { listOptions: plain(listOptions) } : {}),
        ...(options ? { options: plain(options) } : {}),
      }) as Promise<KubeList<T>>,
    watch: <T extends KubeObject>(ref: ResourceRef, options: WatchOptions, onUpdate: WatchListener<T>) =>
      durableWatch<T>({ options, openSession: openSession(ref), relist: () => list<T>(ref, relistOptions(options)), onUpdate }),
    logs,
    exec,
  }
}
