// The one contract between the Electron renderer and the main process: channel -> request and
// response types, and the push channels main sends on. Main (handlers), preload (bridge) and
// renderer (IPC transport) are all typed from it. Shared with the renderer's tsconfig, so: types
// and tiny pure helpers only, no Node.

import type { FieldValidation } from '../api/admission.ts'
import type { ClusterInfo, ClusterKeyInfo } from '../api/cluster-info.ts'
import type { InstallKeyRequest, InstallKeyResponse } from '../api/install-key.ts'
import type { DeleteOptions, KubeList, KubeObject, Status } from '../api/types/meta.ts'
import type { PodExecOptions, PodLogOptions } from '../api/types/streams.ts'
import type { PatchType } from '../apiserver/patch/index.ts'
import type { ApiWatchEvent, DeleteResult, ListOptions, ResourceRef, WatchOptions, WriteResult } from '../apiserver/types.ts'

/**
 * What a write may ask for besides its body, as REST's query string does (`dryRun=All`,
 * `fieldValidation`, `fieldManager`). Who is asking is never the renderer's to say: the IPC door
 * is the desktop user.
 */
export interface ApiWriteOptions {
  dryRun?: boolean
  fieldValidation?: FieldValidation
  fieldManager?: string
}

export interface ApiCreateRequest {
  ref: ResourceRef
  body: unknown
  options?: ApiWriteOptions
}

export interface ApiGetRequest {
  ref: ResourceRef
}

export interface ApiListRequest {
  ref: ResourceRef
  options?: ListOptions
}

export interface ApiUpdateRequest {
  ref: ResourceRef
  body: unknown
  options?: ApiWriteOptions
}

export interface ApiPatchRequest {
  ref: ResourceRef
  patchType: PatchType
  /** The patch document, already parsed (a JSON patch is an array, the merge flavours an object). */
  patch: unknown
  options?: ApiWriteOptions
}

export interface ApiDeleteRequest {
  ref: ResourceRef
  /** `dryRun: ['All']` here makes the delete a dry run, as in REST. */
  options?: DeleteOptions
}

export interface ApiDeleteCollectionRequest {
  ref: ResourceRef
  listOptions?: ListOptions
  options?: DeleteOptions
}

export interface ApiWatchRequest {
  ref: ResourceRef
  options?: WatchOptions
}

export interface ApiWatchStarted {
  /** Names the subscription in `api:watch-event` pushes and in `api:unwatch`. */
  id: string
}

export interface ApiUnwatchRequest {
  id: string
}

export interface PodLogsRequest {
  namespace: string
  name: string
  options?: PodLogOptions
}

export interface PodExecRequest {
  namespace: string
  name: string
  options: PodExecOptions
}

export interface PodStreamStarted {
  /** Names the stream in `pods:stream` pushes and in the calls that drive or stop it. */
  id: string
}

export interface PodStreamStopRequest {
  id: string
}

export interface PodExecInputRequest {
  id: string
  /** Bytes for the command's stdin; a string is sent as UTF-8 (a terminal's keystrokes). */
  data?: string | Uint8Array
  /** After `data`, close stdin (EOF). */
  end?: boolean
}

export interface PodExecResizeRequest {
  id: string
  /** Columns and rows. */
  width: number
  height: number
}

export interface IpcContract {
  /** Who and what the control plane is, and how its node connections stand. */
  'cluster:info': { request: undefined; response: ClusterInfo }
  /** The cluster key's public half and the command that installs it on a machine (the Add-node view). */
  'cluster:public-key': { request: undefined; response: ClusterKeyInfo }
  /**
   * Logs in to a machine once with a password and installs the cluster key; the password is used
   * for that login only. An unknown host key the caller did not vouch for is answered, not failed:
   * `installed: false` with the presented fingerprint, for the user to confirm.
   */
  'cluster:install-key': { request: InstallKeyRequest; response: InstallKeyResponse }
  'api:create': { request: ApiCreateRequest; response: WriteResult }
  'api:get': { request: ApiGetRequest; response: KubeObject }
  'api:list': { request: ApiListRequest; response: KubeList }
  'api:update': { request: ApiUpdateRequest; response: WriteResult }
  'api:patch': { request: ApiPatchRequest; response: WriteResult }
  'api:delete': { request: ApiDeleteRequest; response: DeleteResult }
  'api:deleteCollection': { request: ApiDeleteCollectionRequest; response: KubeList }
  /** Starts a watch whose events arrive on `api:watch-event`; answers once the watch is open. */
  'api:watch': { request: ApiWatchRequest; response: ApiWatchStarted }
  /** Stops a watch of this window. Idempotent: an unknown or ended id is not an error. */
  'api:unwatch': { request: ApiUnwatchRequest; response: undefined }
  /** Opens a container's log (pods/log); its bytes arrive on `pods:stream`. Answers once the log is open. */
  'pods:logs': { request: PodLogsRequest; response: PodStreamStarted }
  /** Stops a log stream of this window. Idempotent. */
  'pods:logs-stop': { request: PodStreamStopRequest; response: undefined }
  /** Runs a command in a container (pods/exec); output and the exit code arrive on `pods:stream`. Answers once it runs. */
  'pods:exec': { request: PodExecRequest; response: PodStreamStarted }
  /** Input for a running command's stdin, in order; `end` closes it. Ignored once the command has ended. */
  'pods:exec-input': { request: PodExecInputRequest; response: undefined }
  /** The terminal's new size (with tty). */
  'pods:exec-resize': { request: PodExecResizeRequest; response: undefined }
  /** Disconnects from a command (the process is not killed, as with kubectl). Idempotent. */
  'pods:exec-stop': { request: PodStreamStopRequest; response: undefined }
}

