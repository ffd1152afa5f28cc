// The one contract between the Electron renderer and the main process: channel -> request and
// response types. Main (handlers), preload (bridge) and renderer (IPC transport) are all typed
// from it. Shared with the renderer's tsconfig, so: types and tiny pure helpers only, no Node.

import type { ClusterInfo } from '../api/cluster-info.ts'

export interface IpcContract {
  /** Who and what the control plane is, and how its node connections stand. */
  'cluster:info': { request: undefined; response: ClusterInfo }
}

export type IpcChannel = keyof IpcContract
export type IpcRequest<C extends IpcChannel> = IpcContract[C]['request']
export type IpcResponse<C extends IpcChannel> = IpcContract[C]['response']

/** What a failed call reports. Plain data: it crosses the context bridge by structured clone. */
export interface IpcError {
  message: string
  /** Machine-readable cause when there is one, e.g. a Kubernetes Status reason ("NotFound"). */
  reason?: string
}

export type IpcResult<T> = { ok: true; result: T } | { ok: false; error: IpcError }

/** Channels whose request is `undefined` may be invoked without one. */
export type IpcArgs<C extends IpcChannel> = IpcRequest<C> extends undefined ? [request?: undefined] : [request: IpcRequest<C>]

/** `window.coxswain`, as the preload exposes it. */
export interface CoxswainBridge {
  invoke<C extends IpcChannel>(channel: C, ...args: IpcArgs<C>): Promise<IpcResponse<C>>
}

// A record, not an array, so adding a channel to the contract without listing it fails to compile.
const channels: Record<IpcChannel, true> = {
  'cluster:info': true,
}

export const IPC_CHANNELS: readonly IpcChannel[] = Object.freeze(Object.keys(channels) as IpcChannel[])

export function isIpcChannel(value: unknown): value is IpcChannel {
  return typeof value === 'string' && Object.hasOwn(channels, value)
}
