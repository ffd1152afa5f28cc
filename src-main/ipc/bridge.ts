// What the preload exposes as `window.coxswain`: typed invoke over a raw send function, with
// unknown channels refused before they reach the main process and failures turned back into
// thrown Errors. Kept free of Electron so it can be tested without it.

import { isIpcChannel, type CoxswainBridge, type IpcResult } from './contract.ts'

export type RawInvoke = (channel: string, request: unknown) => Promise<unknown>

function isIpcResult(value: unknown): value is IpcResult<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean'
}

export function createBridge(rawInvoke: RawInvoke): CoxswainBridge {
  const invoke = async (channel: unknown, request?: unknown): Promise<unknown> => {
    if (!isIpcChannel(channel)) throw new Error(`coxswain.invoke: unknown channel ${JSON.stringify(channel)}`)
    const reply = await rawInvoke(channel, request)
    if (!isIpcResult(reply)) throw new Error(`${channel}: malformed reply from the main process`)
    if (reply.ok) return reply.result
    // The context bridge copies only an Error's message, so the reason travels inside it too.
    const reason = reply.error.reason ? ` (${reply.error.reason})` : ''
    throw new Error(`${channel}: ${reply.error.message}${reason}`)
  }
  return Object.freeze({ invoke: invoke as CoxswainBridge['invoke'] })
}
