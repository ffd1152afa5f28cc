// The synchronous storage engine under `VersionedStore`: rows of current objects, a history of
// changes, and the revision counter. SQLite and memory implement it; everything with semantics
// (CAS, preconditions, snapshots, pagination, watch) lives once, in `versioned-store.ts`.

import type { KeyPosition } from './keys.ts'
import type { ChangeType, Revision } from './types.ts'

export interface ObjectRow {
  namespace: string
  name: string
  /** The object as stored, resourceVersion included. */
  json: string
  /** The revision of the write that produced this state. */
  modRevision: Revision
}

/** One write, as kept in history and fanned out to watchers. */
export interface Change {
  revision: Revision
  resource: string
  namespace: string
  name: string
  type: ChangeType
  /** The new state (ADDED, MODIFIED); null for DELETED. */
  json: string | null
  /** The state before (MODIFIED, DELETED); null for ADDED. */
  prevJson: string | null
}

export interface Engine {
  /** The revision of the latest write; 0 for an empty store. */
  revision(): Revision
  /** History at and below this revision is discarded; 0 when nothing was. */
  compactedRevision(): Revision
  get(resource: string, namespace: string, name: string): ObjectRow | undefined
  /** Current objects of a resource in (namespace, name) code point order, strictly after `after`. */
  scan(resource: string, namespace: string | undefined, after: KeyPosition | undefined): Iterable<ObjectRow>
  /** How many rows `scan` with the same arguments yields. */
  count(resource: string, namespace: string | undefined, after: KeyPosition | undefined): number
  /** Retained changes to a resource with a revision above `after`, oldest first, at most `limit`. */
  changes(resource: string, namespace: string | undefined, after: Revision, limit: number): Change[]
  /** The newest revision written at or before `timeMs`; 0 when none is retained. */
  revisionWrittenBy(timeMs: number): Revision
  /**
   * Atomically: applies the change to the object rows, appends it to history, advances the revision
   * to `change.revision` (which must be `revision() + 1`), and discards history through
   * `compactThrough` when that is above the compacted revision.
   */
  commit(change: Change, timeMs: number, compactThrough: Revision): void
  /** Discards history through `revision` (no-op when not above the compacted revision). */
  compact(revision: Revision): void
  close(): void
}
