// A pod's status from what Docker shows, as the kubelet computes it (generateAPIPodStatus, getPhase,
// the Generate*Condition helpers): container states with the kubelet's reasons, restart counts,
// readiness from probe results, phase, and conditions whose lastTransitionTime only moves when
// their status changes. Pure: the previous status comes in on the pod, the clock as `now`.

import type { ConditionStatus, Time } from '../../api/types/meta.ts'
import type {
  Container,
  ContainerState,
  ContainerStateTerminated,
  ContainerStatus,
  Pod,
  PodCondition,
  PodPhase,
  PodSpec,
  PodStatus,
} from '../../api/types/pod.ts'
import { podNeedsInfra } from './container-spec.ts'
import { formatTime, type ObservedContainer } from './docker-inspect.ts'
import { formatPod, type ContainerRole } from './names.ts'

export { parseDockerInspect, type ObservedContainer, type DockerContainerInspect } from './docker-inspect.ts'

/** Results of a container's probes, kept by the prober. Absent: not yet succeeded. */
export interface ProbeResults {
  ready?: boolean
  started?: boolean
}

/** Why a container is not running: the agent's last failure to pull, configure or create it. */
export interface ContainerWaiting {
  /** ErrImagePull, ImagePullBackOff, ErrImageNeverPull, CreateContainerConfigError, CreateContainerError… */
  reason: string
  message?: string
}

export interface ObservedPod {
  /** Every Docker container of the pod (all roles and attempts), as parseDockerInspect makes them. */
  containers: ObservedContainer[]
  /** The IP the agent allocated to the pod; default: the network owner's address. */
  podIP?: string
  /** The node's IP. */
  hostIP?: string
  /** By container name; only consulted while that container is not running. */
  waiting?: Record<string, ContainerWaiting>
  /** By container name. */
  probes?: Record<string, ProbeResults>
}

export const REASON_CONTAINER_CREATING = 'ContainerCreating'
export const REASON_POD_INITIALIZING = 'PodInitializing'
export const REASON_CRASH_LOOP_BACK_OFF = 'CrashLoopBackOff'
export const REASON_CONTAINERS_NOT_READY = 'ContainersNotReady'
export const REASON_CONTAINERS_NOT_INITIALIZED = 'ContainersNotInitialized'
export const REASON_READINESS_GATES_NOT_READY = 'ReadinessGatesNotReady'
export const REASON_POD_COMPLETED = 'PodCompleted'
export const REASON_POD_FAILED = 'PodFailed'
/** The kubelet's reason for a termination it could not observe; here: a run Docker restarted unseen. */
export const REASON_CONTAINER_STATUS_UNKNOWN = 'ContainerStatusUnknown'

/** Conditions this function owns, in the order the kubelet writes them. */
const OWN_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']

