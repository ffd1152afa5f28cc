// Docker's view of a pod's container, reduced to what pod status needs: the normalised input of
// computePodStatus. parseDockerInspect reads `GET /containers/{id}/json` (dockerode's inspect()).

import type { Time } from '../../api/types/meta.ts'
import {
  ATTEMPT_LABEL,
  CONTAINER_NAME_LABEL,
  POD_IP_LABEL,
  POD_UID_LABEL,
  ROLE_LABEL,
  SPEC_HASH_LABEL,
  parseDockerContainerName,
  type ContainerRole,
} from './names.ts'

export type DockerContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead'

export interface ObservedContainer {
  /** Docker's full container ID. */
  id: string
  /** Docker's name, without the leading `/`. */
  dockerName: string
  podUID: string
  /** The Kubernetes container name (`POD` for the infra container). */
  name: string
  role: ContainerRole
  /** The restartCount the container started from (ATTEMPT_LABEL). */
  attempt: number
  specHash?: string
  state: DockerContainerState
  /** Of the last exit; Docker resets it to 0 when the container runs again. */
  exitCode: number
  oomKilled: boolean
  /** Docker's error for the last start attempt, e.g. an executable not found. */
  error?: string
  createdAt: Time
  startedAt?: Time
  /** Of the last exit; Docker keeps it while the container runs again after a restart. */
  finishedAt?: Time
  /** Restarts by Docker's restart policy since the container was created or last started by hand. */
  restartCount: number
  /** The image reference the container was created from. */
  image: string
  /** `sha256:…` of the image. */
  imageId: string
  /** The image's RepoDigests (image inspect), for `docker-pullable://` image IDs. */
  repoDigests?: string[]
  /** HostConfig.NetworkMode: the pod network's name, `host`, or `container:<id>`. */
  networkMode: string
  /** The pod IP, on the container holding the pod's network. */
  ip?: string
}

/** The parts of Docker's container inspect answer that are read (dockerode's ContainerInspectInfo fits). */
export interface DockerContainerInspect {
  Id: string
  Name: string
  Created: string
  RestartCount: number
  Image: string
  State: {
    Status: string
    Running?: boolean
    Paused?: boolean
    Restarting?: boolean
    OOMKilled: boolean
    Dead?: boolean
    ExitCode: number
    Error?: string
    StartedAt: string
    FinishedAt: string
  }
  Config: { Image: string; Labels?: Record<string, string> | null }
  HostConfig: { NetworkMode?: string }
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string; IPAMConfig?: { IPv4Address?: string } | null } | undefined> | null }
}

const STATES: readonly DockerContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']
const ROLES: readonly ContainerRole[] = ['infra', 'init', 'app']

/**
 * Docker's RFC 3339 time (nanoseconds, `Z`) as a Kubernetes Time (whole seconds, truncated);
 * undefined for Go's zero time, which Docker prints for "never".
 */
export function dockerTime(value: string | undefined): Time | undefined {
  if (!value || value.startsWith('0001-01-01')) return undefined
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?Z$/.exec(value)
  if (m) return `${m[1]}Z`
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) return undefined
  return formatTime(new Date(Math.floor(ms / 1000) * 1000))
}

/** A Date as a Kubernetes Time: RFC 3339 UTC, whole seconds. */
export function formatTime(date: Date): Time {
  return date.toISOString().replace(/\.\d+Z$/, 'Z')
}

/**
 * The normalised view of one container; null for a container Coxswain did not make for a pod
 * (no pod UID label or no parseable name). `image` is the image inspect answer, for RepoDigests.
 */
export function parseDockerInspect(inspect: DockerContainerInspect, image?: { RepoDigests?: string[] | null }): ObservedContainer | null {
  const labels = inspect.Config.Labels ?? {}
  const dockerName = inspect.Name.replace(/^\//, '')
  const parsedName = parseDockerContainerName(dockerName)
  const podUID = labels[POD_UID_LABEL] ?? parsedName?.uid
  const name = labels[CONTAINER_NAME_LABEL] ?? parsedName?.containerName
  if (!podUID || !name) return null
  const attemptLabel = labels[ATTEMPT_LABEL]
  const attempt = attemptLabel !== undefined && /^\d+$/.test(attemptLabel) ? Number(attemptLabel) : (parsedName?.attempt ?? 0)
  const roleLabel = labels[ROLE_LABEL] as ContainerRole | undefined
  const role: ContainerRole = roleLabel && ROLES.includes(roleLabel) ? roleLabel : name === 'POD' ? 'infra' : 'app'
  const status = inspect.State.Status as DockerContainerState
  const observed: ObservedContainer = {
    id: inspect.Id,
    dockerName,
    podUID,
    name,
    role,
    attempt,
    state: STATES.includes(status) ? status : 'dead',
    exitCode: inspect.State.ExitCode,
    oomKilled: inspect.State.OOMKilled,
    createdAt: dockerTime(inspect.Created) ?? '',
    restartCount: inspect.RestartCount,
    image: inspect.Config.Image,
    imageId: inspect.Image,
    networkMode: inspect.HostConfig.NetworkMode ?? '',
  }
  const specHash = labels[SPEC_HASH_LABEL]
  if (specHash) observed.specHash = specHash
  if (inspect.State.Error) observed.error = inspect.State.Error
  const startedAt = dockerTime(inspect.State.StartedAt)
  if (startedAt) observed.startedAt = startedAt
  const finishedAt = dockerTime(inspect.State.FinishedAt)
  if (finishedAt) observed.finishedAt = finishedAt
  if (image?.RepoDigests?.length) observed.repoDigests = [...image.RepoDigests]
  const ip = containerIP(inspect) ?? labels[POD_IP_LABEL]
  if (ip) observed.ip = ip
  return observed
}

/** The static address on the container's own network (kept while stopped), else the live one. */
function containerIP(inspect: DockerContainerInspect): string | undefined {
  const mode = inspect.HostConfig.NetworkMode ?? ''
  if (mode === 'host' || mode.startsWith('container:')) return undefined
  const networks = inspect.NetworkSettings?.Networks ?? {}
  const endpoint = networks[mode] ?? Object.values(networks)[0]
  return endpoint?.IPAMConfig?.IPv4Address || endpoint?.IPAddress || undefined
}
