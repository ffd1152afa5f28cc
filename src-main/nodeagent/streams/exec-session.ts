// One command run in a container through Docker's exec API: create, then start with the HTTP
// connection hijacked — over the node's SSH channel it becomes a raw two-way stream to the
// process (stdin in; stdout and stderr out, multiplexed unless there is a TTY). The exit code comes
// from inspecting the exec once the stream has ended. Transport-neutral: the REST door's WebSocket
// and the IPC door both drive an ExecSession.

import type { Duplex } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type Docker from 'dockerode'
import type { TerminalSize } from '../../api/types/streams.ts'
import { dockerCall } from '../docker/client.ts'
import { DockerStreamDemuxer, type DockerStreamName } from '../docker/demux.ts'
import { DeadlineExceededError } from '../../util/deadline.ts'
import type { Logger } from '../../util/log.ts'

export interface ExecSpec {
  containerId: string
  command: string[]
  stdin: boolean
  stdout: boolean
  stderr: boolean
  tty: boolean
  /** For messages: `container web of pod default/web on node-1`. */
  what: string
}

/** Where the process's output goes, in order, as it arrives. */
export type ExecOutputSink = (stream: DockerStreamName, data: Buffer) => void

/** How a session ended: the process exited (all its output delivered first), or the caller closed it. */
export type ExecOutcome = { kind: 'exited'; exitCode: number } | { kind: 'closed' }

export interface ExecSession {
  readonly tty: boolean
  /** Bytes for the process's stdin (ignored without stdin, or after endInput). */
  write(data: Uint8Array): void
  /** Closes the process's stdin (EOF); output keeps coming until the process exits. */
  endInput(): void
  /** Sets the TTY's size (only with a TTY). Later sizes win; failures are logged, not thrown. */
  resize(size: TerminalSize): void
  /**
   * Settles once: `exited` after the last output was handed to the sink, `closed` after close();
   * rejects when the stream to the node broke or the exit code cannot be read.
   */
  readonly done: Promise<ExecOutcome>
  /** Tears the stream down (the caller went away). The process is not killed, as with the kubelet. */
  close(): void
}

export interface ExecTimings {
  /** Limit on each Docker call (create, start until the stream is open, inspect, resize). */
  callTimeoutMs: number
  /** How long the process may still report running after its output ended before that is an error. */
  exitWaitMs?: number
}

/** Starts `spec` in its container; resolves once the process runs and its stream is open. */
export async function startDockerExec(docker: Docker, spec: ExecSpec, sink: ExecOutputSink, timings: ExecTimings, log: Logger): Promise<ExecSession> {
  const { callTimeoutMs } = timings
  const container = docker.getContainer(spec.containerId)
  const exec = await dockerCall(`create exec in ${spec.what}`, callTimeoutMs, (abortSignal) =>
    container.exec({ Cmd: spec.command, AttachStdin: spec.stdin, AttachStdout: spec.stdout, AttachStderr: spec.stderr, Tty: spec.tty, abortSignal }),
  )
  const socket = await hijack(exec, spec, callTimeoutMs)
  return new DockerExecSession(exec, socket, spec, sink, timings, log)
}

/** `POST /exec/{id}/start` with the connection hijacked; a socket that arrives after the deadline is closed. */
async function hijack(exec: Docker.Exec, spec: ExecSpec, timeoutMs: number): Promise<Duplex> {
  let timedOut = false
  const controller = new AbortController()
  const start = exec.start({ hijack: true, stdin: spec.stdin, Tty: spec.tty, abortSignal: controller.signal }) as Promise<Duplex>
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true
      const error = new DeadlineExceededError(`start exec in ${spec.what}`, timeoutMs)
      controller.abort(error)
      reject(error)
    }, timeoutMs)
  })
  start.then(
    (late) => {
      if (timedOut) late.destroy()
    },
    () => {},
  )
  try {
    return await Promise.race([start, expired])
  } finally {
    clearTimeout(timer)
  }
}