/** Does not modify `pod` or `observed`. */
export function computePodStatus(pod: Pod, observed: ObservedPod, now: Date): PodStatus {
  const spec: PodSpec = pod.spec ?? { containers: [] }
  const previous = pod.status ?? {}
  const nowTime = formatTime(now)
  const mine = observed.containers.filter((c) => !pod.metadata.uid || c.podUID === pod.metadata.uid)
  const instances = (role: ContainerRole, name: string): ObservedContainer[] =>
    mine
      .filter((c) => c.name === name && (role === 'infra' ? c.role === 'infra' : c.role !== 'infra'))
      .sort((a, b) => b.attempt - a.attempt || (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))

  const hasInit = (spec.initContainers?.length ?? 0) > 0
  const initStatuses = (spec.initContainers ?? []).map((c) =>
    containerStatus(pod, c, 'init', instances('init', c.name), previous.initContainerStatuses?.find((s) => s.name === c.name), observed, false),
  )
  const appStatuses = spec.containers
    .map((c) => containerStatus(pod, c, 'app', instances('app', c.name), previous.containerStatuses?.find((s) => s.name === c.name), observed, hasInit))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

  const anyRunning = [...initStatuses, ...appStatuses].some((s) => s.state?.running)
  const podIsTerminal = !!pod.metadata.deletionTimestamp && !anyRunning
  const phase: PodPhase =
    previous.phase === 'Succeeded' || previous.phase === 'Failed' ? previous.phase : podPhase(spec, initStatuses, appStatuses, podIsTerminal)

  const owner = podNeedsInfra(pod) ? instances('infra', 'POD')[0] : instances('app', spec.containers[0]?.name ?? '')[0]
  const sandboxReady = !!owner && ['running', 'paused', 'restarting'].includes(owner.state)
  const containersReady = containersReadyCondition(spec, appStatuses, phase)
  const generated: PodCondition[] = [
    { type: 'PodReadyToStartContainers', status: sandboxReady ? 'True' : 'False' },
    initializedCondition(spec, initStatuses, appStatuses, phase),
    readyCondition(spec, containersReady, previous.conditions ?? []),
    containersReady,
    { type: 'PodScheduled', status: 'True' },
  ]
  const conditions = [
    ...generated.map((c) => withTransitionTime(c, previous.conditions, nowTime)),
    ...(previous.conditions ?? []).filter((c) => !OWN_CONDITIONS.includes(c.type)),
  ]

  const status: PodStatus = { phase, conditions }
  const hostIP = observed.hostIP ?? previous.hostIP
  if (hostIP) {
    status.hostIP = hostIP
    status.hostIPs = [{ ip: hostIP }]
  }
  const podIP = spec.hostNetwork ? hostIP : (observed.podIP ?? owner?.ip ?? previous.podIP)
  if (podIP) {
    status.podIP = podIP
    status.podIPs = [{ ip: podIP }]
  }
  status.startTime = previous.startTime ?? nowTime
  if (spec.initContainers?.length) status.initContainerStatuses = initStatuses
  status.containerStatuses = appStatuses
  if (previous.qosClass) status.qosClass = previous.qosClass
  if (previous.nominatedNodeName) status.nominatedNodeName = previous.nominatedNodeName
  return status
}

// ── container statuses ──────────────────────────────────────────────────────────────────────────

const containerID = (c: ObservedContainer): string => `docker://${c.id}`

/** dockershim's image ID: the repo digest when the image came from a registry, else the local ID. */
function imageID(c: ObservedContainer): string {
  const digest = c.repoDigests?.[0]
  return digest ? `docker-pullable://${digest}` : `docker://${c.imageId}`
}

/** A run that ended: OOMKilled, Completed (exit 0) or Error, as dockershim named them. */
function termination(c: ObservedContainer): ContainerStateTerminated {
  const t: ContainerStateTerminated = { exitCode: c.exitCode, reason: c.oomKilled ? 'OOMKilled' : c.exitCode === 0 ? 'Completed' : 'Error' }
  if (c.error) t.message = c.error
  if (c.startedAt) t.startedAt = c.startedAt
  if (c.finishedAt) t.finishedAt = c.finishedAt
  t.containerID = containerID(c)
  return t
}

/** A start that failed before the process ran (dockershim's ContainerCannotRun). */
function cannotRun(c: ObservedContainer): ContainerStateTerminated {
  const t: ContainerStateTerminated = { exitCode: c.exitCode, reason: 'ContainerCannotRun' }
  if (c.error) t.message = c.error
  t.startedAt = c.createdAt
  t.finishedAt = c.createdAt
  t.containerID = containerID(c)
  return t
}

/** The run Docker restarted before anyone saw how it ended: only its end time is known. */
function unobservedTermination(c: ObservedContainer): ContainerStateTerminated {
  const t: ContainerStateTerminated = {
    exitCode: 137,
    reason: REASON_CONTAINER_STATUS_UNKNOWN,
    message: 'The container was restarted by Docker before its exit status was observed',
  }
  if (c.finishedAt) t.finishedAt = c.finishedAt
  t.containerID = containerID(c)
  return t
}

const started = (c: ObservedContainer | undefined): boolean => c?.state === 'running' || c?.state === 'paused'

