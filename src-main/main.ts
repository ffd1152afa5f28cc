// Electron entry: one locked-down window over the same ControlPlane `serve` uses.
// Wiring only; the decisions (window options, CSP, trusted senders) live in tested modules.

import { app, BrowserWindow, ipcMain, session } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ControlPlane } from './controlplane.ts'
import { mainWindowOptions } from './electron/window-options.ts'
import { createIpcHandlers } from './ipc/handlers.ts'
import { registerIpcHandlers } from './ipc/register.ts'
import type { TrustedRenderer } from './ipc/sender.ts'
import { StreamRegistry } from './ipc/stream-registry.ts'
import { WatchRegistry } from './ipc/watch-registry.ts'
import { contentSecurityPolicy } from './security/csp.ts'
import { defaultDataDir } from './util/data-dir.ts'
import { log as rootLog } from './util/log.ts'

const log = rootLog.child({ component: 'electron' })

// Relative to this bundle (out/main/main.js).
const rendererIndex = join(import.meta.dirname, '../renderer/index.html')
const preloadPath = join(import.meta.dirname, '../preload/preload.cjs')
// electron-vite dev sets this; a packaged app never honours it.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const trusted: TrustedRenderer = {
  indexFileUrl: pathToFileURL(rendererIndex).href,
  ...(devServerUrl ? { devServerUrl } : {}),
}
const csp = contentSecurityPolicy(devServerUrl ? { devServerOrigin: new URL(devServerUrl).origin } : {})

let mainWindow: BrowserWindow | null = null
const controlPlane = new ControlPlane({ dataDir: defaultDataDir() })
const watches = new WatchRegistry({ log })
const streams = new StreamRegistry({ log })

function lockDownSession(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn('denied a permission request', { permission })
    callback(false)
  })
  ses.setPermissionCheckHandler(() => false)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
}

function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(preloadPath))
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    mainWindow = null
  })
  const load = devServerUrl ? win.loadURL(devServerUrl) : win.loadFile(rendererIndex)
  load.catch((err: unknown) => log.error('load renderer failed', { err }))
  return win
}

// Every web contents, present and future: no navigation away, no new windows, no webviews.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    log.warn('blocked navigation', { url })
    event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    log.warn('blocked a new window', { url })
    return { action: 'deny' }
  })
})

app.enableSandbox()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })

  app
    .whenReady()
    .then(async () => {
      lockDownSession()
      await controlPlane.start()
      registerIpcHandlers(ipcMain, { handlers: createIpcHandlers({ controlPlane, watches, streams, log }), watches, streams, trusted, log })
      mainWindow = createMainWindow()
      app.on('activate', () => {
        mainWindow ??= createMainWindow()
      })
    })
    .catch((err: unknown) => {
      log.error('start failed', { err })
      app.exit(1)
    })

  // Workloads outlive the app (design principle 2), so closing the window simply quits.
  app.on('window-all-closed', () => app.quit())

  let stopped = false
  app.on('will-quit', (event) => {
    if (stopped) return
    event.preventDefault()
    watches.stopAll()
    streams.stopAll()
    controlPlane
      .stop()
      .catch((err: unknown) => log.error('stop failed', { err }))
      .finally(() => {
        stopped = true
        app.quit()
      })
  })
}