class DockerExecSession implements ExecSession {
  readonly tty: boolean
  readonly done: Promise<ExecOutcome>
  readonly #exec: Docker.Exec
  readonly #socket: Duplex
  readonly #spec: ExecSpec
  readonly #timings: ExecTimings
  readonly #log: Logger
  #settle!: (outcome: ExecOutcome | Error) => void
  #settled = false
  #closed = false
  #inputEnded: boolean
  #resizing = false
  #pendingSize: TerminalSize | null = null

  constructor(exec: Docker.Exec, socket: Duplex, spec: ExecSpec, sink: ExecOutputSink, timings: ExecTimings, log: Logger) {
    this.tty = spec.tty
    this.#exec = exec
    this.#socket = socket
    this.#spec = spec
    this.#timings = timings
    this.#log = log
    this.#inputEnded = !spec.stdin
    this.done = new Promise<ExecOutcome>((resolve, reject) => {
      this.#settle = (outcome) => {
        if (this.#settled) return
        this.#settled = true
        if (outcome instanceof Error) reject(outcome)
        else resolve(outcome)
      }
    })
    // Never paused: a ChannelSocket that closes while paused would drop what it still holds.
    const demux = spec.tty ? null : new DockerStreamDemuxer(sink)
    socket.on('data', (chunk: Buffer) => {
      if (this.#closed) return
      if (demux) demux.push(chunk)
      else sink('stdout', chunk)
    })
    let ended = false
    const finish = (err?: Error): void => {
      if (ended || this.#closed) return
      ended = true
      socket.destroy()
      if (err) this.#settle(new Error(`exec in ${spec.what}: the stream broke: ${err.message}`, { cause: err }))
      else void this.#collectExitCode()
    }
    socket.once('end', () => finish())
    // An SSH channel may close before its end is read out; the exit code tells whether the process is done.
    socket.once('close', () => finish())
    socket.once('error', (err: Error) => finish(err))
  }

  write(data: Uint8Array): void {
    if (this.#inputEnded || this.#closed || data.length === 0) return
    this.#socket.write(data)
  }

  endInput(): void {
    if (this.#inputEnded || this.#closed) return
    this.#inputEnded = true
    this.#socket.end()
  }

  resize(size: TerminalSize): void {
    if (!this.tty || this.#closed) return
    this.#pendingSize = size
    if (!this.#resizing) void this.#applyResizes()
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#socket.destroy()
    this.#settle({ kind: 'closed' })
  }

  async #applyResizes(): Promise<void> {
    this.#resizing = true
    try {
      for (let size = this.#pendingSize; size && !this.#closed; size = this.#pendingSize) {
        this.#pendingSize = null
        try {
          await dockerCall(`resize exec in ${this.#spec.what}`, this.#timings.callTimeoutMs, (abortSignal) =>
            this.#exec.resize({ h: size?.height ?? 0, w: size?.width ?? 0, abortSignal }),
          )
        } catch (err) {
          this.#log.debug('exec resize failed', { exec: this.#spec.what, err })
        }
      }
    } finally {
      this.#resizing = false
    }
  }

  /** Docker may still say "running" for a moment after the stream ended (as dockershim saw): ask again, briefly. */
  async #collectExitCode(): Promise<void> {
    const deadline = Date.now() + (this.#timings.exitWaitMs ?? 5000)
    let delay = 10
    try {
      for (;;) {
        const info = await dockerCall(`inspect exec in ${this.#spec.what}`, this.#timings.callTimeoutMs, (abortSignal) =>
          this.#exec.inspect({ abortSignal }),
        )
        if (!info.Running && info.ExitCode !== null) {
          this.#settle({ kind: 'exited', exitCode: info.ExitCode })
          return
        }
        if (this.#closed) return
        if (Date.now() >= deadline) {
          this.#settle(new Error(`exec in ${this.#spec.what}: the connection to the command ended while it is still running`))
          return
        }
        await sleep(delay)
        delay = Math.min(delay * 2, 250)
      }
    } catch (err) {
      this.#settle(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
