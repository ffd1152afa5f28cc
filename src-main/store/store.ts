// The control plane's durable object store: versioned Kubernetes objects with watch. The API server
// is its only writer. Every method is async so that a remote backend (etcd) can implement the same
// contract; `store-contract.ts` is the test suite every implementation must pass.

import type {
  DeleteOptions,
  GuaranteedUpdateOptions,
  KubeObject,
  ListOptions,
  ListResult,
  ObjectKey,
  Revision,
  TryUpdate,
  UpdateOptions,
  WatchEvent,
  WatchOptions,
} from './types.ts'

/**
 * Every object returned is the caller's own copy with `metadata.resourceVersion` set to the revision
 * of the write that produced it. The store does no defaulting or validation; it never stores a
 * partial write. Errors are the typed ones in `errors.ts`.
 */
export interface Store {
  /** NotFound when absent. */
  get(key: ObjectKey): Promise<KubeObject>

  /** One consistent snapshot, paged by `limit`/`continue`; Gone when a continue token outlived history. */
  list(resource: string, options?: ListOptions): Promise<ListResult>

  /** Stores a new object under (resource, metadata.namespace ?? '', metadata.name); AlreadyExists if taken. */
  create(resource: string, object: KubeObject): Promise<KubeObject>

  /**
   * Replaces the stored object (NotFound if absent). With `resourceVersion`, only if the stored object
   * is still at it (Conflict otherwise); the object's own `metadata.resourceVersion` is not looked at
   * (the API server passes it here when the client sent one). An update that changes nothing writes
   * nothing and returns the stored object at its old revision.
   */
  update(resource: string, object: KubeObject, options?: UpdateOptions): Promise<KubeObject>

  /** Removes the object and returns its last state, at the revision of the deletion. */
  delete(key: ObjectKey, options?: DeleteOptions): Promise<KubeObject>

  /**
   * Read, `tryUpdate`, compare-and-swap, retry on a lost race: Kubernetes' GuaranteedUpdate. NotFound
   * when absent; Conflict when preconditions fail or the race is lost too many times.
   */
  guaranteedUpdate(key: ObjectKey, tryUpdate: TryUpdate, options?: GuaranteedUpdateOptions): Promise<KubeObject>

  /**
   * Changes to one resource in revision order, replayed from `fromRevision` and then live.
   * Rejects with Gone when `fromRevision` is older than the retained history.
   */
  watch(resource: string, options?: WatchOptions): Promise<Watch>

  /** The revision of the latest write. */
  currentRevision(): Promise<Revision>

  /**
   * Discards history up to and including `revision` (capped at the current revision). Watches and
   * continue tokens from before it then get Gone. Stores also compact on their own (see each one).
   */
  compact(revision: Revision): Promise<void>

  /** Ends every watch (they finish normally) and releases the backend; later calls fail with StoreClosed. */
  close(): Promise<void>
}

/**
 * One watch: an async iterator with a single reader. It finishes normally when stopped or when the
 * store closes, and throws Gone when it fell behind the retained history (the client must relist).
 */
export interface Watch extends AsyncIterableIterator<WatchEvent>, Disposable {
  /** Frees the watch; a pending `next()` resolves done. Idempotent. Breaking out of `for await` does the same. */
  stop(): void
}
