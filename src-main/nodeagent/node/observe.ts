// One probe of a node: `docker info` first (it names the Docker root), then the system probe over
// SSH and the image list side by side. Every call has its deadline; a failure says which part
// failed, because a Docker engine that is down makes the node NotReady while a failed shell
// command only means this probe taught us nothing.

import { isIP } from 'node:net'
import { withDeadline } from '../../util/deadline.ts'
import type { ExecOptions, ExecResult } from '../ssh/exec.ts'
import type { NodeDockerApi } from './docker.ts'
import type { NodeObservation } from './node-status.ts'
import { nodeProbeCommand, parseCount, parseDf, parseDfInodes, parseLoadavg, parseMeminfo, parseSshConnection, splitProbeOutput } from './probe.ts'

/** What the agent needs from a node's transport. */
export interface ProbeHost {
  readonly name: string
  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult>
  readonly docker: NodeDockerApi
  /** The IP to report as InternalIP when the SSH connection does not tell (local machines). */
  readonly addressHint?: string
}

export type ProbeStage = 'docker' | 'system'

export class ProbeError extends Error {
  override readonly name = 'ProbeError'
  readonly stage: ProbeStage
  constructor(stage: ProbeStage, message: string, options?: ErrorOptions) {
    super(message, options)
    this.stage = stage
  }
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err))

export async function observeNode(host: ProbeHost, timeoutMs: number): Promise<NodeObservation> {
  const docker = await withDeadline(`docker info on ${host.name}`, timeoutMs, (abortSignal) => host.docker.info({ abortSignal })).catch((err: unknown) => {
    throw new ProbeError('docker', errorMessage(err), { cause: err })
  })
  const [probe, images] = await Promise.all([
    host.exec(nodeProbeCommand(docker.DockerRootDir), { timeoutMs }).catch((err: unknown) => {
      throw new ProbeError('system', `probe ${host.name}: ${errorMessage(err)}`, { cause: err })
    }),
    withDeadline(`list images on ${host.name}`, timeoutMs, (abortSignal) => host.docker.listImages({ abortSignal })).catch((err: unknown) => {
      throw new ProbeError('docker', errorMessage(err), { cause: err })
    }),
  ])
  if (probe.code !== 0) throw new ProbeError('system', `probe ${host.name} exited ${probe.code ?? probe.signal}: ${probe.stderr.trim()}`)
  try {
    return observationFrom(splitProbeOutput(probe.stdout), docker, images, host.addressHint)
  } catch (err) {
    throw new ProbeError('system', `probe ${host.name}: ${errorMessage(err)}`, { cause: err })
  }
}

function observationFrom(
  s: ReturnType<typeof splitProbeOutput>,
  docker: NodeObservation['docker'],
  images: NodeObservation['images'],
  addressHint: string | undefined,
): NodeObservation {
  const pidMax = parseCount(s.pid_max, 'pid_max')
  // Kubelet takes the smaller of pid_max and threads-max as the node's PID limit.
  const threadsMax = s.threads_max ? parseCount(s.threads_max, 'threads-max') : pidMax
  const hint = addressHint && isIP(addressHint) ? addressHint : undefined
  const observation: NodeObservation = {
    docker,
    images,
    memory: parseMeminfo(s.meminfo),
    disk: parseDf(s.df),
    pids: { max: Math.min(pidMax, threadsMax), tasks: parseLoadavg(s.loadavg).tasks },
    machineID: s.machine_id,
    bootID: s.boot_id,
    systemUUID: s.product_uuid.toLowerCase(),
    hostname: s.hostname,
  }
  if (s.df_inodes) observation.inodes = parseDfInodes(s.df_inodes)
  const internalIP = parseSshConnection(s.ssh_connection)?.serverIP ?? hint
  if (internalIP) observation.internalIP = internalIP
  return observation
}
