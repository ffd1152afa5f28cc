// Node status from what a probe observed: capacity and allocatable, conditions with kubelet's
// reasons, addresses, nodeInfo, images, and the node's well-known labels. Pure functions of their
// inputs (the time included), so every rule is tested without a machine.
//
// Allocatable is what kubelet computes with no kube-reserved:
//   allocatable = capacity − system-reserved − hard-eviction threshold
// with system-reserved = cpu 100m, memory 256Mi (dockerd, containerd, sshd and the OS itself)
// and kubelet's default hard-eviction thresholds: memory.available 100Mi, nodefs.available 10%.

import type { ContainerImage, MachinePrivilege, NodeAddress, NodeCondition, NodeStatus, NodeSystemInfo } from '../../api/index.ts'
import { goArchitecture, nodeImages, type DockerImageSummary, type DockerInfo } from './docker.ts'
import type { DiskUsage, InodeUsage, MemInfo } from './probe.ts'

const MI = 1024 * 1024

export const PODS_CAPACITY = 110
export const SYSTEM_RESERVED = { cpuMillis: 100, memoryBytes: 256 * MI } as const
/** Kubelet's hard eviction defaults on Linux, and Coxswain's PID threshold (kubelet sets none by default). */
export const EVICTION_THRESHOLDS = {
  memoryAvailableBytes: 100 * MI,
  nodefsAvailableRatio: 0.1,
  nodefsInodesFreeRatio: 0.05,
  pidAvailableRatio: 0.1,
} as const

export const READY_MESSAGE = 'coxswain node agent is posting ready status'

/** Everything one probe of a node observed. */
export interface NodeObservation {
  docker: DockerInfo
  images: readonly DockerImageSummary[]
  memory: MemInfo
  /** The filesystem holding Docker's root (images, container layers, emptyDir volumes). */
  disk: DiskUsage
  inodes?: InodeUsage
  pids: { max: number; tasks: number }
  machineID: string
  bootID: string
  systemUUID: string
  hostname: string
  /** The address the node answers on, as the SSH connection saw it (or the machine's address). */
  internalIP?: string
}

export interface NodeStatusOptions {
  /** What the SSH user may do, once known: decides NetworkUnavailable for now. */
  privilege: MachinePrivilege | undefined
  /** nodeInfo.kubeletVersion: Kubernetes' API level with Coxswain's version. */
  kubeletVersion: string
  now: Date
  /** The node's current status, so unchanged conditions keep their lastTransitionTime. */
  previous?: NodeStatus
}

const kib = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`

function milliCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`
}

export function nodeCapacity(o: NodeObservation): Record<string, string> {
  return {
    cpu: String(o.docker.NCPU),
    'ephemeral-storage': kib(o.disk.capacityBytes),
    memory: kib(o.docker.MemTotal),
    pods: String(PODS_CAPACITY),
  }
}

export function nodeAllocatable(o: NodeObservation): Record<string, string> {
  const memory = Math.max(0, o.docker.MemTotal - SYSTEM_RESERVED.memoryBytes - EVICTION_THRESHOLDS.memoryAvailableBytes)
  const storage = Math.max(0, Math.floor(o.disk.capacityBytes * (1 - EVICTION_THRESHOLDS.nodefsAvailableRatio)))
  return {
    cpu: milliCpu(Math.max(0, o.docker.NCPU * 1000 - SYSTEM_RESERVED.cpuMillis)),
    'ephemeral-storage': String(storage),
    memory: kib(memory),
    pods: String(PODS_CAPACITY),
  }
}

type ConditionCore = Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>

function pressure(type: string, under: boolean, yes: [string, string], no: [string, string]): ConditionCore {
  const [reason, message] = under ? yes : no
  return { type, status: under ? 'True' : 'False', reason, message }
}

export function memoryPressure(o: NodeObservation): boolean {
  return o.memory.availableBytes < EVICTION_THRESHOLDS.memoryAvailableBytes
}

export function diskPressure(o: NodeObservation): boolean {
  const lowSpace = o.disk.availableBytes < o.disk.capacityBytes * EVICTION_THRESHOLDS.nodefsAvailableRatio
  const lowInodes = !!o.inodes && o.inodes.inodes > 0 && o.inodes.free < o.inodes.inodes * EVICTION_THRESHOLDS.nodefsInodesFreeRatio
  return lowSpace || lowInodes
}

export function pidPressure(o: NodeObservation): boolean {
  return o.pids.max - o.pids.tasks < o.pids.max * EVICTION_THRESHOLDS.pidAvailableRatio
}

