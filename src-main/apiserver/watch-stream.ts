// An ApiWatch: synthetic initial events (existing objects as ADDED, maybe the initial-events-end
// bookmark), then the store's changes as Kubernetes watch events. It ends when stopped, when its
// timeout passes, or when the store's watch ends; a store watch that fell behind the retained
// history ends with one ERROR event carrying a 410 Expired Status, as kube-apiserver ends it.

import type { KubeObject, Status } from '../api/index.ts'
import type { Watch, WatchEvent as StoreWatchEvent } from '../store/index.ts'
import { toApiError } from './errors.ts'
import type { ApiWatch, ApiWatchEvent } from './types.ts'

export interface WatchStreamOptions {
  /** Delivered first, in order. */
  initial: ApiWatchEvent[]
  /** The store's watch; null when the stream ends after `initial` (and `error`). */
  source: Watch | null
  /** Delivered as an ERROR event after `initial` when there is no source (the watch could not start). */
  error?: Status
  /** apiVersion and kind of the watched resource, for bookmarks. */
  typeMeta: { apiVersion: string; kind: string }
  /** End the watch after this long. */
  timeoutMs?: number
  /** Called once when the watch ends, however it ends. */
  onEnd?: () => void
}

export class WatchStream implements ApiWatch {
  private readonly queue: ApiWatchEvent[]
  private readonly source: Watch | null
  private readonly typeMeta: { apiVersion: string; kind: string }
  private readonly onEnd: (() => void) | undefined
  private readonly timer: NodeJS.Timeout | null = null
  private ended = false

  constructor(options: WatchStreamOptions) {
    this.queue = [...options.initial]
    if (options.error) this.queue.push({ type: 'ERROR', object: options.error })
    this.source = options.source
    this.typeMeta = options.typeMeta
    this.onEnd = options.onEnd
    if (options.timeoutMs !== undefined) this.timer = setTimeout(() => this.stop(), options.timeoutMs)
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  async next(): Promise<IteratorResult<ApiWatchEvent>> {
    if (this.ended) return { done: true, value: undefined }
    const queued = this.queue.shift()
    if (queued) return { done: false, value: queued }
    if (!this.source) {
      this.stop()
      return { done: true, value: undefined }
    }
    let result: IteratorResult<StoreWatchEvent>
    try {
      result = await this.source.next()
    } catch (err) {
      // Gone (fell behind the retained history) or a failed filter: tell the client, then end.
      const status = toApiError(err).status
      this.stop()
      return { done: false, value: { type: 'ERROR', object: status } }
    }
    if (result.done || this.ended) {
      this.stop()
      return { done: true, value: undefined }
    }
    return { done: false, value: this.toApiEvent(result.value) }
  }

  async return(): Promise<IteratorResult<ApiWatchEvent>> {
    this.stop()
    return { done: true, value: undefined }
  }

  stop(): void {
    if (this.ended) return
    this.ended = true
    this.queue.length = 0
    if (this.timer) clearTimeout(this.timer)
    this.source?.stop()
    this.onEnd?.()
  }

  private toApiEvent(event: StoreWatchEvent): ApiWatchEvent {
    if (event.type === 'BOOKMARK') {
      return { type: 'BOOKMARK', object: { ...this.typeMeta, metadata: { resourceVersion: event.object.metadata.resourceVersion } } }
    }
    return { type: event.type, object: event.object as unknown as KubeObject }
  }
}
