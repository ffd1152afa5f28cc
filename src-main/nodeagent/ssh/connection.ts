// One SSH connection per node, kept up for as long as the node is part of the cluster: it
// connects, verifies the host key, reconnects with backoff when the link drops, and reports its
// state. Docker API traffic, exec commands and probes all ride on it as channels.

import { readFile } from 'node:fs/promises'
import { Socket } from 'node:net'
import { inspect } from 'node:util'
import ssh2 from 'ssh2'
import type { Client, ClientChannel, ConnectConfig } from 'ssh2'
import { log as rootLog, type Logger } from '../../util/log.ts'
import { DeadlineExceededError } from '../../util/deadline.ts'
import { Backoff, type BackoffOptions } from './backoff.ts'
import { ChannelSocket } from './channel-socket.ts'
import { execArgv, type ExecOptions, type ExecResult } from './exec.ts'
import { HostKeyError, verifyHostKey, type HostKeyTrust } from './host-key-policy.ts'
import { openChannel } from './open-channel.ts'
import { hostPortKey, type PinnedHostKeys } from './pinned-host-keys.ts'

const { Client: SshClient, utils: sshUtils } = ssh2

/**
 * - `connecting`: first attempt (or a retry a person asked for) under way, no failure yet.
 * - `connected`: authenticated, liveness session open; calls go through.
 * - `unreachable`: the link failed or dropped; retrying with backoff.
 * - `refused`: host key or authentication rejected; needs a person, no retries until `reconnect()`.
 * - `closed`: `close()` was called; final.
 */
export type ConnectionState = 'connecting' | 'connected' | 'unreachable' | 'refused' | 'closed'

export interface ConnectionStatus {
  state: ConnectionState
  /** Why the connection is in this state, for people: "connect ECONNREFUSED 10.77.0.12:22". */
  reason?: string
  /** The error behind `reason`, e.g. a HostKeyChangedError. */
  error?: Error
  /** When the connection entered `state` (ms since the epoch). */
  since: number
}

export type SshAuth =
  | { kind: 'privateKey'; privateKey: Buffer | string; passphrase?: string }
  | { kind: 'privateKeyFile'; path: string; passphrase?: string }
  /** An ssh-agent; `socket` defaults to $SSH_AUTH_SOCK. */
  | { kind: 'agent'; socket?: string }

export interface NodeConnectionOptions {
  /** The node's name, for logs and errors. */
  name: string
  host: string
  port?: number
  username: string
  auth: SshAuth
  hostKeys: { store: PinnedHostKeys } & HostKeyTrust
  /** Keepalive probe period; a silent link is declared dead after interval × (countMax + 1). */
  keepaliveIntervalMs?: number
  keepaliveCountMax?: number
  /** Limit for TCP connect + handshake + auth + opening the liveness session. */
  readyTimeoutMs?: number
  backoff?: Partial<BackoffOptions>
  logger?: Logger
}

/** The connection is not up; the message says what state it is in and why. */
export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError'
  readonly status: ConnectionStatus
  constructor(node: string, status: ConnectionStatus) {
    super(`node ${node} is not connected (${status.state}${status.reason ? `: ${status.reason}` : ''})`)
    this.status = status
  }
}

/** Authentication failed: the node does not accept our key. */
export class SshAuthError extends Error {
  override readonly name = 'SshAuthError'
}

type StateListener = (status: ConnectionStatus, previous: ConnectionStatus) => void

/** Everything about one connection attempt; events from superseded attempts are ignored by `generation`. */
interface Attempt {
  generation: number
  client: Client
  /** Our own TCP socket under the client, so tearing an attempt down always works (ssh2's destroy() is a no-op once its socket is no longer writable). */
  socket: Socket
  hostKeyError?: HostKeyError
  /** First error ssh2 reported, or why we dropped the connection ourselves. */
  error?: Error
  connectCalled: boolean
  everReady: boolean
}

export class NodeConnection {
  readonly name: string
  readonly host: string
  readonly port: number
  readonly #options: NodeConnectionOptions
  readonly #log: Logger
  readonly #backoff: Backoff
  readonly #listeners = new Set<StateListener>()
  #status: ConnectionStatus = { state: 'connecting', since: Date.now() }
  #generation = 0
  #attempt: Attempt | undefined
  /** Set while connected: the client calls may use. */
  #ready: Client | undefined
  #retryTimer: NodeJS.Timeout | undefined
  #started = false

