// How views reach the control plane, whichever door the dashboard came through: IPC inside
// Electron, HTTP when served. Views only ever see this interface.

import type { IpcArgs, IpcChannel, IpcResponse } from '../../../src-main/ipc/contract.ts'

export interface Transport {
  /** Which door; for diagnostics only — views must not branch on it. */
  readonly kind: 'ipc' | 'http'
  invoke<C extends IpcChannel>(channel: C, ...args: IpcArgs<C>): Promise<IpcResponse<C>>
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
