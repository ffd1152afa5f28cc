// A watch that keeps itself alive, over any door. A door supplies sessions — one HTTP watch
// response, one IPC subscription — and this loop strings them together as client-go's reflector
// does: each new session starts from the last resourceVersion seen (events and bookmarks), a 410
// (Gone/Expired, as an ERROR event or a refused start) means the history is gone, so it lists
// again and hands the caller the whole list, and failures worth retrying are retried with backoff.

import type { ApiWatchEvent } from '../../../src-main/apiserver/types.ts'
import type { KubeList, KubeObject, Status } from '../../../src-main/api/types/meta.ts'
import { ApiError, failureStatus, isRetryable } from './api-error.ts'
import type { ListOptions, WatchListener, WatchOptions } from './types.ts'

/** What a session reports. After `end` nothing more is reported, and none of it after its stop. */
export interface SessionHandlers {
  /** The server accepted the watch. */
  open(): void
  event(event: ApiWatchEvent): void
  /** The session is over: normally (server timeout) without an error, else with one. */
  end(error?: ApiError): void
}

/** Starts one watch session with these options; returns a function that stops it (idempotent). */
export type OpenSession = (options: WatchOptions, handlers: SessionHandlers) => () => void

export interface DurableWatchOptions<T extends KubeObject> {
  options: WatchOptions
  openSession: OpenSession
  /** Lists the watched collection again (same selectors), after a 410. */
  relist: () => Promise<KubeList<T>>
  onUpdate: WatchListener<T>
  /** Delay before the n-th attempt in a row (n from 0). Default: at once, then 1 s, 2 s, 4 s … 30 s. */
  retryDelayMs?: (attempt: number) => number
  /** A session that stayed open this long resets the backoff. Default 10 s. */
  healthySessionMs?: number
  now?: () => number
}

export function defaultRetryDelayMs(attempt: number): number {
  return attempt <= 0 ? 0 : Math.min(30_000, 1_000 * 2 ** (attempt - 1))
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new ApiError(failureStatus(500, 'InternalError', message), 'failed', { cause: err })
}

/** Runs the watch until the returned function is called. */
export function durableWatch<T extends KubeObject>(o: DurableWatchOptions<T>): () => void {
  const retryDelayMs = o.retryDelayMs ?? defaultRetryDelayMs
  const healthySessionMs = o.healthySessionMs ?? 10_000
  const now = o.now ?? Date.now

  let resourceVersion = o.options.resourceVersion
  /** Stopped by the caller, or given up after a final error. */
  let done = false
  let attempt = 0
  let generation = 0
  let stopSession: (() => void) | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  const emit: WatchListener<T> = (update) => {
    if (!done) o.onUpdate(update)
  }

  /** Runs `step` after the backoff; a session that was healthy first resets it. */
  const later = (step: () => void, openedAt: number | null): void => {
    if (openedAt !== null && now() - openedAt >= healthySessionMs) attempt = 0
    timer = setTimeout(() => {
      timer = undefined
      if (!done) step()
    }, retryDelayMs(attempt++))
  }

  const fail = (error: ApiError, openedAt: number | null): void => {
    if (error.expired) {
      later(relist, openedAt)
    } else if (isRetryable(error)) {
      emit({ type: 'ERROR', error, retrying: true })
      later(connect, openedAt)
    } else {
      emit({ type: 'ERROR', error, retrying: false })
      done = true
    }
  }

  function connect(): void {
    const mine = ++generation
    let openedAt: number | null = null
    let ended = false
    const current = (): boolean => !done && !ended && mine === generation
    const finish = (): void => {
      ended = true
      stopSession = null
    }
    const options: WatchOptions = { ...o.options, allowWatchBookmarks: o.options.allowWatchBookmarks ?? true }
    if (resourceVersion !== undefined) options.resourceVersion = resourceVersion

    const stop = o.openSession(options, {
      open: () => {
        if (!current() || openedAt !== null) return
        openedAt = now()
        emit({ type: 'OPEN' })
      },
      event: (event) => {
        if (!current()) return
        if (event.type === 'ERROR') {
          // An ERROR ends the server's watch too; stop ours and decide what comes next.
          const stopThis = stopSession
          finish()
          stopThis?.()
          fail(new ApiError(event.object as Status), openedAt)
          return
        }
        const object = event.object as T
        resourceVersion = object.metadata.resourceVersion ?? resourceVersion
        if (event.type !== 'BOOKMARK') emit({ type: event.type, object })
      },
      end: (error) => {
        if (!current()) return
        finish()
        if (error) fail(error, openedAt)
        else later(connect, openedAt)
      },
    })
    // A session that ended while starting is stopped anyway: stopping is idempotent, leaking is not.
    if (current()) stopSession = stop
    else stop()
  }

  async function relist(): Promise<void> {
    let list: KubeList<T>
    try {
      list = await o.relist()
    } catch (err) {
      if (done) return
      const error = toApiError(err)
      if (isRetryable(error)) {
        emit({ type: 'ERROR', error, retrying: true })
        later(() => void relist(), null)
      } else {
        emit({ type: 'ERROR', error, retrying: false })
        done = true
      }
      return
    }
    if (done) return
    resourceVersion = list.metadata.resourceVersion
    emit({ type: 'RELISTED', list })
    connect()
  }

  connect()

  return () => {
    if (done && stopSession === null && timer === undefined) return
    done = true
    clearTimeout(timer)
    timer = undefined
    const stop = stopSession
    stopSession = null
    stop?.()
  }
}

/** What a relist keeps of a watch's options: its selectors, nothing about versions or paging. */
export function relistOptions(watchOptions: WatchOptions): ListOptions {
  const options: ListOptions = {}
  if (watchOptions.labelSelector) options.labelSelector = watchOptions.labelSelector
  if (watchOptions.fieldSelector) options.fieldSelector = watchOptions.fieldSelector
  return options
}
