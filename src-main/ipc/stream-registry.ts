// The IPC door's container streams: each `pods:logs` or `pods:exec` opens a stream whose output is
// pushed to the window that asked, as `pods:stream` pushes tagged with the stream's id. Streams
// belong to their window, exactly like watches (watch-registry.ts): stopped one by one on request,
// and all at once when the window is destroyed, navigates or its renderer dies — a shell must not
// outlive the page that shows it. Free of Electron; the window is anything with an id, send and
// isDestroyed.

import type { TerminalSize } from '../api/types/streams.ts'
import { toApiError } from '../apiserver/errors.ts'
import type { DockerStreamName } from '../nodeagent/docker/demux.ts'
import type { ExecSession, LogStream } from '../nodeagent/streams/pod-streams.ts'
import type { Logger } from '../util/log.ts'
import { POD_STREAM_CHANNEL, type PodStreamPush } from './contract.ts'
import { ipcRefusal } from './status.ts'
import type { WatchTarget } from './watch-registry.ts'

export interface StreamRegistryOptions {
  log: Logger
  /** Refuse more than this many open streams per window. */
  maxPerSender?: number
}

export const DEFAULT_MAX_STREAMS_PER_SENDER = 32

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
/** A push before its id is put on. */
type Push = DistributiveOmit<PodStreamPush, 'id'>

interface Entry {
  id: string
  kind: 'logs' | 'exec'
  target: WatchTarget
  /** Set once the registry or the renderer stopped it, or it ended: nothing more is pushed. */
  stopped: boolean
  /** Ends the stream at its source (idempotent). */
  halt(): void
  exec?: ExecSession
}

/** Output for IPC: its own small buffer (a pooled Buffer would clone its whole pool across the bridge). */
function copyBytes(data: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(data)
}

export class StreamRegistry {
  private readonly log: Logger
  private readonly maxPerSender: number
  /** webContents id -> stream id -> entry. */
  private readonly bySender = new Map<number, Map<string, Entry>>()
  /** webContents id -> how many times its streams were all stopped; a start that straddles one is void. */
  private readonly epochs = new Map<number, number>()
  private nextId = 1

  constructor(options: StreamRegistryOptions) {
    this.log = options.log.child({ component: 'ipc-streams' })
    this.maxPerSender = options.maxPerSender ?? DEFAULT_MAX_STREAMS_PER_SENDER
  }

  /** Opens a log with `open` and pushes its bytes to `target`; resolves to the stream's id once it is open. */
  async startLogs(target: WatchTarget, open: () => Promise<LogStream>): Promise<string> {
    const epoch = this.admit(target)
    const stream = await open()
    this.checkStillWanted(target, epoch, () => stream.close())
    const entry = this.add(target, 'logs', () => stream.close())
    // After the invoke's answer is on its way; until then the stream holds its bytes (paused).
    setImmediate(() => {
      if (entry.stopped) return
      stream.output.on('data', (chunk: Buffer) => {
        if (!entry.stopped) this.push(entry, { kind: 'data', stream: 'stdout', data: copyBytes(chunk) })
      })
      stream.output.once('end', () => this.finish(entry, { kind: 'end' }))
      stream.output.once('error', (err) => this.finish(entry, { kind: 'error', status: toApiError(err).status }))
    })
    return entry.id
  }

  /**
   * Starts a command with `open` (which gets the sink for its output) and pushes its output and
   * exit code to `target`; resolves to the stream's id once the command runs. Output that comes
   * before the answer is held and pushed first.
   */
  async startExec(target: WatchTarget, open: (sink: (stream: DockerStreamName, data: Buffer) => void) => Promise<ExecSession>): Promise<string> {
    const epoch = this.admit(target)
    const held: Push[] = []
    let entry: Entry | null = null
    let pumping = false
    const sink = (stream: DockerStreamName, data: Buffer): void => {
      const push: Push = { kind: 'data', stream, data: copyBytes(data) }
      if (entry && pumping) {
        if (!entry.stopped) this.push(entry, push)
      } else held.push(push)
    }
    const session = await open(sink)
    this.checkStillWanted(target, epoch, () => session.close())
    const started = this.add(target, 'exec', () => session.close())
    started.exec = session
    entry = started
    setImmediate(() => {
      for (const push of held.splice(0)) {
        if (!started.stopped) this.push(started, push)
      }
      pumping = true
      session.done.then(
        (outcome) => {
          if (outcome.kind === 'exited') this.finish(started, { kind: 'exit', exitCode: outcome.exitCode })
        },
        (err: unknown) => this.finish(started, { kind: 'error', status: toApiError(err).status }),
      )
    })
    return started.id
  }

