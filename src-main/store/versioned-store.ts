// The Store contract on top of a synchronous Engine: keys, revisions, compare-and-swap,
// preconditions, consistent paged lists (also at an older revision, rebuilt from history), history
// retention, and watch through the in-memory hub.
//
// Each verb runs its checks and its write in one synchronous stretch, so no other call can slip in
// between a check and the write it guards; only `guaranteedUpdate` awaits (the caller's
// `tryUpdate`), and it compares the revision again before writing.

import { decodeContinue, encodeContinue } from './continue-token.ts'
import type { Change, Engine, ObjectRow } from './engine.ts'
import { AlreadyExists, Conflict, Gone, InvalidContinue, NotFound, StoreClosed, type StoreErrorSubject } from './errors.ts'
import { comparePositions, keyOf, positionId, type KeyPosition } from './keys.ts'
import type { Store, Watch } from './store.ts'
import {
  formatRevision,
  type ChangeType,
  type DeleteOptions,
  type GuaranteedUpdateOptions,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type ObjectKey,
  type Preconditions,
  type Revision,
  type TryUpdate,
  type UpdateOptions,
  type WatchOptions,
} from './types.ts'
import { WatchHub } from './watch-hub.ts'
import { log as rootLog, type Logger } from '../util/log.ts'

export interface StoreOptions {
  /** History kept for watch replay and paged lists, in changes. Default 10,000. */
  historyMaxEvents?: number
  /** Also discard history older than this. Default: no age limit (see README). */
  historyMaxAgeMs?: number
  /** Events buffered per watcher before it reads from history instead. Default 1,000. */
  watchBufferSize?: number
  /** How often a watch that asked for bookmarks gets one. Default 60 s, as kube-apiserver. */
  bookmarkIntervalMs?: number
  /** Lost races `guaranteedUpdate` retries before giving up with Conflict. Default 32. */
  maxUpdateAttempts?: number
  log?: Logger
  /** Injected for tests: wall clock in ms. */
  now?: () => number
}

export const DEFAULT_HISTORY_MAX_EVENTS = 10_000
export const DEFAULT_WATCH_BUFFER_SIZE = 1_000
export const DEFAULT_BOOKMARK_INTERVAL_MS = 60_000

/** A list's view of one resource at one revision. */
interface Snapshot {
  rows(after: KeyPosition | undefined): Iterable<{ namespace: string; name: string; json: string }>
  countAfter(after: KeyPosition): number
}

export class VersionedStore implements Store {
  protected readonly engine: Engine
  protected readonly log: Logger
  private readonly hub: WatchHub
  private readonly historyMaxEvents: number
  private readonly historyMaxAgeMs: number | undefined
  private readonly maxUpdateAttempts: number
  private readonly now: () => number
  private readonly ageTimer: NodeJS.Timeout | null = null
  private closed = false

  constructor(engine: Engine, options: StoreOptions = {}) {
    this.engine = engine
    this.log = (options.log ?? rootLog).child({ component: 'store' })
    this.historyMaxEvents = positiveInteger('historyMaxEvents', options.historyMaxEvents ?? DEFAULT_HISTORY_MAX_EVENTS)
    this.historyMaxAgeMs = options.historyMaxAgeMs === undefined ? undefined : positiveInteger('historyMaxAgeMs', options.historyMaxAgeMs)
    this.maxUpdateAttempts = positiveInteger('maxUpdateAttempts', options.maxUpdateAttempts ?? 32)
    this.now = options.now ?? Date.now
    this.hub = new WatchHub(engine, {
      bufferSize: positiveInteger('watchBufferSize', options.watchBufferSize ?? DEFAULT_WATCH_BUFFER_SIZE),
      bookmarkIntervalMs: positiveInteger('bookmarkIntervalMs', options.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS),
      log: this.log,
    })
    if (this.historyMaxAgeMs !== undefined) {
      const maxAge = this.historyMaxAgeMs
      this.ageTimer = setInterval(() => this.compactByAge(), Math.max(10, Math.min(maxAge / 4, 60_000))).unref()
    }
  }

  async get(key: ObjectKey): Promise<KubeObject> {
    this.ensureOpen(key)
    const row = this.engine.get(key.resource, key.namespace, key.name)
    if (!row) throw new NotFound(key)
    return parse(row.json)
  }

