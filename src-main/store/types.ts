// The shapes the store speaks: Kubernetes-shaped JSON objects, their keys, revisions, and the
// options and results of each verb. Nothing here knows about SQLite or etcd.

/** Object metadata as far as the store cares; every other field is carried through untouched. */
export interface ObjectMeta {
  name: string
  /** Absent (or '') for cluster-scoped objects. */
  namespace?: string
  uid?: string
  /** Set by the store on every object it returns: the revision of the write that produced it. */
  resourceVersion?: string
  [field: string]: unknown
}

/** A plain, JSON-serialisable Kubernetes object. */
export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
  [field: string]: unknown
}

/**
 * Where an object lives. `resource` is `group/resource` (`apps/deployments`) or the bare resource
 * for the core group (`pods`); `namespace` is '' for cluster-scoped objects.
 */
export interface ObjectKey {
  resource: string
  namespace: string
  name: string
}

/**
 * A position in the store's single, global history: every write (create, update, delete) gets the
 * next integer, like etcd's revision. Rendered as a decimal string it is an object's (or a list's)
 * `resourceVersion`.
 */
export type Revision = number

/** `resourceVersion` text for a revision. */
export function formatRevision(revision: Revision): string {
  return String(revision)
}

/** The revision a `resourceVersion` names, or null when it is not a plain non-negative integer. */
export function parseRevision(resourceVersion: string): Revision | null {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(resourceVersion)) return null
  const revision = Number(resourceVersion)
  return Number.isSafeInteger(revision) ? revision : null
}

/**
 * A predicate over whole objects (label and field selectors compile to these in the API server).
 * It sees a shared object and must not modify it.
 */
export type ObjectFilter = (object: KubeObject) => boolean

/** Conditions a write checks against the stored object, as in Kubernetes' `Preconditions`. */
export interface Preconditions {
  uid?: string
  resourceVersion?: string
}

export interface ListOptions {
  /** Only this namespace ('' = cluster-scoped objects only); all namespaces when absent. */
  namespace?: string
  /** At most this many items; a `continue` token is returned when more remain. 0 or absent = all. */
  limit?: number
  /** The `continue` token of the previous page: the list carries on at that page's revision. */
  continue?: string
  /**
   * List the resource as it was at this revision (`resourceVersionMatch=Exact`); absent = now.
   * Gone when history no longer reaches back to it; not with `continue` (the token has its own).
   */
  revision?: Revision
  filter?: ObjectFilter
}

export interface ListResult {
  /** Ordered by (namespace, name); every item as it was at `revision`. */
  items: KubeObject[]
  /** The revision the whole list (all its pages) reflects: the list's `resourceVersion`. */
  revision: Revision
  continue?: string
  /** How many objects follow this page; only when there is no filter (as in Kubernetes). */
  remainingItemCount?: number
}

export interface UpdateOptions {
  /** Write only if the stored object is at exactly this `resourceVersion` (else Conflict). */
  resourceVersion?: string
}

export interface DeleteOptions {
  preconditions?: Preconditions
}

export interface GuaranteedUpdateOptions {
  /** Checked against every object read, before `tryUpdate` sees it; a failure is a Conflict (no retry). */
  preconditions?: Preconditions
}

/**
 * Computes the next state from the current one. It receives a private copy (free to modify and
 * return) and may be called several times when another write wins the race. Returning an object
 * equal to the current one writes nothing. Throwing aborts the update with that error.
 */
export type TryUpdate = (current: KubeObject) => KubeObject | Promise<KubeObject>

export interface WatchOptions {
  /** Only this namespace ('' = cluster-scoped objects only); all namespaces when absent. */
  namespace?: string
  /**
   * Deliver every change with a revision greater than this, replayed from history, then live
   * changes. Absent: live changes from the current revision on. Older than the retained history:
   * `watch()` rejects with Gone.
   */
  fromRevision?: Revision
  /**
   * Kubernetes filter semantics: an object that starts matching arrives as ADDED, one that stops
   * matching as DELETED (its last matching state, at the revision of the change).
   */
  filter?: ObjectFilter
  /** Send BOOKMARK events now and then so a quiet or filtered watch still learns the current revision. */
  bookmarks?: boolean
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED'

/** What a BOOKMARK carries: only a resourceVersion (the API server adds apiVersion and kind). */
export interface BookmarkObject {
  metadata: { resourceVersion: string }
}

export type WatchEvent =
  | {
      type: ChangeType
      /** For DELETED: the object's last state, with the resourceVersion of the deletion. */
      object: KubeObject
      revision: Revision
    }
  | { type: 'BOOKMARK'; object: BookmarkObject; revision: Revision }