  /** Stdin for exec `id` of window `senderId`; ignored once it has ended. */
  input(senderId: number, id: string, data: string | Uint8Array | undefined, end: boolean): void {
    const session = this.execOf(senderId, id)
    if (!session) return
    if (data !== undefined) session.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
    if (end) session.endInput()
  }

  resize(senderId: number, id: string, size: TerminalSize): void {
    this.execOf(senderId, id)?.resize(size)
  }

  /** Stops stream `id` of window `senderId` if it is of `kind`; false when there is no such stream (already ended). */
  stop(senderId: number, id: string, kind: 'logs' | 'exec'): boolean {
    const entry = this.bySender.get(senderId)?.get(id)
    if (!entry || entry.kind !== kind) return false
    this.halt(entry)
    return true
  }

  /** Stops every stream of window `senderId` (navigated, renderer gone); returns how many. */
  stopAllFor(senderId: number): number {
    this.epochs.set(senderId, (this.epochs.get(senderId) ?? 0) + 1)
    const entries = [...(this.bySender.get(senderId)?.values() ?? [])]
    for (const entry of entries) this.halt(entry)
    return entries.length
  }

  /** Forgets a destroyed window: its streams stop and its bookkeeping goes. */
  forgetSender(senderId: number): number {
    const stopped = this.stopAllFor(senderId)
    this.epochs.delete(senderId)
    return stopped
  }

  /** Stops everything (the app is quitting). */
  stopAll(): void {
    for (const streams of [...this.bySender.values()]) {
      for (const entry of [...streams.values()]) this.halt(entry)
    }
  }

  /** Open streams, of one window or of all. */
  count(senderId?: number): number {
    if (senderId !== undefined) return this.bySender.get(senderId)?.size ?? 0
    let total = 0
    for (const streams of this.bySender.values()) total += streams.size
    return total
  }

  /** Refuses a start for a gone window or one with too many streams; returns its epoch. */
  private admit(target: WatchTarget): number {
    if (target.isDestroyed()) throw ipcRefusal('Forbidden', 'the window that asked for this stream is gone')
    const openCount = this.bySender.get(target.id)?.size ?? 0
    if (openCount >= this.maxPerSender) {
      throw ipcRefusal('TooManyRequests', `too many log and exec streams open in this window (${openCount}); stop some before starting more`)
    }
    return this.epochs.get(target.id) ?? 0
  }

  /** The window navigated, was destroyed or its renderer died while the stream was opening: undo it. */
  private checkStillWanted(target: WatchTarget, epoch: number, undo: () => void): void {
    if (!target.isDestroyed() && (this.epochs.get(target.id) ?? 0) === epoch) return
    undo()
    throw ipcRefusal('ServiceUnavailable', 'the window navigated while this stream was opening; open it again')
  }

  private add(target: WatchTarget, kind: Entry['kind'], halt: () => void): Entry {
    const entry: Entry = { id: `s${this.nextId++}`, kind, target, stopped: false, halt }
    let streams = this.bySender.get(target.id)
    if (!streams) this.bySender.set(target.id, (streams = new Map()))
    streams.set(entry.id, entry)
    return entry
  }

  private execOf(senderId: number, id: string): ExecSession | undefined {
    const entry = this.bySender.get(senderId)?.get(id)
    return entry && !entry.stopped ? entry.exec : undefined
  }

  private halt(entry: Entry): void {
    entry.stopped = true
    this.remove(entry)
    try {
      entry.halt()
    } catch (err) {
      this.log.warn('stopping a stream failed', { stream: entry.id, err })
    }
  }

  /** The stream's last push; then it is gone. */
  private finish(entry: Entry, push: Push): void {
    if (entry.stopped) return
    this.push(entry, push)
    entry.stopped = true
    this.remove(entry)
  }

  private remove(entry: Entry): void {
    const streams = this.bySender.get(entry.target.id)
    if (streams?.get(entry.id) !== entry) return
    streams.delete(entry.id)
    if (streams.size === 0) this.bySender.delete(entry.target.id)
  }

  /** Sends one push; a window that is gone stops all of its streams instead. */
  private push(entry: Entry, push: Push): void {
    if (entry.target.isDestroyed()) {
      this.forgetSender(entry.target.id)
      return
    }
    try {
      entry.target.send(POD_STREAM_CHANNEL, { id: entry.id, ...push } as PodStreamPush)
    } catch (err) {
      this.log.warn('pushing stream output failed; stopping the stream', { stream: entry.id, err })
      this.halt(entry)
    }
  }
}
