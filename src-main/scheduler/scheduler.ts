// The scheduler: a cluster controller that places every unbound pod whose schedulerName is one of
// its profiles' (default-scheduler, bin-packing-scheduler), one cycle at a time, and binds it
// through the API server's pods/binding.
//
//   pod/node/service/namespace informers ─▶ cache (+ assumed pods)      ┐
//   unbound pods ─▶ queue ─▶ cycle (framework/cycle.ts) over the cache ─┤
//     fits: assume in cache, bind in the background ─▶ Scheduled event
//     fits nowhere: FailedScheduling event + PodScheduled=False ─▶ parked until the cluster changes
//     bind failed: forget, retry after backoff
//
// Event-driven: nothing polls. A pod is scheduled in the same turn of the event loop its watch
// event arrives in; bindings run concurrently while the next pods are placed, each counted on its
// node from the moment it is chosen.

import type { Binding, Namespace, Node, Pod, Service } from '../api/index.ts'
import { systemContext } from '../apiserver/api-server.ts'
import { isApiError } from '../apiserver/errors.ts'
import { EventRecorder } from '../apiserver/events.ts'
import { formatTime } from '../apiserver/object-meta.ts'
import { RESOURCES, resourceRef } from '../apiserver/resources.ts'
import type { ApiServerVerbs } from '../apiserver/types.ts'
import type { Informer, InformerFactory } from '../controllers/informer.ts'
import type { ControllerContext, ManagedController } from '../controllers/manager.ts'
import type { Logger } from '../util/log.ts'
import { SchedulerCache } from './cache.ts'
import { runCycle, type CycleResult } from './framework/cycle.ts'
import { fitErrorMessage } from './framework/fit-error.ts'
import { podInfo, podKey, type PodInfo } from './framework/pod-info.ts'
import { seededRandom, type Random } from './framework/random.ts'
import { isTerminal } from './framework/snapshot.ts'
import type { Status } from './framework/types.ts'
import { DEFAULT_PROFILES, DEFAULT_SCHEDULER_NAME, type Profile } from './profile.ts'
import { SchedulingQueue, type QueuedPod } from './queue.ts'
import { mayHelp, type ClusterEvent } from './events.ts'

export const SCHEDULER_COMPONENT = DEFAULT_SCHEDULER_NAME
export const REASON_FAILED_SCHEDULING = 'FailedScheduling'
export const REASON_SCHEDULED = 'Scheduled'

/** How long one turn of the event loop may spend placing pods before it lets I/O in. */
const TURN_BUDGET_MS = 20

export interface SchedulerOptions {
  api: ApiServerVerbs
  informers: InformerFactory
  log: Logger
  now: () => Date
  /** One per schedulerName this scheduler answers to; default DEFAULT_PROFILES. */
  profiles?: readonly Profile[]
  /** Seeds tie-breaking between equal nodes; random by default. */
  seed?: number
  initialBackoffMs?: number
  maxBackoffMs?: number
}

export class Scheduler implements ManagedController {
  private readonly api: ApiServerVerbs
  private readonly log: Logger
  private readonly now: () => Date
  private readonly profiles: ReadonlyMap<string, Profile>
  private readonly random: Random
  /** One recorder per profile: an event's source is the scheduler name that acted, as in Kubernetes. */
  private readonly events: ReadonlyMap<string, EventRecorder>
  private readonly pods: Informer<Pod>
  readonly cache = new SchedulerCache()
  readonly queue: SchedulingQueue
  private readonly ctx = systemContext('scheduler')
  private startIndex = 0
  private running = false
  private turnPending = false
  private readonly bindings = new Set<Promise<void>>()

