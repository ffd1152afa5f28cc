// The IPC door's watches: each `api:watch` opens an ApiWatch and pumps its events to the window
// that asked, as `api:watch-event` pushes tagged with the watch's id. Watches belong to their
// window (by webContents id): `api:unwatch` stops one, and when the window is destroyed,
// navigates or its renderer dies, `stopAllFor` stops all of its watches so none outlives the page
// that would read it. Free of Electron; the window is anything with an id, send and isDestroyed.

import type { ApiWatch } from '../apiserver/types.ts'
import { toApiError } from '../apiserver/errors.ts'
import type { Logger } from '../util/log.ts'
import { WATCH_EVENT_CHANNEL, type WatchPush } from './contract.ts'
import { ipcRefusal } from './status.ts'

/** The window a watch pushes to: Electron's WebContents satisfies this. */
export interface WatchTarget {
  readonly id: number
  isDestroyed(): boolean
  send(channel: string, ...args: unknown[]): void
}

export interface WatchRegistryOptions {
  log: Logger
  /** Refuse more than this many open watches per window (a leak in a view shows up as an error, not as memory). */
  maxPerSender?: number
}

interface Entry {
  id: string
  target: WatchTarget
  watch: ApiWatch
  /** Set when the registry stopped the watch: nothing more is pushed for it. */
  stopped: boolean
}

export const DEFAULT_MAX_WATCHES_PER_SENDER = 100

export class WatchRegistry {
  private readonly log: Logger
  private readonly maxPerSender: number
  /** webContents id -> watch id -> entry. */
  private readonly bySender = new Map<number, Map<string, Entry>>()
  /** webContents id -> how many times its watches were all stopped; a start that straddles one is void. */
  private readonly epochs = new Map<number, number>()
  private nextId = 1

  constructor(options: WatchRegistryOptions) {
    this.log = options.log.child({ component: 'ipc-watch' })
    this.maxPerSender = options.maxPerSender ?? DEFAULT_MAX_WATCHES_PER_SENDER
  }

  /**
   * Opens a watch with `open` and starts pushing its events to `target`. Resolves to the watch's
   * id once it is open; rejects with open's error (an ApiError, say 410 Expired) otherwise.
   * Pushing starts on a later turn, after the invoke's reply is on its way; the renderer still
   * accepts pushes for an id it has not received yet, since nothing orders the two.
   */
  async start(target: WatchTarget, open: () => Promise<ApiWatch>): Promise<string> {
    if (target.isDestroyed()) throw ipcRefusal('Forbidden', 'the window that asked for this watch is gone')
    const openCount = this.bySender.get(target.id)?.size ?? 0
    if (openCount >= this.maxPerSender) {
      throw ipcRefusal('TooManyRequests', `too many watches open in this window (${openCount}); stop some with api:unwatch before starting more`)
    }
    const epoch = this.epochs.get(target.id) ?? 0
    const watch = await open()
    // The window navigated, was destroyed, or its renderer died while the watch was opening. If a
    // new page is there to read the answer, 503 makes it try again.
    if (target.isDestroyed() || (this.epochs.get(target.id) ?? 0) !== epoch) {
      watch.stop()
      throw ipcRefusal('ServiceUnavailable', 'the window navigated while this watch was opening; watch again')
    }
    const entry: Entry = { id: `w${this.nextId++}`, target, watch, stopped: false }
    let watches = this.bySender.get(target.id)
    if (!watches) this.bySender.set(target.id, (watches = new Map()))
    watches.set(entry.id, entry)
    setImmediate(() => void this.pump(entry))
    return entry.id
  }

  /** Stops watch `id` of window `senderId`; false when there is no such watch (already ended). */
  stop(senderId: number, id: string): boolean {
    const entry = this.bySender.get(senderId)?.get(id)
    if (!entry) return false
    this.halt(entry)
    return true
  }

  /**
   * Stops every watch of window `senderId` (navigated, renderer gone); returns how many. Each gets
   * an `end` push while the window still exists: harmless for a page that is gone, and should a
   * new page's watch be caught by the old page's clean-up, it re-watches instead of going quiet.
   */
  stopAllFor(senderId: number): number {
    this.epochs.set(senderId, (this.epochs.get(senderId) ?? 0) + 1)
    const entries = [...(this.bySender.get(senderId)?.values() ?? [])]
    for (const entry of entries) {
      this.halt(entry)
      if (!entry.target.isDestroyed()) this.trySend(entry, { id: entry.id, kind: 'end' })
    }
    return entries.length
  }

  /** Forgets a destroyed window: its watches stop and its bookkeeping goes. */
  forgetSender(senderId: number): number {
    const entries = [...(this.bySender.get(senderId)?.values() ?? [])]
    for (const entry of entries) this.halt(entry)
    this.epochs.delete(senderId)
    return entries.length
  }

  /** Stops everything (the app is quitting). */
  stopAll(): void {
    for (const watches of [...this.bySender.values()]) {
      for (const entry of [...watches.values()]) this.halt(entry)
    }
  }

  /** Open watches, of one window or of all. */
  count(senderId?: number): number {
    if (senderId !== undefined) return this.bySender.get(senderId)?.size ?? 0
    let total = 0
    for (const watches of this.bySender.values()) total += watches.size
    return total
  }

  private halt(entry: Entry): void {
    entry.stopped = true
    this.remove(entry)
    try {
      entry.watch.stop()
    } catch (err) {
      this.log.warn('stopping a watch failed', { watch: entry.id, err })
    }
  }

  private remove(entry: Entry): void {
    const watches = this.bySender.get(entry.target.id)
    if (watches?.get(entry.id) !== entry) return
    watches.delete(entry.id)
    if (watches.size === 0) this.bySender.delete(entry.target.id)
  }

  private async pump(entry: Entry): Promise<void> {
    try {
      for await (const event of entry.watch) {
        if (entry.stopped) return
        if (!this.push(entry, { id: entry.id, kind: 'event', event })) return
      }
      if (!entry.stopped) this.push(entry, { id: entry.id, kind: 'end' })
    } catch (err) {
      if (!entry.stopped) this.push(entry, { id: entry.id, kind: 'error', status: toApiError(err).status })
    } finally {
      entry.stopped = true
      this.remove(entry)
    }
  }

  /** Sends one push; a window that is gone stops all of its watches instead. */
  private push(entry: Entry, push: WatchPush): boolean {
    if (entry.target.isDestroyed()) {
      this.forgetSender(entry.target.id)
      return false
    }
    if (this.trySend(entry, push)) return true
    this.halt(entry)
    return false
  }

  private trySend(entry: Entry, push: WatchPush): boolean {
    try {
      entry.target.send(WATCH_EVENT_CHANNEL, push)
      return true
    } catch (err) {
      // Destroyed between the check and the send, or an event that cannot be cloned (a bug).
      this.log.warn('pushing a watch event failed; stopping the watch', { watch: entry.id, err })
      return false
    }
  }
}
