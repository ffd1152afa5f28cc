// Picks the transport once, at start-up, and hands it to views through provide/inject.

import { inject, type App, type InjectionKey } from 'vue'
import type { CoxswainBridge } from '../../../src-main/ipc/contract.ts'
import { createHttpTransport } from './http.ts'
import { createIpcTransport } from './ipc.ts'
import type { Transport } from './types.ts'

export {
  TransportError,
  type ApiClient,
  type ApiWriteOptions,
  type ResourceRef,
  type Transport,
  type TransportErrorKind,
  type WatchListener,
  type WatchUpdate,
} from './types.ts'
export { ApiError } from './api-error.ts'

const transportKey: InjectionKey<Transport> = Symbol('transport')

/** IPC when the Electron preload exposed its bridge, HTTP otherwise. */
export function chooseTransport(bridge: CoxswainBridge | undefined): Transport {
  return bridge ? createIpcTransport(bridge) : createHttpTransport()
}

export function provideTransport(app: App, transport: Transport): void {
  app.provide(transportKey, transport)
}

export function useTransport(): Transport {
  const transport = inject(transportKey)
  if (!transport) throw new Error('useTransport: no transport provided; call provideTransport() at start-up')
  return transport
}