  constructor(options: NodeConnectionOptions) {
    this.name = options.name
    this.host = options.host
    this.port = options.port ?? 22
    this.#options = options
    this.#log = (options.logger ?? rootLog).child({ component: 'ssh', node: options.name })
    this.#backoff = new Backoff(options.backoff)
  }

  get status(): ConnectionStatus {
    return this.#status
  }

  get state(): ConnectionState {
    return this.#status.state
  }

  /** `host:port`, the key of this endpoint in the pinned host keys. */
  get endpoint(): string {
    return hostPortKey(this.host, this.port)
  }

  /** Subscribes to state changes (and reason changes within a state); returns the disposer. */
  on(event: 'state', listener: StateListener): () => void {
    if (event !== 'state') throw new Error(`unknown event ${String(event)}`)
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Resolves with the status once `predicate` holds (checked now and on every change). */
  waitFor(predicate: (status: ConnectionStatus) => boolean, timeoutMs: number, what = 'the awaited state'): Promise<ConnectionStatus> {
    if (predicate(this.#status)) return Promise.resolve(this.#status)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        dispose()
        reject(new DeadlineExceededError(`wait for ${what} on ${this.name} (now ${describeStatus(this.#status)})`, timeoutMs))
      }, timeoutMs)
      const dispose = this.on('state', (status) => {
        if (!predicate(status)) return
        clearTimeout(timer)
        dispose()
        resolve(status)
      })
    })
  }

  /** Starts connecting; afterwards the connection keeps itself up until `close()`. */
  start(): void {
    if (this.#started) return
    this.#started = true
    this.#log.info('connecting', { endpoint: this.endpoint })
    void this.#connect()
  }

  /**
   * Tries again now, with the backoff reset: after a person fixed what `refused` reported (re-pinned
   * a key, installed our public key), or to cut an `unreachable` wait short. No-op while connected.
   */
  reconnect(): void {
    if (this.#status.state === 'closed') throw new Error(`node ${this.name}: connection is closed`)
    if (this.#status.state === 'connected') return
    this.#started = true
    this.#abandonAttempt()
    this.#backoff.reset()
    this.#setStatus('connecting')
    void this.#connect()
  }

  /** Runs `argv` on the node (quoted for its shell) within `options.timeoutMs`. */
  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return execArgv(this.#requireReady(), this.name, argv, options)
  }

  /** Opens a stream to the unix socket `path` on the node, failing if that takes over `timeoutMs`. */
  openStreamLocal(path: string, timeoutMs: number): Promise<ChannelSocket> {
    const client = this.#requireReady()
    const label = `${this.name}:${path}`
    return openChannel(
      `open ${label}`,
      timeoutMs,
      (cb) => client.openssh_forwardOutStreamLocal(path, cb),
      (channel) => new ChannelSocket(channel, label),
    )
  }

  /**
   * Opens a TCP stream from the node to `host:port` (a direct-tcpip channel: the node's sshd makes
   * the connection), failing if that takes over `timeoutMs`. Probes reach pod IPs this way, with
   * nothing installed on the node. A refused or unreachable target fails the open with sshd's reason.
   */
  forwardOut(host: string, port: number, timeoutMs: number): Promise<ChannelSocket> {
    const client = this.#requireReady()
    const label = `${this.name}->${host}:${port}`
    return openChannel(
      `open ${label}`,
      timeoutMs,
      (cb) => client.forwardOut('127.0.0.1', 0, host, port, cb),
      (channel) => new ChannelSocket(channel, label),
    )
  }

  /** Ends the connection for good; resolves once the socket is closed (or after `timeoutMs`). */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.#status.state === 'closed') return
    const attempt = this.#attempt
    this.#generation++
    clearTimeout(this.#retryTimer)
    this.#ready = undefined
    this.#attempt = undefined
    this.#setStatus('closed')
    if (!attempt?.connectCalled) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        attempt.socket.destroy()
        resolve()
      }, timeoutMs)
      attempt.client.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      attempt.client.end()
    })
  }

  [inspect.custom](): string {
    return `NodeConnection(${this.name} ${this.endpoint} ${this.#status.state})`
  }

  #requireReady(): Client {
    if (!this.#ready) throw new NotConnectedError(this.name, this.#status)
    return this.#ready
  }

  /** Stops listening to the current attempt (its late events are ignored) and tears it down. */
  #abandonAttempt(): void {
    this.#generation++
    clearTimeout(this.#retryTimer)
    this.#retryTimer = undefined
    this.#ready = undefined
    const attempt = this.#attempt
    this.#attempt = undefined
    attempt?.socket.destroy()
  }

  async #connect(): Promise<void> {
    const generation = ++this.#generation
    const client = new SshClient()
    const attempt: Attempt = { generation, client, socket: new Socket(), connectCalled: false, everReady: false }
    this.#attempt = attempt
    client.on('error', (err: Error) => {
      attempt.error ??= err
    })
    client.on('ready', () => void this.#onReady(attempt))
    client.on('close', () => this.#onClose(attempt))

    let config: ConnectConfig
    try {
      config = await this.#connectConfig(attempt)
    } catch (error) {
      if (generation !== this.#generation) return
      this.#refuse(error as Error)
      return
    }
    if (generation !== this.#generation) return
    attempt.connectCalled = true
    // Our side of the Nagle problem: without it each auth round trip waits for a delayed ACK
    // (connect took ~250 ms instead of ~35 ms on the lab), and so do small Docker requests.
    attempt.socket.setNoDelay(true)
    attempt.socket.connect({ host: this.host, port: this.port })
    try {
      client.connect({ ...config, sock: attempt.socket })
    } catch (error) {
      this.#refuse(new SshAuthError(`ssh to ${this.#options.username}@${this.endpoint}: ${(error as Error).message}`, { cause: error }))
    }
  }

  /** Gives up on the current attempt for something only a person can fix; no retries. */
  #refuse(error: Error): void {
    this.#abandonAttempt()
    this.#setStatus('refused', error.message, error)
  }

  async #connectConfig(attempt: Attempt): Promise<ConnectConfig> {
    const options = this.#options
    const config: ConnectConfig = {
      username: options.username,
      keepaliveInterval: options.keepaliveIntervalMs ?? 1000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
      readyTimeout: options.readyTimeoutMs ?? 5000,
      hostVerifier: (key: Buffer): boolean => this.#verifyHostKey(attempt, key),
    }
    const auth = options.auth
    switch (auth.kind) {
      case 'privateKey':
        checkPrivateKey(auth.privateKey, auth.passphrase, 'the private key')
        return { ...config, privateKey: auth.privateKey, passphrase: auth.passphrase }
      case 'privateKeyFile': {
        let privateKey: Buffer
        try {
          privateKey = await readFile(auth.path)
        } catch (cause) {
          throw new SshAuthError(`read private key ${auth.path}: ${(cause as Error).message}`, { cause })
        }
        checkPrivateKey(privateKey, auth.passphrase, `private key ${auth.path}`)
        return { ...config, privateKey, passphrase: auth.passphrase }
      }
      case 'agent': {
        const socket = auth.socket ?? process.env.SSH_AUTH_SOCK
        if (!socket) throw new SshAuthError('ssh-agent authentication chosen but SSH_AUTH_SOCK is not set')
        return { ...config, agent: socket }
      }
    }
  }

  #verifyHostKey(attempt: Attempt, key: Buffer): boolean {
    const { store, ...trust } = this.#options.hostKeys
    const verdict = verifyHostKey(store, this.endpoint, key, trust)
    if (!verdict.accepted) {
      attempt.hostKeyError = verdict.error
      return false
    }
    if (verdict.newlyPinned) this.#log.info('host key pinned', { endpoint: this.endpoint, fingerprint: verdict.fingerprint, keyType: verdict.keyType })
    if (verdict.pinError) this.#log.warn('host key accepted but could not be saved', { endpoint: this.endpoint, error: verdict.pinError })
    return true
  }

  /**
   * Authenticated: open the idle `cat` session before declaring the connection up. sshd turns Nagle
   * off only once a session channel exists (else forwarded Docker traffic stalls ~40 ms), and the
   * session doubles as a liveness signal: if it closes, the connection is suspect.
   */
  async #onReady(attempt: Attempt): Promise<void> {
    const readyTimeoutMs = this.#options.readyTimeoutMs ?? 5000
    let livenessClosed = false
    const watchLiveness = (liveness: ClientChannel): ClientChannel => {
      liveness.on('data', () => {}).stderr.resume()
      liveness.on('close', () => {
        livenessClosed = true
        if (this.#ready !== attempt.client) return
        this.#log.warn('liveness session closed; dropping the connection')
        attempt.error ??= new Error('the liveness session closed')
        attempt.socket.destroy()
      })
      return liveness
    }
    let liveness: ClientChannel
    try {
      liveness = await openChannel(`open liveness session on ${this.name}`, readyTimeoutMs, (cb) => attempt.client.exec('cat', cb), watchLiveness)
    } catch (error) {
      attempt.error ??= error as Error
      attempt.socket.destroy()
      return
    }
    if (attempt.generation !== this.#generation) {
      liveness.close()
      return
    }
    if (livenessClosed) {
      attempt.error ??= new Error('the liveness session closed as soon as it opened')
      attempt.socket.destroy()
      return
    }
    attempt.everReady = true
    this.#ready = attempt.client
    this.#backoff.reset()
    this.#setStatus('connected')
  }

  #onClose(attempt: Attempt): void {
    if (attempt.generation !== this.#generation) return
    this.#ready = undefined
    this.#attempt = undefined
    const { state, reason, error } = this.#classify(attempt)
    this.#setStatus(state, reason, error)
    if (state !== 'unreachable') return
    const delayMs = this.#backoff.next()
    this.#log.debug('retrying', { inMs: delayMs, attempt: this.#backoff.attempt })
    this.#retryTimer = setTimeout(() => void this.#connect(), delayMs)
  }

  #classify(attempt: Attempt): { state: 'unreachable' | 'refused'; reason: string; error: Error } {
    if (attempt.hostKeyError) return { state: 'refused', reason: attempt.hostKeyError.message, error: attempt.hostKeyError }
    const error = attempt.error
    const level = (error as { level?: string } | undefined)?.level
    if (level === 'client-authentication') {
      const message = `authentication as ${this.#options.username} on ${this.endpoint} failed (${error?.message}): install the cluster's public key in ~${this.#options.username}/.ssh/authorized_keys on the node`
      return { state: 'refused', reason: message, error: new SshAuthError(message, { cause: error }) }
    }
    if (!error) {
      const reason = attempt.everReady ? 'the node closed the connection' : 'the node closed the connection before it was ready'
      return { state: 'unreachable', reason, error: new Error(reason) }
    }
    if (error.message === 'Keepalive timeout') {
      const count = this.#options.keepaliveCountMax ?? 3
      const intervalMs = this.#options.keepaliveIntervalMs ?? 1000
      return { state: 'unreachable', reason: `no answer to ${count} SSH keepalives sent ${intervalMs} ms apart`, error }
    }
    return { state: 'unreachable', reason: error.message, error }
  }

  #setStatus(state: ConnectionState, reason?: string, error?: Error): void {
    const previous = this.#status
    if (previous.state === state && previous.reason === reason) return
    const status: ConnectionStatus = { state, since: previous.state === state ? previous.since : Date.now() }
    if (reason !== undefined) status.reason = reason
    if (error !== undefined) status.error = error
    this.#status = status
    const fields = { state, from: previous.state, ...(reason ? { reason } : {}) }
    if (state === 'unreachable' || state === 'refused') this.#log.warn('connection state', fields)
    else this.#log.info('connection state', fields)
    for (const listener of [...this.#listeners]) {
      try {
        listener(status, previous)
      } catch (listenerError) {
        this.#log.error('state listener failed', { error: listenerError })
      }
    }
  }
}

export function describeStatus(status: ConnectionStatus): string {
  return status.reason ? `${status.state}: ${status.reason}` : status.state
}

/** Fails early, with a message for a person, on a private key ssh2 cannot use. */
function checkPrivateKey(key: Buffer | string, passphrase: string | undefined, what: string): void {
  const parsed = sshUtils.parseKey(key, passphrase)
  if (parsed instanceof Error) throw new SshAuthError(`${what} cannot be used: ${parsed.message}`, { cause: parsed })
}
