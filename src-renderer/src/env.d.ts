import type { CoxswainBridge } from '../../src-main/ipc/contract.ts'

declare global {
  interface Window {
    /** Present only inside the Electron app, where the preload exposes it. */
    coxswain?: CoxswainBridge
  }
}

export {}