export type IpcChannel = keyof IpcContract
export type IpcRequest<C extends IpcChannel> = IpcContract[C]['request']
export type IpcResponse<C extends IpcChannel> = IpcContract[C]['response']

/**
 * One push about watch `id`: an event as the API server produced it (ERROR events included, e.g.
 * a 410 Expired), or the watch's end — `end` when it closed normally (timeoutSeconds, or the
 * server ending it: re-watch from the last resourceVersion), `error` when it failed. Nothing
 * follows an `end` or `error`, and nothing is pushed for a watch the renderer stopped itself.
 */
export type WatchPush =
  | { id: string; kind: 'event'; event: ApiWatchEvent }
  | { id: string; kind: 'end' }
  | { id: string; kind: 'error'; status: Status }

/**
 * One push about log or exec stream `id`, in order: output (`data`; a log's bytes come as stdout),
 * then exactly one of `end` (a log ended: all read, the container stopped while followed, or
 * limitBytes reached), `exit` (the command exited, all its output pushed before) or `error` (the
 * stream failed: node unreachable, exec could not start). Nothing is pushed for a stream the
 * renderer stopped itself.
 */
export type PodStreamPush =
  | { id: string; kind: 'data'; stream: 'stdout' | 'stderr'; data: Uint8Array }
  | { id: string; kind: 'end' }
  | { id: string; kind: 'exit'; exitCode: number }
  | { id: string; kind: 'error'; status: Status }

/** Channels main sends on (webContents.send) and the payload of each. */
export interface IpcPushContract {
  'api:watch-event': WatchPush
  'pods:stream': PodStreamPush
}

export type IpcPushChannel = keyof IpcPushContract
export type IpcPush<C extends IpcPushChannel> = IpcPushContract[C]

export const WATCH_EVENT_CHANNEL = 'api:watch-event' satisfies IpcPushChannel
export const POD_STREAM_CHANNEL = 'pods:stream' satisfies IpcPushChannel

/**
 * What a failed call reports. Plain data: it crosses the context bridge by structured clone.
 * `status` is the Kubernetes Status the REST door would have answered with, so both doors show
 * the same message, reason, code and field causes.
 */
export interface IpcError {
  message: string
  /** Machine-readable cause, the Status reason ("NotFound", "Invalid", "BadRequest", …). */
  reason?: string
  status?: Status
}

export type IpcResult<T> = { ok: true; result: T } | { ok: false; error: IpcError }

/** Channels whose request is `undefined` may be invoked without one. */
export type IpcArgs<C extends IpcChannel> = IpcRequest<C> extends undefined ? [request?: undefined] : [request: IpcRequest<C>]

/**
 * `window.coxswain`, as the preload exposes it. `invoke` resolves to the IpcResult itself rather
 * than throwing: an Error crossing the context bridge keeps only its message, and the renderer
 * needs the whole Status.
 */
export interface CoxswainBridge {
  invoke<C extends IpcChannel>(channel: C, ...args: IpcArgs<C>): Promise<IpcResult<IpcResponse<C>>>
  /** Listens to a push channel; the returned function stops listening (idempotent). */
  on<C extends IpcPushChannel>(channel: C, listener: (payload: IpcPush<C>) => void): () => void
}

// Records, not arrays, so adding a channel to the contract without listing it fails to compile.
const channels: Record<IpcChannel, true> = {
  'cluster:info': true,
  'cluster:public-key': true,
  'cluster:install-key': true,
  'api:create': true,
  'api:get': true,
  'api:list': true,
  'api:update': true,
  'api:patch': true,
  'api:delete': true,
  'api:deleteCollection': true,
  'api:watch': true,
  'api:unwatch': true,
  'pods:logs': true,
  'pods:logs-stop': true,
  'pods:exec': true,
  'pods:exec-input': true,
  'pods:exec-resize': true,
  'pods:exec-stop': true,
}

const pushChannels: Record<IpcPushChannel, true> = {
  'api:watch-event': true,
  'pods:stream': true,
}

export const IPC_CHANNELS: readonly IpcChannel[] = Object.freeze(Object.keys(channels) as IpcChannel[])
export const IPC_PUSH_CHANNELS: readonly IpcPushChannel[] = Object.freeze(Object.keys(pushChannels) as IpcPushChannel[])

export function isIpcChannel(value: unknown): value is IpcChannel {
  return typeof value === 'string' && Object.hasOwn(channels, value)
}

export function isIpcPushChannel(value: unknown): value is IpcPushChannel {
  return typeof value === 'string' && Object.hasOwn(pushChannels, value)
}