function containerStatus(
  pod: Pod,
  spec: Container,
  role: 'init' | 'app',
  instances: ObservedContainer[],
  previous: ContainerStatus | undefined,
  observed: ObservedPod,
  hasInitContainers: boolean,
): ContainerStatus {
  const [current, older] = instances
  // Terminations known from before this observation, newest first.
  const known: ContainerStateTerminated[] = [
    ...(older ? [older.state === 'created' && (older.exitCode !== 0 || older.error) ? cannotRun(older) : termination(older)] : []),
    ...(previous?.state?.terminated ? [previous.state.terminated] : []),
    ...(previous?.lastState?.terminated ? [previous.lastState.terminated] : []),
  ]
  const waiting = observed.waiting?.[spec.name]

  if (!current) {
    const reason = role === 'app' && hasInitContainers ? REASON_POD_INITIALIZING : REASON_CONTAINER_CREATING
    const state: ContainerState = { waiting: waiting ? { ...waiting } : { reason } }
    const last = known[0]
    return {
      name: spec.name,
      state,
      lastState: last ? { terminated: last } : {},
      ready: false,
      restartCount: previous?.restartCount ?? 0,
      image: spec.image ?? '',
      imageID: '',
      started: false,
    }
  }

  const id = containerID(current)
  const fromOtherContainer = known.find((t) => t.containerID !== id)
  let state: ContainerState
  let last: ContainerStateTerminated | undefined
  switch (current.state) {
    case 'running':
    case 'paused':
      state = { running: current.startedAt ? { startedAt: current.startedAt } : {} }
      last =
        current.restartCount > 0
          ? (known.find((t) => t.containerID === id && t.finishedAt === current.finishedAt) ?? unobservedTermination(current))
          : fromOtherContainer
      break
    case 'restarting':
      state = { waiting: { reason: REASON_CRASH_LOOP_BACK_OFF, message: `back-off restarting failed container=${spec.name} pod=${formatPod(pod)}` } }
      last = termination(current)
      break
    case 'created':
      if (current.exitCode !== 0 || current.error) {
        state = { terminated: cannotRun(current) }
      } else {
        state = { waiting: { reason: REASON_CONTAINER_CREATING } }
      }
      last = fromOtherContainer
      break
    default:
      state = { terminated: termination(current) }
      last =
        current.restartCount > 0
          ? known.find((t) => t.containerID === id && t.finishedAt !== current.finishedAt)
          : fromOtherContainer
  }

  if (waiting && !started(current) && current.state !== 'restarting') {
    if (state.terminated) last = state.terminated
    state = { waiting: { ...waiting } }
  }

  const probes = observed.probes?.[spec.name]
  let isStarted: boolean
  let ready: boolean
  if (role === 'init') {
    isStarted = started(current) && !!state.running
    ready = state.terminated?.exitCode === 0
  } else {
    isStarted = !!state.running && (!spec.startupProbe || probes?.started === true)
    ready = isStarted && (!spec.readinessProbe || probes?.ready === true)
  }
  return {
    name: spec.name,
    state,
    lastState: last ? { terminated: last } : {},
    ready,
    restartCount: Math.max(current.attempt + current.restartCount, previous?.restartCount ?? 0),
    image: current.image,
    imageID: imageID(current),
    containerID: id,
    started: isStarted,
  }
}

// ── phase ───────────────────────────────────────────────────────────────────────────────────────

