// Transport over Electron IPC, through the preload's `window.coxswain`. The control plane lives in
// the same app, so a failure here is an answer (`failed`), never `unreachable`.

import type { CoxswainBridge, IpcArgs, IpcChannel, IpcResponse } from '../../../src-main/ipc/contract.ts'
import { TransportError, type Transport } from './types.ts'

export function createIpcTransport(bridge: CoxswainBridge): Transport {
  const invoke = async (channel: IpcChannel, ...args: IpcArgs<IpcChannel>): Promise<unknown> => {
    try {
      return await bridge.invoke(channel, ...args)
    } catch (err) {
      throw new TransportError('failed', err instanceof Error ? err.message : String(err), { cause: err })
    }
  }
  return {
    kind: 'ipc',
    invoke: invoke as <C extends IpcChannel>(channel: C, ...args: IpcArgs<C>) => Promise<IpcResponse<C>>,
  }
}
