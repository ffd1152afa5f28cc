// Puts the handlers on ipcMain: every call is answered only for our own renderer's top frame
// (sender.ts), and a window's watches and log/exec streams are stopped when its page goes away —
// the webContents is destroyed, its main frame commits a navigation to another document (a reload
// included; the router's hash changes are same-document and keep them), or its renderer process dies.
//
// Written against the few members of ipcMain and WebContents it uses, so tests drive it with fakes.

import type { Logger } from '../util/log.ts'
import { IPC_CHANNELS } from './contract.ts'
import { dispatch, type IpcHandlers } from './handlers.ts'
import { isTrustedSender, type TrustedRenderer } from './sender.ts'
import { ipcRefusal, toIpcError } from './status.ts'
import type { StreamRegistry } from './stream-registry.ts'
import type { WatchRegistry, WatchTarget } from './watch-registry.ts'

/** The parts of Electron's WebContents used here. */
export interface IpcSender extends WatchTarget {
  on(event: 'destroyed' | 'did-navigate' | 'render-process-gone', listener: () => void): unknown
}

/** The parts of Electron's IpcMainInvokeEvent used here. */
export interface IpcInvokeEvent {
  readonly sender: IpcSender
  /** Null when the frame is gone; `parent` is null for a top frame. */
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null
}

/** The parts of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, request: unknown) => Promise<unknown>): void
  removeHandler(channel: string): void
}

export interface RegisterIpcOptions {
  handlers: IpcHandlers
  watches: WatchRegistry
  /** The windows' log and exec streams, stopped with their watches. */
  streams?: StreamRegistry
  trusted: TrustedRenderer
  log: Logger
}

/** Registers a handler per channel; returns a function that removes them again. */
export function registerIpcHandlers(ipcMain: IpcMainLike, options: RegisterIpcOptions): () => void {
  const { handlers, watches, streams, trusted, log } = options
  // By webContents id: Electron may hand out more than one wrapper object for the same contents.
  const tracked = new Set<number>()

  const track = (sender: IpcSender): void => {
    const { id } = sender
    if (tracked.has(id)) return
    tracked.add(id)
    const stop = (why: string, forget = false) => () => {
      const stopped = forget ? watches.forgetSender(id) : watches.stopAllFor(id)
      const streamsStopped = (forget ? streams?.forgetSender(id) : streams?.stopAllFor(id)) ?? 0
      if (forget) tracked.delete(id)
      if (stopped > 0 || streamsStopped > 0) log.debug('stopped the watches and streams of a window', { webContents: id, why, stopped, streamsStopped })
    }
    sender.on('destroyed', stop('destroyed', true))
    sender.on('did-navigate', stop('navigated'))
    sender.on('render-process-gone', stop('renderer gone'))
  }

  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(channel, async (event, request) => {
      const frame = event.senderFrame
      if (!isTrustedSender(frame ? { url: frame.url, isMainFrame: frame.parent === null } : null, trusted)) {
        log.warn('refused IPC from an untrusted frame', { channel, url: frame?.url })
        return { ok: false, error: toIpcError(channel, ipcRefusal('Forbidden', `${channel}: refused: the caller is not Coxswain's own window`)) }
      }
      track(event.sender)
      return dispatch(handlers, channel, request, { sender: event.sender })
    })
  }

  return () => {
    for (const channel of IPC_CHANNELS) ipcMain.removeHandler(channel)
  }
}
