// What the preload exposes as `window.coxswain`: typed invoke over a raw send function, and `on`
// for the push channels, with unknown channels refused before anything reaches the main process.
// A failure comes back as the IpcResult itself (the renderer's transport rebuilds the error with
// its Status): an Error thrown across the context bridge would arrive with its message only.
// Kept free of Electron so it can be tested without it.

import { isIpcChannel, isIpcPushChannel, type CoxswainBridge, type IpcResult } from './contract.ts'

export type RawInvoke = (channel: string, request: unknown) => Promise<unknown>
/** Calls `listener` with each payload pushed on `channel` (never the IPC event); returns an unsubscribe. */
export type RawSubscribe = (channel: string, listener: (payload: unknown) => void) => () => void

export interface RawIpc {
  invoke: RawInvoke
  subscribe: RawSubscribe
}

function isIpcResult(value: unknown): value is IpcResult<unknown> {
  if (typeof value !== 'object' || value === null) return false
  const reply = value as { ok?: unknown; error?: unknown }
  if (reply.ok === true) return 'result' in reply
  return reply.ok === false && typeof reply.error === 'object' && reply.error !== null && typeof (reply.error as { message?: unknown }).message === 'string'
}

export function createBridge(raw: RawIpc): CoxswainBridge {
  const invoke = async (channel: unknown, request?: unknown): Promise<IpcResult<unknown>> => {
    if (!isIpcChannel(channel)) throw new Error(`coxswain.invoke: unknown channel ${JSON.stringify(channel)}`)
    const reply = await raw.invoke(channel, request)
    if (!isIpcResult(reply)) throw new Error(`${channel}: malformed reply from the main process`)
    return reply
  }

  const on = (channel: unknown, listener: unknown): (() => void) => {
    if (!isIpcPushChannel(channel)) throw new Error(`coxswain.on: unknown channel ${JSON.stringify(channel)}`)
    if (typeof listener !== 'function') throw new Error('coxswain.on: the listener must be a function')
    let unsubscribe: (() => void) | null = raw.subscribe(channel, (payload) => (listener as (payload: unknown) => void)(payload))
    return () => {
      unsubscribe?.()
      unsubscribe = null
    }
  }

  return Object.freeze({ invoke: invoke as CoxswainBridge['invoke'], on: on as CoxswainBridge['on'] })
}