/** The kubelet's getPhase (restartable init containers are not supported, so none are skipped). */
export function podPhase(spec: PodSpec, initStatuses: ContainerStatus[], appStatuses: ContainerStatus[], podIsTerminal: boolean): PodPhase {
  let pendingInitialization = 0
  let failedInitialization = 0
  for (const c of spec.initContainers ?? []) {
    const s = initStatuses.find((x) => x.name === c.name)
    if (!s) {
      pendingInitialization++
    } else if (s.state?.running) {
      pendingInitialization++
    } else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++
      } else {
        pendingInitialization++
      }
    } else {
      pendingInitialization++
    }
  }

  let unknown = 0
  let running = 0
  let waiting = 0
  let stopped = 0
  let succeeded = 0
  for (const c of spec.containers) {
    const s = appStatuses.find((x) => x.name === c.name)
    if (!s) {
      unknown++
    } else if (s.state?.running) {
      running++
    } else if (s.state?.terminated) {
      stopped++
      if (s.state.terminated.exitCode === 0) succeeded++
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++
      else waiting++
    } else {
      unknown++
    }
  }

  const restartPolicy = spec.restartPolicy ?? 'Always'
  if (failedInitialization > 0 && restartPolicy === 'Never') return 'Failed'
  if (pendingInitialization > 0 || waiting > 0) return 'Pending'
  if (running > 0 && unknown === 0) return 'Running'
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed'
    if (restartPolicy === 'Always') return 'Running'
    if (stopped === succeeded) return 'Succeeded'
    if (restartPolicy === 'Never') return 'Failed'
    return 'Running'
  }
  return 'Pending'
}

// ── conditions ──────────────────────────────────────────────────────────────────────────────────

/** Go's `%s` of a []string: `[a b]`. */
const goList = (names: string[]): string => `[${names.join(' ')}]`

function initializedCondition(spec: PodSpec, initStatuses: ContainerStatus[], appStatuses: ContainerStatus[], phase: PodPhase): PodCondition {
  if (!spec.initContainers?.length) return { type: 'Initialized', status: 'True' }
  const incomplete = spec.initContainers
    .filter((c) => {
      const t = initStatuses.find((s) => s.name === c.name)?.state?.terminated
      return !t || t.exitCode !== 0
    })
    .map((c) => c.name)
  if (phase === 'Succeeded') return { type: 'Initialized', status: 'True', reason: REASON_POD_COMPLETED }
  if (appStatuses.some((s) => s.state?.running || s.state?.terminated)) return { type: 'Initialized', status: 'True' }
  if (incomplete.length) {
    return { type: 'Initialized', status: 'False', reason: REASON_CONTAINERS_NOT_INITIALIZED, message: `containers with incomplete status: ${goList(incomplete)}` }
  }
  return { type: 'Initialized', status: 'True' }
}

function containersReadyCondition(spec: PodSpec, appStatuses: ContainerStatus[], phase: PodPhase): PodCondition {
  if (phase === 'Succeeded') return { type: 'ContainersReady', status: 'False', reason: REASON_POD_COMPLETED }
  if (phase === 'Failed') return { type: 'ContainersReady', status: 'False', reason: REASON_POD_FAILED }
  const unready = spec.containers.filter((c) => !appStatuses.find((s) => s.name === c.name)?.ready).map((c) => c.name)
  if (unready.length) {
    return { type: 'ContainersReady', status: 'False', reason: REASON_CONTAINERS_NOT_READY, message: `containers with unready status: ${goList(unready)}` }
  }
  return { type: 'ContainersReady', status: 'True' }
}

function readyCondition(spec: PodSpec, containersReady: PodCondition, previous: PodCondition[]): PodCondition {
  if (containersReady.status !== 'True') return { ...containersReady, type: 'Ready' }
  const unready: string[] = []
  for (const gate of spec.readinessGates ?? []) {
    const c = previous.find((x) => x.type === gate.conditionType)
    if (!c) unready.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`)
    else if (c.status !== 'True') unready.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`)
  }
  if (unready.length) return { type: 'Ready', status: 'False', reason: REASON_READINESS_GATES_NOT_READY, message: unready.join(', ') }
  return { type: 'Ready', status: 'True' }
}

/** lastTransitionTime stays while the status stays; it becomes `now` when the status changes. */
function withTransitionTime(c: PodCondition, previous: PodCondition[] | undefined, now: Time): PodCondition {
  const before = previous?.find((p) => p.type === c.type)
  const status: ConditionStatus = c.status
  const lastTransitionTime = before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : now
  const out: PodCondition = { type: c.type, status, lastTransitionTime }
  if (c.reason) out.reason = c.reason
  if (c.message) out.message = c.message
  return out
}
