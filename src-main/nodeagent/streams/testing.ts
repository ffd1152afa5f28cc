// Test doubles for container streams: a Docker engine holding a few containers (list, inspect,
// logs, exec) and an exec whose process the test plays — what it prints, when it exits, what it
// read — over a real in-memory duplex, as the hijacked connection would be.

import { PassThrough, duplexPair, type Duplex } from 'node:stream'
import type Docker from 'dockerode'

/** One frame of Docker's multiplexed stream (1 stdout, 2 stderr). */
export function muxFrame(type: number, text: string): Buffer {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = type
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

export interface FakeContainer {
  id: string
  labels: Record<string, string>
  created?: number
  state?: string
  /** Absent: never started. */
  startedAt?: string
  restartCount?: number
  tty?: boolean
  /** What GET /containers/{id}/logs answers with (multiplexed unless tty). */
  log?: Buffer
  /** A log that goes on (follow): the test writes to it; destroyed when the reader lets go. */
  liveLog?: PassThrough
}

/** The process behind a fake exec: the test writes its output to `process`, reads its stdin from it, and decides its exit code. */
export class FakeExec {
  readonly id: string
  readonly options: Docker.ExecCreateOptions
  /** The process's end of the hijacked connection. */
  process: Duplex | null = null
  startOptions: Docker.ExecStartOptions | null = null
  readonly resizes: { h: number; w: number }[] = []
  /** Answers to inspect, in turn; the last one repeats. */
  inspectAnswers: { Running: boolean; ExitCode: number | null }[] = [{ Running: false, ExitCode: 0 }]
  inspections = 0

  constructor(id: string, options: Docker.ExecCreateOptions) {
    this.id = id
    this.options = options
  }

  /** The process's end of the connection; throws before the exec started. */
  get io(): Duplex {
    if (!this.process) throw new Error(`exec ${this.id} has not started`)
    return this.process
  }

  start(options: Docker.ExecStartOptions): Promise<Duplex> {
    this.startOptions = options
    const [ours, theirs] = duplexPair()
    this.process = theirs
    return Promise.resolve(ours)
  }

  resize(options: { h: number; w: number }): Promise<void> {
    this.resizes.push({ h: options.h, w: options.w })
    return Promise.resolve()
  }

  inspect(): Promise<{ Running: boolean; ExitCode: number | null }> {
    const answer = this.inspectAnswers[Math.min(this.inspections, this.inspectAnswers.length - 1)] ?? { Running: false, ExitCode: 0 }
    this.inspections++
    return Promise.resolve(answer)
  }
}

interface LogDial {
  path: string
  options: Record<string, unknown>
}

/** A Docker engine with `containers`; calls are recorded; `fail` makes every call reject with it. */
export class FakeDocker {
  readonly containers: FakeContainer[]
  readonly execs: FakeExec[] = []
  readonly logDials: LogDial[] = []
  fail: Error | null = null
  /** Calls never answer (a node gone silent). */
  hang = false
  /** Only log requests never answer. */
  hangLogs = false

  constructor(containers: FakeContainer[] = []) {
    this.containers = containers
  }

  readonly modem = {
    dial: (options: LogDial, callback: (err: Error | null, result: unknown) => void): void => {
      this.logDials.push({ path: options.path, options: { ...options.options } })
      if (this.hang || this.hangLogs) return
      if (this.fail) {
        callback(this.fail, null)
        return
      }
      const id = decodeURIComponent(/^\/containers\/([^/]+)\/logs/.exec(options.path)?.[1] ?? '')
      const container = this.containers.find((c) => c.id === id)
      if (!container) {
        callback(Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404 }), null)
        return
      }
      if (container.liveLog) {
        callback(null, container.liveLog)
        return
      }
      const response = new PassThrough()
      response.end(container.log ?? Buffer.alloc(0))
      callback(null, response)
    },
  }

  private answer<T>(value: () => T): Promise<T> {
    if (this.hang) return new Promise(() => {})
    if (this.fail) return Promise.reject(this.fail)
    return Promise.resolve().then(value)
  }

  listContainers(options: { all?: boolean; filters?: { label?: string[] } }): Promise<Docker.ContainerInfo[]> {
    return this.answer(() => {
      const wanted = (options.filters?.label ?? []).map((l) => l.split('=') as [string, string])
      return this.containers
        .filter((c) => wanted.every(([k, v]) => c.labels[k] === v))
        .map((c) => ({ Id: c.id, Labels: c.labels, Created: c.created ?? 0, State: c.state ?? 'running' }) as unknown as Docker.ContainerInfo)
    })
  }

  getContainer(id: string): { inspect: () => Promise<unknown>; exec: (options: Docker.ExecCreateOptions) => Promise<FakeExec> } {
    return {
      inspect: () =>
        this.answer(() => {
          const c = this.containers.find((x) => x.id === id)
          if (!c) throw Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404 })
          return {
            Id: c.id,
            Created: new Date((c.created ?? 0) * 1000).toISOString(),
            Config: { Tty: c.tty === true, Labels: c.labels },
            State: { Status: c.state ?? 'running', StartedAt: c.startedAt ?? '0001-01-01T00:00:00Z' },
            RestartCount: c.restartCount ?? 0,
          }
        }),
      exec: (options) =>
        this.answer(() => {
          const exec = new FakeExec(`exec-${this.execs.length + 1}`, options)
          this.execs.push(exec)
          return exec
        }),
    }
  }

  /** The `index`th exec created; throws when there is none. */
  exec(index: number): FakeExec {
    const exec = this.execs[index]
    if (!exec) throw new Error(`no exec #${index} (have ${this.execs.length})`)
    return exec
  }

  /** As dockerode, for code that takes one. */
  asDocker(): Docker {
    return this as unknown as Docker
  }
}