  constructor(options: SchedulerOptions) {
    this.api = options.api
    this.log = options.log
    this.now = options.now
    this.profiles = new Map((options.profiles ?? DEFAULT_PROFILES).map((p) => [p.schedulerName, p]))
    this.random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32))
    this.events = new Map([...this.profiles.keys()].map((name) => [name, new EventRecorder({ api: options.api, source: { component: name }, now: options.now, log: options.log })]))
    this.queue = new SchedulingQueue({
      onActive: () => this.wake(),
      ...(options.initialBackoffMs !== undefined ? { initialBackoffMs: options.initialBackoffMs } : {}),
      ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
    })
    this.pods = options.informers.informer<Pod>(RESOURCES.pods)
    this.watchNodes(options.informers.informer<Node>(RESOURCES.nodes))
    this.watchPods()
    const namespaces = options.informers.informer<Namespace>(RESOURCES.namespaces)
    namespaces.addHandlers({
      add: (ns) => this.cache.setNamespace(ns),
      update: (_old, ns) => this.cache.setNamespace(ns),
      delete: (ns) => this.cache.removeNamespace(ns.metadata.name ?? ''),
    })
    const services = options.informers.informer<Service>(RESOURCES.services)
    services.addHandlers({
      add: (s) => this.cache.setService(s),
      update: (_old, s) => this.cache.setService(s),
      delete: (s) => this.cache.removeService(s),
    })
  }

  async start(): Promise<void> {
    this.running = true
    this.queue.start()
    this.wake()
  }

  async stop(): Promise<void> {
    this.running = false
    this.queue.close()
    await Promise.allSettled([...this.bindings])
    await Promise.all([...this.events.values()].map((e) => e.flush()))
  }

  /** Nothing queued to place now and no binding in flight (parked and backing-off pods may remain). */
  get idle(): boolean {
    return this.queue.size.active === 0 && this.bindings.size === 0
  }

  private profileFor(pod: Pod): Profile | undefined {
    return this.profiles.get(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME)
  }

  /** Records an event about `pod` as the scheduler name it asked for. */
  private event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.get(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME)?.event(pod, type, reason, message)
  }

  /** Unbound, alive, ours — and not already placed by us with its binding on the way. */
  private needsScheduling(pod: Pod): boolean {
    return !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && !isTerminal(pod) && this.profileFor(pod) !== undefined && !this.cache.isAssumed(pod.metadata.uid ?? '')
  }

  private watchPods(): void {
    this.pods.addHandlers({
      add: (pod) => {
        if (pod.spec?.nodeName) {
          this.cache.setPod(pod)
          this.wakeParked('PodPlaced')
        } else if (this.needsScheduling(pod)) this.queue.addOrUpdate(podKey(pod), pod)
      },
      update: (old, pod) => {
        const key = podKey(pod)
        if (pod.spec?.nodeName) {
          this.queue.delete(key)
          this.cache.setPod(pod)
          if (isTerminal(pod) && !isTerminal(old)) this.wakeParked('PodGone')
          else if (!old.spec?.nodeName) this.wakeParked('PodPlaced')
          else if (!sameJson(old.metadata.labels, pod.metadata.labels)) this.wakeParked('PodRelabelled')
        } else if (this.needsScheduling(pod)) {
          // Our own status writes (PodScheduled=False) come back here: only a changed spec or labels make it worth another try.
          if (!this.queue.has(key) || !sameJson(old.spec, pod.spec) || !sameJson(old.metadata.labels, pod.metadata.labels)) this.queue.addOrUpdate(key, pod)
        } else if (!this.cache.isAssumed(pod.metadata.uid ?? '')) {
          this.queue.delete(key)
          this.cache.setPod(pod)
        }
      },
      delete: (pod) => {
        this.queue.delete(podKey(pod))
        // Whatever it held (bound, or assumed by us) is free now.
        if (this.cache.removePod(pod.metadata.uid ?? '')) this.wakeParked('PodGone')
      },
    })
  }

  private watchNodes(nodes: Informer<Node>): void {
    nodes.addHandlers({
      add: (node) => {
        this.cache.setNode(node)
        this.wakeParked('NodeChange')
      },
      update: (old, node) => {
        this.cache.setNode(node)
        if (nodeChangeMayHelp(old, node)) this.wakeParked('NodeChange')
      },
      delete: (node) => this.cache.removeNode(node.metadata.name ?? ''),
    })
  }

  /** Sends the parked pods `event` may help back to the queue. */
  private wakeParked(event: ClusterEvent): void {
    this.queue.moveUnschedulable((entry) => mayHelp(event, entry.rejectedBy))
  }

  private wake(): void {
    if (!this.running || this.turnPending) return
    this.turnPending = true
    setImmediate(() => this.turn())
  }

  /** Places queued pods until the queue is empty or the turn's budget is spent. */
  private turn(): void {
    this.turnPending = false
    const deadline = performance.now() + TURN_BUDGET_MS
    while (this.running && performance.now() < deadline) {
      const entry = this.queue.pop()
      if (!entry) return
      try {
        this.scheduleOne(entry)
      } catch (err) {
        this.log.error('scheduling cycle failed', { pod: entry.key, err })
        this.queue.retryAfterBackoff(entry)
      }
    }
    if (this.queue.size.active > 0) this.wake()
  }

  private scheduleOne(entry: QueuedPod): void {
    const pod = this.pods.get(entry.key) ?? entry.pod
    if (!this.needsScheduling(pod) || pod.metadata.uid !== entry.pod.metadata.uid) return
    entry.pod = pod
    let info: PodInfo
    try {
      info = podInfo(pod)
    } catch (err) {
      this.unschedulable(entry, { node: null, verdicts: [], podRefusal: { code: 'Error', reasons: [`invalid pod: ${(err as Error).message}`] }, allNodes: this.cache.nodes().length, nextStartIndex: this.startIndex })
      return
    }
    const profile = this.profileFor(pod)
    if (!profile) return
    const result = runCycle(profile, pod, this.cache, { random: this.random, startIndex: this.startIndex, info })
    this.startIndex = result.nextStartIndex
    if (result.node === null) {
      this.unschedulable(entry, result)
      return
    }
    this.cache.assume(info, result.node)
    const binding = this.bind(entry, result.node).finally(() => this.bindings.delete(binding))
    this.bindings.add(binding)
  }

  private async bind(entry: QueuedPod, nodeName: string): Promise<void> {
    const pod = entry.pod
    const { namespace, name, uid } = pod.metadata
    const body: Binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace, ...(uid ? { uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    }
    try {
      await this.api.create(resourceRef(RESOURCES.pods, namespace, name, 'binding'), body, this.ctx)
      this.event(pod, 'Normal', REASON_SCHEDULED, `Successfully assigned ${namespace}/${name} to ${nodeName}`)
    } catch (err) {
      this.cache.forget(uid ?? '')
      this.wakeParked('PodGone')
      // Gone, or bound by someone else meanwhile: nothing left to do; the informer tells the cache.
      if (isApiError(err) && (err.code === 404 || err.code === 409)) {
        this.log.debug('binding not needed any more', { pod: entry.key, node: nodeName, err })
        return
      }
      this.log.warn('binding failed; will retry', { pod: entry.key, node: nodeName, err })
      this.event(pod, 'Warning', REASON_FAILED_SCHEDULING, `Binding rejected: ${(err as Error).message}`)
      if (this.running) this.queue.retryAfterBackoff(entry)
    }
  }

  private unschedulable(entry: QueuedPod, result: CycleResult): void {
    const message = explainFailure(result)
    const pod = entry.pod
    this.log.debug('pod is unschedulable', { pod: entry.key, message })
    this.event(pod, 'Warning', REASON_FAILED_SCHEDULING, message)
    if (result.podRefusal?.code === 'Error') this.queue.retryAfterBackoff(entry)
    else this.queue.parkUnschedulable(entry, rejectingPlugins(result))
    void this.markUnschedulable(pod, message)
  }

  /** PodScheduled=False with Kubernetes' reason, unless the pod already says exactly that (or has changed since). */
  private async markUnschedulable(pod: Pod, message: string): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return
    const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: current?.status === 'False' ? current.lastTransitionTime : formatTime(this.now()) }
    try {
      await this.api.patch(
        resourceRef(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name, 'status'),
        'application/strategic-merge-patch+json',
        // The version the cycle judged: if the pod changed since (bound, edited), this refusal is stale.
        { metadata: { uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion }, status: { conditions: [condition] } },
        this.ctx,
      )
    } catch (err) {
      if (!(isApiError(err) && (err.code === 404 || err.code === 409))) this.log.warn('could not mark pod unschedulable', { pod: podKey(pod), err })
    }
  }
}

