// What the per-pod steps (sync-pod.ts, terminate.ts) share: the node's runtime and shell, the API
// server, the recorders and the agent's per-node memory (pod IPs, waiting reasons, back-offs,
// unhealthy containers, written volume files, the pod network). One instance per node agent.

import type { ObjectReference, Quantity } from '../../api/index.ts'
import type { Pod } from '../../api/types/pod.ts'
import type { EventRecorder } from '../../apiserver/events.ts'
import { referenceTo } from '../../apiserver/events.ts'
import type { ApiServerVerbs, RequestContext } from '../../apiserver/types.ts'
import type { Logger } from '../../util/log.ts'
import type { ContainerCreateOptions, NetworkCreateOptions, VolumeCreateOptions } from '../pods/container-spec.ts'
import type { ClusterDNS } from '../pods/dns.ts'
import type { ContainerWaiting } from '../pods/pod-status.ts'
import type { KeyedBackoff } from './backoff.ts'
import type { ActionRunner } from './handlers.ts'
import type { ImageManager } from './images.ts'
import type { PodIPs } from './ip-state.ts'
import type { NodeShell } from './node-access.ts'
import type { ImageInfoCache } from './observe.ts'
import type { ProbeKind, ProbeManager } from './probes.ts'
import type { ContainerRuntime } from './runtime.ts'
import type { OwnEvents } from './own-events.ts'

export interface PodSyncSettings {
  nodeName: string
  /** The node's pod network (a Docker bridge network). */
  network: string
  /** Linux bridge device of the pod network, so kernel rules can name it. */
  bridgeName?: string
  /** Where configMap and secret files go on the node: `<podsDir>/<uid>/volumes/<name>/`. */
  podsDir: string
  /** Where secret files go instead: on tmpfs, so secrets never reach the node's disk. */
  secretsDir: string
  infraImage: string
  infraCommand?: string[]
  clusterDNS: ClusterDNS
  lowerOomScores: boolean
  /** Extra labels on everything this agent makes, required on everything it adopts or removes. */
  scopeLabels: Record<string, string>
  /** Deadline of one command on the node. */
  shellTimeoutMs: number
}

/** What the agent knows of its Node object. */
export interface NodeView {
  podCIDR?: string
  hostIP?: string
  allocatable?: Record<string, Quantity>
  memoryCapacity?: number
}

export interface SyncContext {
  settings: PodSyncSettings
  runtime: ContainerRuntime
  shell: NodeShell
  api: ApiServerVerbs
  ctx: RequestContext
  recorder: EventRecorder
  log: Logger
  /** The API's clock: status times, deletion grace. */
  now(): Date
  node(): NodeView
  images: ImageManager
  imageInfo: ImageInfoCache
  actions: ActionRunner
  probes: ProbeManager
  /** Crash-loop back-off per `<uid>/<container>`. */
  crashBackoff: KeyedBackoff
  ips: PodIPs
  /** Why containers of a pod are not running, by pod UID and container name (pull, config, back-off). */
  waiting: Map<string, Record<string, ContainerWaiting>>
  /** Containers the prober wants restarted: container ID → its pod's UID and the probe that failed. */
  unhealthy: Map<string, { uid: string; kind: ProbeKind }>
  /** Volume file fingerprints written per pod UID and volume name. */
  writtenVolumes: Map<string, Map<string, string>>
  /**
   * True when the agent knows pod `uid` has no container on the node: none was in any listing or
   * event since the agent started, and it was never synced before. Marks the pod as seen.
   */
  knownEmpty(uid: string): boolean
  /** Docker events the agent caused itself (a start it called), which need no sync of their own. */
  ownEvents: OwnEvents
  ensureNetwork(podCIDR: string): Promise<void>
  /** Keeps what a write answered, so the next sync starts from it. */
  remember(pod: Pod): void
  /** Called from terminations. */
  stopping: AbortSignal
}

/** The reference container events carry: the pod, pointing at `spec.containers{web}`. */
export function containerRef(pod: Pod, role: 'init' | 'app' | 'infra', name: string): ObjectReference {
  if (role === 'infra') return referenceTo(pod)
  return referenceTo(pod, `spec.${role === 'init' ? 'initContainers' : 'containers'}{${name}}`)
}

export function scopeList(settings: PodSyncSettings): string[] {
  return Object.entries(settings.scopeLabels).map(([k, v]) => `${k}=${v}`)
}

/** A container's options with the agent's scope labels, also on the volumes Docker may make for it. */
export function scopedContainer(opts: ContainerCreateOptions, scope: Record<string, string>): ContainerCreateOptions {
  if (!Object.keys(scope).length) return opts
  const mounts = opts.HostConfig?.Mounts?.map((m) => (m.VolumeOptions ? { ...m, VolumeOptions: { ...m.VolumeOptions, Labels: { ...m.VolumeOptions.Labels, ...scope } } } : m))
  return { ...opts, Labels: { ...opts.Labels, ...scope }, HostConfig: { ...opts.HostConfig, ...(mounts ? { Mounts: mounts } : {}) } }
}

export function scopedVolume(opts: VolumeCreateOptions, scope: Record<string, string>): VolumeCreateOptions {
  return Object.keys(scope).length ? { ...opts, Labels: { ...opts.Labels, ...scope } } : opts
}

export function scopedNetwork(opts: NetworkCreateOptions, scope: Record<string, string>): NetworkCreateOptions {
  return Object.keys(scope).length ? { ...opts, Labels: { ...opts.Labels, ...scope } } : opts
}
