// Runs sandboxed before the renderer's scripts: exposes one frozen `window.coxswain` and nothing
// else — never ipcRenderer itself, and never the IPC event (whose `sender` is ipcRenderer).

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { createBridge } from './ipc/bridge.ts'

contextBridge.exposeInMainWorld(
  'coxswain',
  createBridge({
    invoke: (channel, request) => ipcRenderer.invoke(channel, request),
    subscribe: (channel, listener) => {
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload)
      ipcRenderer.on(channel, forward)
      return () => {
        ipcRenderer.removeListener(channel, forward)
      }
    },
  }),
)