  async list(resource: string, options: ListOptions = {}): Promise<ListResult> {
    const subject: StoreErrorSubject = { resource, namespace: options.namespace }
    this.ensureOpen(subject)
    let revision = this.engine.revision()
    let after: KeyPosition | undefined
    if (options.continue !== undefined) {
      let point
      try {
        point = decodeContinue(options.continue)
      } catch (err) {
        throw new InvalidContinue(subject, (err as Error).message)
      }
      if (point.revision > revision) throw new InvalidContinue(subject, 'its revision is in the future')
      const compacted = this.engine.compactedRevision()
      if (point.revision < compacted) {
        throw Gone.expiredContinue(subject, compacted, encodeContinue({ revision, after: point.after }))
      }
      revision = point.revision
      after = point.after
    } else if (options.revision !== undefined) {
      const wanted = options.revision
      if (!Number.isSafeInteger(wanted) || wanted < 0 || wanted > revision) {
        throw new RangeError(`store: list ${resource}: revision ${wanted} is not between 0 and the current revision ${revision}`)
      }
      const compacted = this.engine.compactedRevision()
      if (wanted < compacted) throw Gone.tooOldRevision(subject, wanted, compacted)
      revision = wanted
    }

    const snapshot = this.snapshot(resource, options.namespace, revision)
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Infinity
    const filter = options.filter
    const items: KubeObject[] = []
    let last: KeyPosition | undefined
    let more = false
    for (const row of snapshot.rows(after)) {
      if (items.length >= limit) {
        more = true
        break
      }
      last = row
      const object = parse(row.json)
      if (!filter || filter(object)) items.push(object)
    }
    const result: ListResult = { items, revision }
    if (more && last) {
      result.continue = encodeContinue({ revision, after: { namespace: last.namespace, name: last.name } })
      if (!filter) result.remainingItemCount = snapshot.countAfter(last)
    }
    return result
  }

  async create(resource: string, object: KubeObject): Promise<KubeObject> {
    const key = keyOf(resource, object)
    this.ensureOpen(key)
    if (this.engine.get(key.resource, key.namespace, key.name)) throw new AlreadyExists(key)
    const revision = this.engine.revision() + 1
    const json = serialise(object, revision)
    this.commit(key, 'ADDED', revision, json, null)
    return parse(json)
  }

  async update(resource: string, object: KubeObject, options: UpdateOptions = {}): Promise<KubeObject> {
    const key = keyOf(resource, object)
    this.ensureOpen(key)
    const row = this.engine.get(key.resource, key.namespace, key.name)
    if (!row) throw new NotFound(key)
    if (options.resourceVersion !== undefined && options.resourceVersion !== formatRevision(row.modRevision)) {
      throw new Conflict(key)
    }
    return this.replace(key, row, object)
  }

  async delete(key: ObjectKey, options: DeleteOptions = {}): Promise<KubeObject> {
    this.ensureOpen(key)
    const row = this.engine.get(key.resource, key.namespace, key.name)
    if (!row) throw new NotFound(key)
    const last = parse(row.json)
    if (options.preconditions) checkPreconditions(key, last, row, options.preconditions)
    const revision = this.engine.revision() + 1
    this.commit(key, 'DELETED', revision, null, row.json)
    last.metadata.resourceVersion = formatRevision(revision)
    return last
  }

  async guaranteedUpdate(key: ObjectKey, tryUpdate: TryUpdate, options: GuaranteedUpdateOptions = {}): Promise<KubeObject> {
    for (let attempt = 1; attempt <= this.maxUpdateAttempts; attempt++) {
      this.ensureOpen(key)
      const read = this.engine.get(key.resource, key.namespace, key.name)
      if (!read) throw new NotFound(key)
      const current = parse(read.json)
      if (options.preconditions) checkPreconditions(key, current, read, options.preconditions)
      const next = await tryUpdate(current)
      this.ensureOpen(key)
      const row = this.engine.get(key.resource, key.namespace, key.name)
      if (!row || row.modRevision !== read.modRevision) continue
      const nextKey = keyOf(key.resource, next)
      if (nextKey.namespace !== key.namespace || nextKey.name !== key.name) {
        throw new TypeError(`store: guaranteedUpdate of ${key.resource} "${key.name}" returned an object with another name or namespace`)
      }
      return this.replace(key, row, next)
    }
    throw new Conflict(key, `gave up after ${this.maxUpdateAttempts} attempts lost to concurrent writes`)
  }

  async watch(resource: string, options: WatchOptions = {}): Promise<Watch> {
    const subject: StoreErrorSubject = { resource, namespace: options.namespace }
    this.ensureOpen(subject)
    const from = options.fromRevision
    if (from !== undefined) {
      if (!Number.isSafeInteger(from) || from < 0) throw new TypeError(`store: watch ${resource}: fromRevision ${from} is not a revision`)
      const compacted = this.engine.compactedRevision()
      if (from < compacted) throw Gone.tooOldRevision(subject, from, compacted)
    }
    return this.hub.open(resource, options)
  }

