// Recording core/v1 Events about objects, as client-go's EventRecorder does for Kubernetes
// components: `recorder.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: …')`.
//
// Recording never blocks or fails the caller: events are written in order in the background, and
// a write that fails is logged and dropped (events are best-effort in Kubernetes too). An event
// identical to one recorded within the last 10 minutes (same object, type, reason, message and
// source) bumps that Event's count and lastTimestamp instead of creating another object.

import type { Event, KubeObject, ObjectReference } from '../api/index.ts'
import { log as rootLog, type Logger } from '../util/log.ts'
import { systemContext } from './api-server.ts'
import { ApiError } from './errors.ts'
import { formatTime } from './object-meta.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from './types.ts'

export type EventType = 'Normal' | 'Warning'

/** Who records: `{ component: 'scheduler' }`, `{ component: 'node-agent', host: 'node-1' }`. */
export interface EventSource {
  component: string
  host?: string
}

export interface EventRecorderOptions {
  api: ApiServerVerbs
  source: EventSource
  now?: () => Date
  log?: Logger
  /** Identical events this close together are counted on one Event. Default 10 minutes. */
  aggregationWindowMs?: number
  /** Events remembered for aggregation (least recently used dropped first). Default 4096, as client-go. */
  maxRemembered?: number
}

export const DEFAULT_AGGREGATION_WINDOW_MS = 10 * 60 * 1000
const DEFAULT_MAX_REMEMBERED = 4096

const EVENTS: Omit<ResourceRef, 'namespace'> = { group: '', version: 'v1', resource: 'events' }

interface Remembered {
  namespace: string
  name: string
  count: number
  lastMs: number
}

/** The reference an Event carries for `obj`, as client-go's GetReference. */
export function referenceTo(obj: KubeObject, fieldPath?: string): ObjectReference {
  const ref: ObjectReference = { kind: obj.kind, name: obj.metadata.name, apiVersion: obj.apiVersion }
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace
  if (obj.metadata.uid) ref.uid = obj.metadata.uid
  if (obj.metadata.resourceVersion) ref.resourceVersion = obj.metadata.resourceVersion
  if (fieldPath) ref.fieldPath = fieldPath
  return ref
}

export class EventRecorder {
  private readonly api: ApiServerVerbs
  private readonly source: EventSource
  private readonly now: () => Date
  private readonly log: Logger
  private readonly windowMs: number
  private readonly maxRemembered: number
  private readonly ctx: RequestContext
  /** Identical-event key → the Event that counts it; Map order is recency order. */
  private readonly remembered = new Map<string, Remembered>()
  private tail: Promise<void> = Promise.resolve()
  private sequence = 0

  constructor(options: EventRecorderOptions) {
    this.api = options.api
    this.source = { ...options.source }
    this.now = options.now ?? (() => new Date())
    this.log = (options.log ?? rootLog).child({ component: 'events', source: options.source.component })
    this.windowMs = options.aggregationWindowMs ?? DEFAULT_AGGREGATION_WINDOW_MS
    this.maxRemembered = options.maxRemembered ?? DEFAULT_MAX_REMEMBERED
    this.ctx = systemContext(options.source.component)
  }

  /** Records an event about `about` (an object, or a reference to one). Returns at once. */
  event(about: KubeObject | ObjectReference, type: EventType, reason: string, message: string): void {
    const involved = 'metadata' in about ? referenceTo(about) : { ...about }
    const at = this.now()
    this.tail = this.tail.then(() => this.write(involved, type, reason, message, at))
  }

  /** Resolves when everything recorded so far has been written (or dropped). */
  flush(): Promise<void> {
    return this.tail
  }

  private async write(involved: ObjectReference, type: EventType, reason: string, message: string, at: Date): Promise<void> {
    const key = JSON.stringify([
      this.source.component,
      this.source.host ?? '',
      involved.kind,
      involved.namespace ?? '',
      involved.name,
      involved.fieldPath ?? '',
      involved.uid ?? '',
      involved.apiVersion ?? '',
      type,
      reason,
      message,
    ])
    const nowMs = at.getTime()
    const seen = this.remembered.get(key)
    try {
      if (seen && nowMs - seen.lastMs <= this.windowMs && (await this.countAgain(seen, at))) {
        this.remember(key, seen)
        return
      }
      this.remember(key, await this.create(involved, type, reason, message, at))
    } catch (err) {
      const fields = { reason, involvedObject: `${involved.kind ?? ''}/${involved.name ?? ''}`, err: err instanceof ApiError ? err.message : err }
      // A namespace that is gone or being deleted takes no new events: expected, not worth a warning.
      if (err instanceof ApiError && (err.code === 403 || err.code === 404)) this.log.debug('event dropped', fields)
      else this.log.warn('could not record event', fields)
    }
  }

  /** Bumps a remembered Event's count; false when it is gone (deleted with its namespace, say). */
  private async countAgain(seen: Remembered, at: Date): Promise<boolean> {
    const count = seen.count + 1
    try {
      await this.api.patch(
        { ...EVENTS, namespace: seen.namespace, name: seen.name },
        'application/merge-patch+json',
        { count, lastTimestamp: formatTime(at) },
        this.ctx,
      )
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return false
      throw err
    }
    seen.count = count
    seen.lastMs = at.getTime()
    return true
  }

  private async create(involved: ObjectReference, type: EventType, reason: string, message: string, at: Date): Promise<Remembered> {
    const namespace = involved.namespace || 'default'
    // client-go names events <object>.<time in ns, hex>; a counter keeps names unique within a millisecond.
    const stamp = (BigInt(at.getTime()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16)
    const time = formatTime(at)
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${involved.name ?? 'unknown'}.${stamp}`, namespace },
      involvedObject: involved,
      reason,
      message,
      source: { ...this.source },
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
      type,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    }
    if (!event.source?.host) delete event.source?.host
    const result = await this.api.create({ ...EVENTS, namespace }, event, this.ctx)
    return { namespace, name: result.object.metadata.name ?? '', count: 1, lastMs: at.getTime() }
  }

  private remember(key: string, entry: Remembered): void {
    this.remembered.delete(key)
    this.remembered.set(key, entry)
    while (this.remembered.size > this.maxRemembered) {
      const oldest = this.remembered.keys().next().value
      if (oldest === undefined) break
      this.remembered.delete(oldest)
    }
  }
}
