// Runs sandboxed before the renderer's scripts: exposes one frozen `window.coxswain` and nothing
// else — never ipcRenderer itself.

import { contextBridge, ipcRenderer } from 'electron'
import { createBridge } from './ipc/bridge.ts'

contextBridge.exposeInMainWorld(
  'coxswain',
  createBridge((channel, request) => ipcRenderer.invoke(channel, request)),
)
