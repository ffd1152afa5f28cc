// Watch fan-out. Every committed change is offered synchronously, in memory, to the watchers of its
// resource (SQLite is never polled). A watcher is in one of two modes:
//
//   live    — changes go into its buffer as they are committed;
//   behind  — it ignores live changes and reads history pages (revision > cursor) as its reader
//             drains the buffer; when a page comes back short it has caught up and is live again.
//
// A watcher starts behind when it asks for an older revision, and falls behind when its buffer is
// full: writers never wait for readers, and memory per watcher is bounded. Like an etcd "unsynced"
// watcher it recovers on its own from history; only when history no longer reaches back to its
// cursor (compaction) does it end with Gone, and the client relists.

import { Gone } from './errors.ts'
import type { Change } from './engine.ts'
import type { Logger } from '../util/log.ts'
import type { Watch } from './store.ts'
import { formatRevision, type KubeObject, type ObjectFilter, type Revision, type WatchEvent, type WatchOptions } from './types.ts'

/** What a watcher needs from the store to catch up. */
export interface HistorySource {
  revision(): Revision
  compactedRevision(): Revision
  changes(resource: string, namespace: string | undefined, after: Revision, limit: number): Change[]
}

export interface WatchHubOptions {
  /** Events buffered per watcher; also the page size of a history read. */
  bufferSize: number
  bookmarkIntervalMs: number
  log: Logger
}

/** An event waiting in a buffer: JSON until its reader takes it, so each reader gets its own object. */
interface Pending {
  type: WatchEvent['type']
  revision: Revision
  /** null for a BOOKMARK. */
  json: string | null
  /** The delivered object takes the event's revision as resourceVersion (deletions). */
  atEventRevision: boolean
}

/** A change's objects, parsed at most once however many filters look at them. */
class ParsedChange {
  private current: KubeObject | undefined
  private previous: KubeObject | undefined
  readonly change: Change
  constructor(change: Change) {
    this.change = change
  }
  get object(): KubeObject {
    this.current ??= JSON.parse(this.change.json ?? 'null') as KubeObject
    return this.current
  }
  get prev(): KubeObject {
    this.previous ??= JSON.parse(this.change.prevJson ?? 'null') as KubeObject
    return this.previous
  }
}

export class WatchHub {
  private readonly source: HistorySource
  private readonly options: WatchHubOptions
  private readonly byResource = new Map<string, Set<Watcher>>()
  private readonly bookmarking = new Set<Watcher>()
  private bookmarkTimer: NodeJS.Timeout | null = null

  constructor(source: HistorySource, options: WatchHubOptions) {
    this.source = source
    this.options = options
  }

  /** The caller has already checked that `fromRevision` is not compacted. */
  open(resource: string, options: WatchOptions): Watch {
    const watcher = new Watcher(this, this.source, resource, options, this.options)
    let watchers = this.byResource.get(resource)
    if (!watchers) this.byResource.set(resource, (watchers = new Set()))
    watchers.add(watcher)
    if (options.bookmarks) {
      this.bookmarking.add(watcher)
      this.bookmarkTimer ??= setInterval(() => this.sendBookmarks(), this.options.bookmarkIntervalMs).unref()
    }
    return watcher
  }

  /** Offers a committed change to the live watchers of its resource. Never blocks, never throws. */
  publish(change: Change): void {
    const watchers = this.byResource.get(change.resource)
    if (!watchers) return
    const parsed = new ParsedChange(change)
    for (const watcher of watchers) watcher.offer(parsed)
  }

  /** How many watches are open (for tests and metrics). */
  get size(): number {
    let n = 0
    for (const watchers of this.byResource.values()) n += watchers.size
    return n
  }

  /** Ends every watch normally. */
  closeAll(): void {
    for (const watchers of [...this.byResource.values()]) for (const watcher of [...watchers]) watcher.stop()
    this.stopBookmarks()
  }

  /** @internal called by a watcher when it ends. */
  remove(watcher: Watcher): void {
    const watchers = this.byResource.get(watcher.resource)
    watchers?.delete(watcher)
    if (watchers?.size === 0) this.byResource.delete(watcher.resource)
    this.bookmarking.delete(watcher)
    if (this.bookmarking.size === 0) this.stopBookmarks()
  }

  private sendBookmarks(): void {
    const revision = this.source.revision()
    for (const watcher of this.bookmarking) watcher.bookmark(revision)
  }

  private stopBookmarks(): void {
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer)
    this.bookmarkTimer = null
  }
}

type Mode = 'live' | 'behind' | 'ended'

interface Waiter {
  resolve: (result: IteratorResult<WatchEvent>) => void
  reject: (err: unknown) => void
}

class Watcher implements Watch {
  readonly resource: string
  private readonly namespace: string | undefined
  private readonly filter: ObjectFilter | undefined
  private readonly hub: WatchHub
  private readonly source: HistorySource
  private readonly bufferSize: number
  private readonly log: Logger
  private buffer: Pending[] = []
  private head = 0
  private mode: Mode
  /** Every change up to this revision has been considered (buffered or filtered out). */
  private cursor: Revision
  /** The revision of the last event buffered, so bookmarks only ever move forward. */
  private lastBuffered: Revision
  private failure: Error | null = null
  /** Readers waiting for an event, oldest first (calls to next() that did not await the previous one). */
  private waiters: Waiter[] = []