export function networkCondition(privilege: MachinePrivilege | undefined): ConditionCore {
  switch (privilege) {
    case 'root':
    case 'sudo':
      return {
        type: 'NetworkUnavailable',
        status: 'False',
        reason: 'PrivilegeAvailable',
        message: `the SSH user has ${privilege === 'root' ? 'root' : 'passwordless sudo'}: pod networking can be set up`,
      }
    case 'none':
      return {
        type: 'NetworkUnavailable',
        status: 'True',
        reason: 'NoRootAccess',
        message: 'the SSH user has neither root nor passwordless sudo: pod routes and service rules cannot be set up; pods run on the node only',
      }
    default:
      return { type: 'NetworkUnavailable', status: 'Unknown', reason: 'PrivilegeUnknown', message: 'what the SSH user may do is not known yet' }
  }
}

/** The five conditions a Coxswain node reports, in kubelet's order. */
export function nodeConditionCores(o: NodeObservation, privilege: MachinePrivilege | undefined): ConditionCore[] {
  return [
    pressure('MemoryPressure', memoryPressure(o), ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'], [
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    ]),
    pressure('DiskPressure', diskPressure(o), ['KubeletHasDiskPressure', 'kubelet has disk pressure'], ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure']),
    pressure('PIDPressure', pidPressure(o), ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'], [
      'KubeletHasSufficientPID',
      'kubelet has sufficient PID available',
    ]),
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: READY_MESSAGE },
    networkCondition(privilege),
  ]
}

/** Stamps conditions with the heartbeat, keeping lastTransitionTime where the status did not change. */
export function stampConditions(next: readonly ConditionCore[], previous: readonly NodeCondition[] | undefined, now: string): NodeCondition[] {
  return next.map((c) => {
    const before = previous?.find((p) => p.type === c.type)
    const lastTransitionTime = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : now
    return { ...c, lastHeartbeatTime: now, lastTransitionTime }
  })
}

/** The conditions for a node whose Docker engine does not answer while SSH does. */
export function runtimeDownConditions(previous: readonly NodeCondition[] | undefined, error: string, now: string): NodeCondition[] {
  const others = (previous ?? []).filter((c) => c.type !== 'Ready')
  const ready: ConditionCore = { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: `container runtime is down: ${error}` }
  return [...others, ...stampConditions([ready], previous, now)]
}

export function nodeAddresses(o: NodeObservation): NodeAddress[] {
  const addresses: NodeAddress[] = []
  if (o.internalIP) addresses.push({ type: 'InternalIP', address: o.internalIP })
  if (o.hostname) addresses.push({ type: 'Hostname', address: o.hostname })
  return addresses
}

export function nodeSystemInfo(o: NodeObservation, kubeletVersion: string): NodeSystemInfo {
  return {
    machineID: o.machineID,
    systemUUID: o.systemUUID,
    bootID: o.bootID,
    kernelVersion: o.docker.KernelVersion,
    osImage: o.docker.OperatingSystem,
    containerRuntimeVersion: `docker://${o.docker.ServerVersion}`,
    kubeletVersion,
    kubeProxyVersion: '',
    operatingSystem: o.docker.OSType,
    architecture: goArchitecture(o.docker.Architecture),
  }
}

export function nodeStatus(o: NodeObservation, options: NodeStatusOptions): NodeStatus {
  const now = formatTime(options.now)
  const images: ContainerImage[] = nodeImages(o.images)
  return {
    capacity: nodeCapacity(o),
    allocatable: nodeAllocatable(o),
    conditions: stampConditions(nodeConditionCores(o, options.privilege), options.previous?.conditions, now),
    addresses: nodeAddresses(o),
    nodeInfo: nodeSystemInfo(o, options.kubeletVersion),
    images,
  }
}

/** The labels kubelet puts on its Node. */
export function nodeLabels(nodeName: string, o: Pick<NodeObservation, 'docker'>): Record<string, string> {
  return {
    'kubernetes.io/arch': goArchitecture(o.docker.Architecture),
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': o.docker.OSType,
  }
}

/** A status with the heartbeat times blanked: what decides whether a write carries news. */
export function withoutHeartbeats(status: NodeStatus | undefined): NodeStatus | undefined {
  if (!status) return status
  return { ...status, conditions: status.conditions?.map(({ lastHeartbeatTime: _ignored, ...rest }) => rest) }
}

/** RFC 3339 with second precision, as metav1.Time. */
export function formatTime(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** RFC 3339 with microsecond precision, as metav1.MicroTime. */
export function formatMicroTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}
