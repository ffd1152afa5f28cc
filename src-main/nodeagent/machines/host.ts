// A machine as the controller and the node agent see it: a connection with a state, commands, and a
// Docker engine. Two kinds: over SSH (one NodeConnection, Docker through stream-local channels) and
// this machine (its own Docker socket and shell, no SSH). Tests substitute fakes.

import { execFile } from 'node:child_process'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import type { Duplex } from 'node:stream'
import Docker from 'dockerode'
import { withDeadline } from '../../util/deadline.ts'
import type { Logger } from '../../util/log.ts'
import { Backoff } from '../ssh/backoff.ts'
import { dockerOverSsh, dockerPing, type NodeDocker } from '../docker/client.ts'
import { NodeConnection, type ConnectionState, type ConnectionStatus, type NodeConnectionOptions } from '../ssh/connection.ts'
import type { ExecOptions, ExecResult } from '../ssh/exec.ts'
import { HostKeyError } from '../ssh/host-key-policy.ts'
import type { PinnedHostKeys } from '../ssh/pinned-host-keys.ts'
import type { DockerImageSummary, DockerInfo, NodeDockerApi } from '../node/docker.ts'
import type { ProbeHost } from '../node/observe.ts'

export type StateListener = (status: ConnectionStatus, previous: ConnectionStatus) => void

export interface MachineHost extends ProbeHost {
  readonly status: ConnectionStatus
  /** Subscribes to state changes (and reason changes within a state); returns the disposer. */
  on(event: 'state', listener: StateListener): () => void
  start(): void
  /** Tries again now (after a person fixed what `refused` reported). */
  reconnect(): void
  /** The fingerprint of the host key the machine presented (refused or accepted); undefined for local. */
  readonly hostKeyFingerprint: string | undefined
  /** Dockerode on the machine, for pod sync. */
  readonly dockerode: Docker
  /** A TCP connection from the machine to `host:port` (probes to pod IPs), failing after `timeoutMs`. */
  dial(host: string, port: number, timeoutMs: number): Promise<Duplex>
  close(): Promise<void>
}

function dockerApi(docker: Docker): NodeDockerApi {
  // dockerode takes abortSignal on both calls; @types/dockerode 4.0.2 does not say so.
  const info = docker.info.bind(docker) as unknown as (o: { abortSignal?: AbortSignal }) => Promise<DockerInfo>
  const listImages = docker.listImages.bind(docker) as unknown as (o: { abortSignal?: AbortSignal }) => Promise<DockerImageSummary[]>
  return { info: (o) => info(o), listImages: (o) => listImages(o) }
}

// --- Over SSH --------------------------------------------------------------------------------------

export interface SshMachineHostOptions {
  connection: NodeConnectionOptions
  dockerSocket: string
  pins: PinnedHostKeys
}

export class SshMachineHost implements MachineHost {
  readonly name: string
  readonly connection: NodeConnection
  readonly docker: NodeDockerApi
  readonly addressHint: string
  readonly #nodeDocker: NodeDocker
  readonly #pins: PinnedHostKeys

  constructor(options: SshMachineHostOptions) {
    this.name = options.connection.name
    this.connection = new NodeConnection(options.connection)
    this.#nodeDocker = dockerOverSsh(this.connection, { socketPath: options.dockerSocket })
    this.docker = dockerApi(this.#nodeDocker.docker)
    this.addressHint = options.connection.host
    this.#pins = options.pins
  }

  get status(): ConnectionStatus {
    return this.connection.status
  }

  get dockerode(): Docker {
    return this.#nodeDocker.docker
  }

  get hostKeyFingerprint(): string | undefined {
    const error = this.connection.status.error
    if (error instanceof HostKeyError) return error.presented
    return this.#pins.get(this.connection.endpoint)?.fingerprint
  }

  on(event: 'state', listener: StateListener): () => void {
    return this.connection.on(event, listener)
  }

  start(): void {
    this.connection.start()
  }

  reconnect(): void {
    this.connection.reconnect()
  }

  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return this.connection.exec(argv, options)
  }

  dial(host: string, port: number, timeoutMs: number): Promise<Duplex> {
    return this.connection.forwardOut(host, port, timeoutMs)
  }

  async close(): Promise<void> {
    this.#nodeDocker.agent.destroy()
    await this.connection.close()
  }
}

// --- This machine ------------------------------------------------------------------------------------

