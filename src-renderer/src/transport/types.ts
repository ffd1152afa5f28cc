// How views reach the control plane, whichever door the dashboard came through: IPC inside
// Electron, HTTP when served. Views only ever see this interface: the API server's verbs over a
// ResourceRef, `watch`, which keeps itself alive (reconnects, relists when too far behind), and
// the container streams `logs` and `exec` (the terminal's one API, whichever door).

import type { DeleteOptions, KubeList, KubeObject } from '../../../src-main/api/types/meta.ts'
import type { PodExecOptions, PodLogOptions, PodRef, TerminalSize } from '../../../src-main/api/types/streams.ts'
import type { PatchType } from '../../../src-main/apiserver/patch/index.ts'
import type { DeleteResult, ListOptions, ResourceRef, WatchOptions, WriteResult } from '../../../src-main/apiserver/types.ts'
import type { ApiWriteOptions, IpcArgs, IpcChannel, IpcResponse } from '../../../src-main/ipc/contract.ts'
import type { ApiError } from './api-error.ts'

export type { ApiWriteOptions, DeleteResult, ListOptions, PatchType, PodExecOptions, PodLogOptions, PodRef, ResourceRef, TerminalSize, WatchOptions, WriteResult }

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

/**
 * What a log stream reports, in order: its bytes (`data`), then `end` (all read; with follow, the
 * container stopped) or `error`. Nothing comes after either, nor after the caller stopped it.
 */
export type LogUpdate = { type: 'data'; data: Uint8Array } | { type: 'end' } | { type: 'error'; error: ApiError }

/**
 * What an exec reports, in order: `open` once the command runs (input written before is sent
 * then), its output, then `exit` (all output delivered) or `error` (it could not start, or the
 * connection broke). Nothing comes after either, nor after close().
 */
export type ExecUpdate =
  | { type: 'open' }
  | { type: 'stdout' | 'stderr'; data: Uint8Array }
  | { type: 'exit'; exitCode: number }
  | { type: 'error'; error: ApiError }

/** A running command: its stdin, its terminal, and a way to leave it. */
export interface ExecHandle {
  /** Bytes (or text, sent as UTF-8) for stdin, in order; held until the command runs. */
  write(data: string | Uint8Array): void
  /** Ends stdin (EOF), after what was written. */
  closeStdin(): void
  /** The terminal's size (with tty); the latest one wins. */
  resize(size: TerminalSize): void
  /** Disconnects; no more updates. The process is not killed, as with kubectl. Idempotent. */
  close(): void
}

/** Container streams: pods/log and pods/exec. */
export interface PodStreamClient {
  /** Streams a container's log to `onUpdate` until it ends or the returned function is called. */
  logs(pod: PodRef, options: PodLogOptions, onUpdate: (update: LogUpdate) => void): () => void
  /**
   * Runs a command in a container. Streams default as kubectl's: stdout on, stderr on unless tty,
   * stdin off.
   */
  exec(pod: PodRef, options: PodExecOptions, onUpdate: (update: ExecUpdate) => void): ExecHandle
}

/** The exec options both doors send: kubectl's defaults filled in. */
export function execDefaults(options: PodExecOptions): PodExecOptions {
  const tty = options.tty === true
  const out: PodExecOptions = { command: [...options.command], stdin: options.stdin === true, stdout: options.stdout ?? true, stderr: tty ? false : (options.stderr ?? true), tty }
  if (options.container !== undefined) out.container = options.container
  return out
}

/** Coxswain's own calls; the api:* channels are reached through the ApiClient verbs, pods:* through PodStreamClient. */
export type CoxswainChannel = Exclude<IpcChannel, `api:${string}` | `pods:${string}`>

export interface Transport extends ApiClient, PodStreamClient {
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
