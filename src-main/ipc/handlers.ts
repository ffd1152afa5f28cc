// Main-process side of the IPC contract: one handler per channel, each validating its (untrusted)
// request before touching the control plane, and every outcome wrapped as an IpcResult so the
// renderer never sees a raw exception.

import type { ControlPlane } from '../controlplane.ts'
import type { IpcChannel, IpcError, IpcRequest, IpcResponse, IpcResult } from './contract.ts'

interface ChannelHandler<C extends IpcChannel> {
  /** Checks the renderer's request; throws an Error whose message says what is wrong. */
  parse(raw: unknown): IpcRequest<C>
  handle(request: IpcRequest<C>): IpcResponse<C> | Promise<IpcResponse<C>>
}

export type IpcHandlers = { [C in IpcChannel]: ChannelHandler<C> }

function noRequest(channel: IpcChannel): (raw: unknown) => undefined {
  return (raw) => {
    if (raw !== undefined && raw !== null) throw new Error(`${channel} takes no request`)
    return undefined
  }
}

export function createIpcHandlers(cp: ControlPlane): IpcHandlers {
  return {
    'cluster:info': { parse: noRequest('cluster:info'), handle: () => cp.info() },
  }
}

function toIpcError(err: unknown): IpcError {
  if (err instanceof Error) {
    const reason = (err as { reason?: unknown }).reason
    return typeof reason === 'string' ? { message: err.message, reason } : { message: err.message }
  }
  return { message: String(err) }
}

/** Runs `channel`'s handler on a raw request; never throws. */
export async function dispatch<C extends IpcChannel>(handlers: IpcHandlers, channel: C, raw: unknown): Promise<IpcResult<IpcResponse<C>>> {
  const handler = handlers[channel] as ChannelHandler<C>
  try {
    const result = await handler.handle(handler.parse(raw))
    return { ok: true, result }
  } catch (err) {
    return { ok: false, error: toIpcError(err) }
  }
}