  async currentRevision(): Promise<Revision> {
    this.ensureOpen({ resource: '' })
    return this.engine.revision()
  }

  async compact(revision: Revision): Promise<void> {
    this.ensureOpen({ resource: '' })
    this.engine.compact(Math.min(revision, this.engine.revision()))
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.ageTimer) clearInterval(this.ageTimer)
    this.hub.closeAll()
    this.engine.close()
  }

  /** Open watches (for tests and metrics). */
  get watchCount(): number {
    return this.hub.size
  }

  /** Writes `object` over `row` unless nothing would change. */
  private replace(key: ObjectKey, row: ObjectRow, object: KubeObject): KubeObject {
    if (serialise(object, row.modRevision) === row.json) return parse(row.json)
    const revision = this.engine.revision() + 1
    const json = serialise(object, revision)
    this.commit(key, 'MODIFIED', revision, json, row.json)
    return parse(json)
  }

  private commit(key: ObjectKey, type: ChangeType, revision: Revision, json: string | null, prevJson: string | null): void {
    const change: Change = { revision, resource: key.resource, namespace: key.namespace, name: key.name, type, json, prevJson }
    this.engine.commit(change, this.now(), revision - this.historyMaxEvents)
    this.hub.publish(change)
  }

  private compactByAge(): void {
    if (this.closed || this.historyMaxAgeMs === undefined) return
    try {
      this.engine.compact(this.engine.revisionWrittenBy(this.now() - this.historyMaxAgeMs))
    } catch (err) {
      this.log.error('compacting history by age failed', { err })
    }
  }

  /** The resource as it was at `revision`: current rows, with history undoing what came after. */
  private snapshot(resource: string, namespace: string | undefined, revision: Revision): Snapshot {
    const engine = this.engine
    if (revision === engine.revision()) {
      return { rows: (after) => engine.scan(resource, namespace, after), countAfter: (after) => engine.count(resource, namespace, after) }
    }
    // For each key changed since `revision`: its state then (the first later change's prevJson) and
    // whether it exists now (its last change is not a deletion).
    const then = new Map<string, { namespace: string; name: string; json: string | null }>()
    const existsNow = new Map<string, KeyPosition>()
    for (const change of engine.changes(resource, namespace, revision, Infinity)) {
      const id = positionId(change.namespace, change.name)
      if (!then.has(id)) then.set(id, { namespace: change.namespace, name: change.name, json: change.prevJson })
      if (change.type === 'DELETED') existsNow.delete(id)
      else existsNow.set(id, change)
    }
    const restored = [...then.values()]
      .filter((entry): entry is { namespace: string; name: string; json: string } => entry.json !== null)
      .sort(comparePositions)
    return {
      *rows(after) {
        let i = after ? restored.findIndex((entry) => comparePositions(entry, after) > 0) : 0
        if (i < 0) i = restored.length
        for (const row of engine.scan(resource, namespace, after)) {
          if (row.modRevision > revision) continue
          while (i < restored.length && comparePositions(restored[i] as KeyPosition, row) < 0) yield restored[i++] as (typeof restored)[number]
          yield row
        }
        while (i < restored.length) yield restored[i++] as (typeof restored)[number]
      },
      countAfter(after) {
        let count = engine.count(resource, namespace, after)
        for (const key of existsNow.values()) if (comparePositions(key, after) > 0) count--
        for (const entry of restored) if (comparePositions(entry, after) > 0) count++
        return count
      },
    }
  }

  private ensureOpen(subject: StoreErrorSubject): void {
    if (this.closed) throw new StoreClosed(subject)
  }
}

/** The object as stored at `revision`: the caller's object is not modified. */
function serialise(object: KubeObject, revision: Revision): string {
  const json = JSON.stringify({ ...object, metadata: { ...object.metadata, resourceVersion: formatRevision(revision) } })
  if (typeof json !== 'string') throw new TypeError('store: object does not serialise to JSON')
  return json
}

function parse(json: string): KubeObject {
  return JSON.parse(json) as KubeObject
}

function checkPreconditions(key: ObjectKey, current: KubeObject, row: ObjectRow, preconditions: Preconditions): void {
  const { uid, resourceVersion } = preconditions
  if (uid !== undefined && current.metadata.uid !== uid) {
    throw new Conflict(key, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`)
  }
  const stored = formatRevision(row.modRevision)
  if (resourceVersion !== undefined && resourceVersion !== stored) {
    throw new Conflict(key, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${stored}`)
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`store: ${name} must be a positive integer, not ${value}`)
  return value
}
