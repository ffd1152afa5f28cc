// An http.Agent whose connections are SSH stream-local channels to the node's Docker socket, all on
// the node's one SSH connection: Docker API calls cost what they cost on the node itself (no process
// per request, no new SSH handshake).

import { Agent, type AgentOptions, type ClientRequestArgs } from 'node:http'
import type { Duplex } from 'node:stream'
import { inspect } from 'node:util'
import type { ChannelSocket } from './channel-socket.ts'

/** What the agent needs from a NodeConnection. */
export interface StreamLocalOpener {
  readonly name: string
  openStreamLocal(path: string, timeoutMs: number): Promise<ChannelSocket>
}

export interface DockerSshAgentOptions extends Pick<AgentOptions, 'keepAlive' | 'maxSockets' | 'maxFreeSockets' | 'timeout'> {
  /** The Docker socket on the node. */
  socketPath?: string
  /** Limit for opening one channel (a dead link must fail the request, not hang it). */
  openTimeoutMs?: number
}

export const defaultDockerSocket = '/var/run/docker.sock'

export class DockerSshAgent extends Agent {
  readonly socketPath: string
  readonly #node: StreamLocalOpener
  readonly #openTimeoutMs: number

  constructor(node: StreamLocalOpener, options: DockerSshAgentOptions = {}) {
    const { socketPath = defaultDockerSocket, openTimeoutMs = 5000, ...agentOptions } = options
    // Idle channels are kept for reuse (saves a channel-open round trip per call) but not forever.
    super({ keepAlive: true, timeout: 30_000, ...agentOptions })
    this.#node = node
    this.socketPath = socketPath
    this.#openTimeoutMs = openTimeoutMs
  }

  override createConnection(_options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    this.#node.openStreamLocal(this.socketPath, this.#openTimeoutMs).then(
      (socket) => callback?.(null, socket),
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    )
    return undefined
  }

  /**
   * docker-modem runs util.inspect(options, { showHidden: true, depth: null }) on every request,
   * even with debugging off; without this it would walk into the SSH client (~50 ms CPU a call).
   */
  [inspect.custom](): string {
    return `DockerSshAgent(${this.#node.name}:${this.socketPath})`
  }
}
