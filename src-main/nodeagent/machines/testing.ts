// A fake machine host for controller tests: a connection whose state the test drives, over a
// FakeMachine's shell and Docker engine.

import type { Duplex } from 'node:stream'
import type Docker from 'dockerode'
import type { ConnectionState, ConnectionStatus } from '../ssh/connection.ts'
import type { ExecOptions, ExecResult } from '../ssh/exec.ts'
import type { NodeDockerApi } from '../node/docker.ts'
import { FakeMachine } from '../node/testing.ts'
import type { MachineHost, StateListener } from './host.ts'

export class FakeHost implements MachineHost {
  readonly name: string
  readonly machine: FakeMachine
  readonly docker: NodeDockerApi
  /** A stand-in: tests only check which machine's client they were handed. */
  readonly dockerode: Docker
  addressHint: string | undefined
  hostKeyFingerprint: string | undefined
  /** The state start() and reconnect() go to. */
  onStart: { state: ConnectionState; reason?: string; error?: Error } = { state: 'connected' }
  started = 0
  closed = false
  #status: ConnectionStatus = { state: 'connecting', since: Date.now() }
  readonly #listeners = new Set<StateListener>()

  constructor(machine: FakeMachine, hostKeyFingerprint?: string) {
    this.name = machine.hostname
    this.machine = machine
    this.docker = machine
    this.dockerode = { fakeDockerOf: machine.hostname } as unknown as Docker
    this.hostKeyFingerprint = hostKeyFingerprint
  }

  get status(): ConnectionStatus {
    return this.#status
  }

  on(_event: 'state', listener: StateListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  start(): void {
    this.started++
    queueMicrotask(() => this.set(this.onStart.state, this.onStart.reason, this.onStart.error))
  }

  reconnect(): void {
    this.start()
  }

  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    if (this.#status.state !== 'connected') return Promise.reject(new Error(`node ${this.name} is not connected (${this.#status.state})`))
    return this.machine.exec(argv, options)
  }

  dial(host: string, port: number): Promise<Duplex> {
    return Promise.reject(new Error(`dial ${host}:${port} from ${this.name}: the fake machine has no network`))
  }

  async close(): Promise<void> {
    this.closed = true
    this.set('closed')
  }

  set(state: ConnectionState, reason?: string, error?: Error): void {
    if (this.closed && state !== 'closed') return
    const previous = this.#status
    this.#status = { state, since: Date.now(), ...(reason ? { reason } : {}), ...(error ? { error } : {}) }
    for (const listener of [...this.#listeners]) listener(this.#status, previous)
  }
}