export interface LocalMachineHostOptions {
  name: string
  dockerSocket: string
  log: Logger
  /** How often the engine is pinged to tell whether it is up. Default 2 s. */
  pingIntervalMs?: number
  /** Deadline of a ping. Default 2 s. */
  pingTimeoutMs?: number
}

/** The first non-internal IPv4 address of this machine: what other nodes would reach it on. */
export function localAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return undefined
}

/**
 * This machine's Docker engine over its unix socket and commands run here. "Connected" means the
 * engine answers its ping; a socket that is missing or silent is "unreachable" and retried.
 */
export class LocalMachineHost implements MachineHost {
  readonly name: string
  readonly docker: NodeDockerApi
  readonly dockerode: Docker
  readonly addressHint: string | undefined
  readonly hostKeyFingerprint = undefined
  readonly #options: LocalMachineHostOptions
  readonly #listeners = new Set<StateListener>()
  readonly #backoff = new Backoff()
  #status: ConnectionStatus = { state: 'connecting', since: Date.now() }
  #timer: NodeJS.Timeout | undefined
  #started = false

  constructor(options: LocalMachineHostOptions) {
    this.name = options.name
    this.#options = options
    this.dockerode = new Docker({ socketPath: options.dockerSocket })
    this.docker = dockerApi(this.dockerode)
    this.addressHint = localAddress()
  }

  get status(): ConnectionStatus {
    return this.#status
  }

  on(_event: 'state', listener: StateListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  start(): void {
    if (this.#started) return
    this.#started = true
    void this.#ping()
  }

  reconnect(): void {
    if (this.#status.state === 'closed') return
    clearTimeout(this.#timer)
    this.#backoff.reset()
    void this.#ping()
  }

  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const [file, ...args] = argv
    if (!file) return Promise.reject(new Error('exec: empty argv'))
    return new Promise((resolve, reject) => {
      const child = execFile(file, args, { timeout: options.timeoutMs, maxBuffer: options.maxOutputBytes ?? 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        const failure = err as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals | null; killed?: boolean }) | null
        if (failure && typeof failure.code !== 'number' && !failure.signal) {
          reject(new Error(`exec ${file} on ${this.name}: ${failure.message}`, { cause: failure }))
          return
        }
        if (failure?.killed) {
          reject(new Error(`exec ${file} on ${this.name}: no answer within ${options.timeoutMs} ms`, { cause: failure }))
          return
        }
        resolve({ code: typeof failure?.code === 'number' ? failure.code : failure ? null : 0, signal: failure?.signal ?? null, stdout, stderr })
      })
      child.stdin?.end(options.stdin)
    })
  }

  dial(host: string, port: number, timeoutMs: number): Promise<Duplex> {
    return withDeadline(`connect to ${host}:${port} from ${this.name}`, timeoutMs, (signal) => {
      return new Promise<Duplex>((resolve, reject) => {
        const socket = connect({ host, port })
        const fail = (err: Error): void => {
          socket.destroy()
          reject(err)
        }
        signal.addEventListener('abort', () => fail(signal.reason as Error), { once: true })
        socket.once('error', fail)
        socket.once('connect', () => {
          socket.off('error', fail)
          resolve(socket)
        })
      })
    })
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer)
    this.#setStatus('closed')
  }

  async #ping(): Promise<void> {
    const timeoutMs = this.#options.pingTimeoutMs ?? 2000
    try {
      await withDeadline(`ping docker at ${this.#options.dockerSocket}`, timeoutMs, (signal) => dockerPing(this.dockerode, signal))
      if (this.#status.state === 'closed') return
      this.#backoff.reset()
      this.#setStatus('connected')
      this.#timer = setTimeout(() => void this.#ping(), this.#options.pingIntervalMs ?? 2000)
    } catch (err) {
      if (this.#status.state === 'closed') return
      this.#setStatus('unreachable', `the Docker engine at ${this.#options.dockerSocket} does not answer: ${(err as Error).message}`, err as Error)
      this.#timer = setTimeout(() => void this.#ping(), this.#backoff.next())
    }
  }

  #setStatus(state: ConnectionState, reason?: string, error?: Error): void {
    const previous = this.#status
    if (previous.state === state && previous.reason === reason) return
    const status: ConnectionStatus = { state, since: previous.state === state ? previous.since : Date.now() }
    if (reason !== undefined) status.reason = reason
    if (error !== undefined) status.error = error
    this.#status = status
    this.#options.log.info('local docker engine', { state, ...(reason ? { reason } : {}) })
    for (const listener of [...this.#listeners]) listener(status, previous)
  }
}
