// How views reach the control plane, whichever door the dashboard came through: IPC inside
// Electron, HTTP when served. Views only ever see this interface: the API server's verbs over a
// ResourceRef, and `watch`, which keeps itself alive (reconnects, relists when too far behind).

import type { DeleteOptions, KubeList, KubeObject } from '../../../src-main/api/types/meta.ts'
import type { PatchType } from '../../../src-main/apiserver/patch/index.ts'
import type { DeleteResult, ListOptions, ResourceRef, WatchOptions, WriteResult } from '../../../src-main/apiserver/types.ts'
import type { ApiWriteOptions, IpcArgs, IpcChannel, IpcResponse } from '../../../src-main/ipc/contract.ts'
import type { ApiError } from './api-error.ts'

export type { ApiWriteOptions, DeleteResult, ListOptions, PatchType, ResourceRef, WatchOptions, WriteResult }

/**
 * What a durable watch reports:
 * - `OPEN`: a watch (re)connected — a good moment to forget an earlier retrying error;
 * - `ADDED`/`MODIFIED`/`DELETED`: a change, in order;
 * - `RELISTED`: the watch fell too far behind (410) and the transport listed again; this list is
 *   now the whole truth, replace what you hold (objects missing from it were deleted meanwhile);
 * - `ERROR`: the watch failed; `retrying` says whether the transport is trying again (network,
 *   5xx) or has given up (forbidden, bad selector, no such resource).
 */
export type WatchUpdate<T extends KubeObject = KubeObject> =
  | { type: 'OPEN' }
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'RELISTED'; list: KubeList<T> }
  | { type: 'ERROR'; error: ApiError; retrying: boolean }

export type WatchListener<T extends KubeObject = KubeObject> = (update: WatchUpdate<T>) => void

/** The API server's verbs. Every failure rejects with an ApiError carrying the Kubernetes Status. */
export interface ApiClient {
  create<T extends KubeObject = KubeObject>(ref: ResourceRef, body: unknown, options?: ApiWriteOptions): Promise<WriteResult<T>>
  get<T extends KubeObject = KubeObject>(ref: ResourceRef): Promise<T>
  list<T extends KubeObject = KubeObject>(ref: ResourceRef, options?: ListOptions): Promise<KubeList<T>>
  update<T extends KubeObject = KubeObject>(ref: ResourceRef, body: unknown, options?: ApiWriteOptions): Promise<WriteResult<T>>
  patch<T extends KubeObject = KubeObject>(ref: ResourceRef, patchType: PatchType, patch: unknown, options?: ApiWriteOptions): Promise<WriteResult<T>>
  delete(ref: ResourceRef, options?: DeleteOptions): Promise<DeleteResult>
  deleteCollection<T extends KubeObject = KubeObject>(ref: ResourceRef, listOptions?: ListOptions, options?: DeleteOptions): Promise<KubeList<T>>
  /**
   * Watches from `options.resourceVersion` (usually a list's) until the returned function is
   * called, reconnecting from the last resourceVersion seen and relisting on 410 Gone/Expired.
   */
  watch<T extends KubeObject = KubeObject>(ref: ResourceRef, options: WatchOptions, onUpdate: WatchListener<T>): () => void
}

/** Coxswain's own calls; the api:* channels are reached through the ApiClient verbs. */
export type CoxswainChannel = Exclude<IpcChannel, `api:${string}`>

export interface Transport extends ApiClient {
  /** Which door; for diagnostics only — views must not branch on it. */
  readonly kind: 'ipc' | 'http'
  /**
   * Where a kubeconfig for this cluster can be downloaded, when this door has one (the served
   * dashboard); absent in the desktop app, whose control plane serves no REST API by default.
   */
  readonly kubeconfigUrl?: string
  invoke<C extends CoxswainChannel>(channel: C, ...args: IpcArgs<C>): Promise<IpcResponse<C>>
}

/**
 * Why a call failed, in the terms a view acts on:
 * - `unauthorized`: the browser is not signed in (HTTP 401);
 * - `unreachable`: no answer (server down, network gone, timed out) — worth retrying;
 * - `failed`: the control plane answered with an error.
 */
export type TransportErrorKind = 'unauthorized' | 'unreachable' | 'failed'

export class TransportError extends Error {
  override name = 'TransportError'
  readonly kind: TransportErrorKind

  constructor(kind: TransportErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.kind = kind
  }
}