  constructor(hub: WatchHub, source: HistorySource, resource: string, options: WatchOptions, hubOptions: WatchHubOptions) {
    this.hub = hub
    this.source = source
    this.resource = resource
    this.namespace = options.namespace
    this.filter = options.filter
    this.bufferSize = hubOptions.bufferSize
    this.log = hubOptions.log
    this.cursor = options.fromRevision ?? source.revision()
    this.lastBuffered = this.cursor
    this.mode = this.cursor < source.revision() ? 'behind' : 'live'
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    for (;;) {
      if (this.buffered() > 0) return Promise.resolve({ done: false, value: this.take() })
      if (this.failure) {
        const failure = this.failure
        this.failure = null
        return Promise.reject(failure)
      }
      if (this.mode === 'ended') return Promise.resolve({ done: true, value: undefined })
      if (this.mode === 'behind') {
        this.catchUp()
        continue
      }
      return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
    }
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    this.stop()
    return Promise.resolve({ done: true, value: undefined })
  }

  stop(): void {
    if (this.mode === 'ended') this.failure = null
    else this.end(null)
  }

  [Symbol.dispose](): void {
    this.stop()
  }

  /** A live change of this watcher's resource (called by the hub, inside the writer's call). */
  offer(parsed: ParsedChange): void {
    const change = parsed.change
    if (this.mode !== 'live' || change.revision <= this.cursor) return
    if (this.namespace !== undefined && change.namespace !== this.namespace) return
    let pending: Pending | null
    try {
      pending = this.consider(parsed)
    } catch (err) {
      this.end(new Error(`watch ${this.resource}: filter failed`, { cause: err }))
      return
    }
    if (pending && this.buffered() >= this.bufferSize) {
      this.mode = 'behind'
      this.cursor = change.revision - 1
      this.log.warn('watcher fell behind; it will catch up from history', {
        resource: this.resource,
        namespace: this.namespace,
        buffered: this.buffered(),
        revision: change.revision,
      })
      return
    }
    this.cursor = change.revision
    if (pending) this.push(pending)
  }

  /** A progress notification at `revision`, sent only when live and only when it says something new. */
  bookmark(revision: Revision): void {
    if (this.mode !== 'live' || revision <= this.lastBuffered || this.buffered() >= this.bufferSize) return
    this.cursor = Math.max(this.cursor, revision)
    this.push({ type: 'BOOKMARK', revision, json: null, atEventRevision: false })
  }

  /** Reads the next page of history; goes live when the page comes back short. */
  private catchUp(): void {
    const compacted = this.source.compactedRevision()
    if (this.cursor < compacted) {
      this.log.info('watcher fell behind the retained history; ending it with Gone', {
        resource: this.resource,
        namespace: this.namespace,
        cursor: this.cursor,
        compacted,
      })
      this.end(Gone.tooOldRevision({ resource: this.resource, namespace: this.namespace }, this.cursor, compacted))
      return
    }
    const page = this.source.changes(this.resource, this.namespace, this.cursor, this.bufferSize)
    for (const change of page) {
      let pending: Pending | null
      try {
        pending = this.consider(new ParsedChange(change))
      } catch (err) {
        this.end(new Error(`watch ${this.resource}: filter failed`, { cause: err }))
        return
      }
      this.cursor = change.revision
      if (pending) this.push(pending)
    }
    if (page.length < this.bufferSize) {
      this.cursor = Math.max(this.cursor, this.source.revision())
      this.mode = 'live'
    }
  }

  /** What this watcher sees of a change: Kubernetes' filtered-watch rules. */
  private consider(parsed: ParsedChange): Pending | null {
    const { type, revision, json, prevJson } = parsed.change
    if (!this.filter) {
      if (type === 'DELETED') return { type, revision, json: prevJson, atEventRevision: true }
      return { type, revision, json, atEventRevision: false }
    }
    const matchesNow = type !== 'DELETED' && this.filter(parsed.object)
    const matchedBefore = prevJson !== null && this.filter(parsed.prev)
    if (matchesNow) return { type: matchedBefore ? 'MODIFIED' : 'ADDED', revision, json, atEventRevision: false }
    if (matchedBefore) return { type: 'DELETED', revision, json: prevJson, atEventRevision: true }
    return null
  }

  private push(pending: Pending): void {
    this.lastBuffered = pending.revision
    const waiter = this.waiters.shift()
    if (waiter) waiter.resolve({ done: false, value: materialise(pending) })
    else this.buffer.push(pending)
  }

  private buffered(): number {
    return this.buffer.length - this.head
  }

  private take(): WatchEvent {
    const pending = this.buffer[this.head++] as Pending
    if (this.head === this.buffer.length) {
      this.buffer = []
      this.head = 0
    } else if (this.head >= 1024 && this.head * 2 >= this.buffer.length) {
      this.buffer = this.buffer.slice(this.head)
      this.head = 0
    }
    return materialise(pending)
  }

  /** Ends the watch, dropping what is buffered: with `failure` the reader gets it once, then done. */
  private end(failure: Error | null): void {
    this.mode = 'ended'
    this.buffer = []
    this.head = 0
    this.hub.remove(this)
    const waiters = this.waiters
    this.waiters = []
    const first = failure ? waiters.shift() : undefined
    if (failure && !first) this.failure = failure
    first?.reject(failure)
    for (const waiter of waiters) waiter.resolve({ done: true, value: undefined })
  }
}

function materialise(pending: Pending): WatchEvent {
  const resourceVersion = formatRevision(pending.revision)
  if (pending.type === 'BOOKMARK' || pending.json === null) {
    return { type: 'BOOKMARK', object: { metadata: { resourceVersion } }, revision: pending.revision }
  }
  const object = JSON.parse(pending.json) as KubeObject
  if (pending.atEventRevision) object.metadata.resourceVersion = resourceVersion
  return { type: pending.type, object, revision: pending.revision }
}