/** The plugins that refused the pod anywhere in a cycle. */
function rejectingPlugins(result: CycleResult): Set<string> {
  const plugins = new Set<string>()
  if (result.podRefusal?.plugin) plugins.add(result.podRefusal.plugin)
  for (const v of result.verdicts) for (const r of v.refusals) if (r.plugin) plugins.add(r.plugin)
  return plugins
}

/** The FailedScheduling message for a cycle that placed nothing. */
export function explainFailure(result: CycleResult): string {
  if (result.podRefusal?.code === 'Error') return `running scheduling plugins: ${result.podRefusal.reasons.join(', ')}`
  const refusals: Status[] = result.podRefusal ? new Array<Status>(result.allNodes).fill(result.podRefusal) : result.verdicts.flatMap((v) => v.refusals)
  return fitErrorMessage(result.allNodes, refusals)
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}

const conditionStatuses = (node: Node): string =>
  (node.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).sort().join(',')

/** Whether a node update may let a parked pod fit (heartbeats alone do not). */
export function nodeChangeMayHelp(old: Node, node: Node): boolean {
  return (
    Boolean(old.spec?.unschedulable) !== Boolean(node.spec?.unschedulable) ||
    !sameJson(old.metadata.labels, node.metadata.labels) ||
    !sameJson(old.spec?.taints, node.spec?.taints) ||
    !sameJson(old.status?.allocatable, node.status?.allocatable) ||
    !sameJson(old.status?.images, node.status?.images) ||
    conditionStatuses(old) !== conditionStatuses(node)
  )
}

/** The controller-manager entry. */
export function newScheduler(context: ControllerContext): Scheduler {
  return new Scheduler(context)
}
