// A Dockerode for one node, speaking to the node's Docker socket over the node's SSH connection,
// and the deadline every Docker call must carry.

import Docker from 'dockerode'
import { withDeadline } from '../../util/deadline.ts'
import { DockerSshAgent, defaultDockerSocket, type DockerSshAgentOptions, type StreamLocalOpener } from '../ssh/docker-agent.ts'

export interface NodeDocker {
  docker: Docker
  agent: DockerSshAgent
}

/** Dockerode over `node`'s SSH connection. Destroy `agent` when done to drop idle channels. */
export function dockerOverSsh(node: StreamLocalOpener, options: DockerSshAgentOptions = {}): NodeDocker {
  const agent = new DockerSshAgent(node, options)
  // socketPath is set so docker-modem does not look for a local Docker socket; the agent decides
  // where connections really go. Nothing else reachable from these options may hold the SSH client.
  // (@types/dockerode lacks `agent`, which docker-modem supports.)
  const dockerOptions: Docker.DockerOptions & { agent: DockerSshAgent } = { socketPath: options.socketPath ?? defaultDockerSocket, agent }
  const docker = new Docker(dockerOptions)
  return { docker, agent }
}

/**
 * Runs one Docker call with a deadline: `fn` gets the AbortSignal to hand to dockerode
 * (`docker.ping({ abortSignal })`), which tears the request and its channel down when time is up.
 * `what` names the call for the error: "ping docker on node-2".
 */
export function dockerCall<T>(what: string, timeoutMs: number, fn: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  return withDeadline(what, timeoutMs, fn)
}

/** `GET /_ping` with an abort signal (dockerode takes one; @types/dockerode 4.0.2 does not say so). */
export async function dockerPing(docker: Docker, abortSignal?: AbortSignal): Promise<string> {
  const ping = docker.ping.bind(docker) as unknown as (options: { abortSignal?: AbortSignal }) => Promise<Buffer | string>
  return String(await ping({ abortSignal }))
}
