// The node-lifecycle controller, as kube-controller-manager's: notices nodes nobody hears any more,
// taints nodes by their conditions, and evicts pods from NoExecute-tainted nodes once their
// tolerations run out. Their owners (ReplicaSets, …) replace them elsewhere.
//
//   Lease / Machine / Node changes, a tick ─▶ node queue ─▶ syncNode
//        nodeHealth: Machine says the link is down, or no heartbeat within the grace period
//          → Ready/…Pressure = Unknown (NodeStatusUnknown), pods on it Ready=False
//        reconcileTaints: not-ready / unreachable (NoSchedule + NoExecute), unschedulable, pressure
//        pods on a node with NoExecute taints ─▶ eviction queue
//   Pod changes ─▶ eviction queue ─▶ syncEviction: planEviction → delete now, at a timer, or never
//
// The node agent owns the conditions while it hears the node, so this controller never sets
// Ready back to True: a returning node is Ready again when its agent says so — after its pod sync
// has removed what was deleted while it was away (see README).
//
// Full disruption: when every node is unhealthy at once, the fault is far more likely on the
// control plane's side (a laptop that slept, its network down) than on every machine, and
// evicting everything would only cause a storm of restarts when it comes back. Then, and for one
// grace period after any node is heard again, unreachable nodes get no NoExecute taint (taints
// already there are removed) and their pods are not marked unready, as Kubernetes does in a fully
// disrupted zone. The same hold follows a suspend of this process (see #noticeSuspend).
//
// Eviction is a graceful DELETE of the pod (the taint manager's way, not the Eviction API). The
// pod stays Terminating until its node returns and stops its containers, or until the Node is
// deleted (then the garbage collector and pod sync clean up).

import type { KubeObject, Lease, Machine, Node, Pod, Taint } from '../../api/index.ts'
import { systemContext } from '../../apiserver/api-server.ts'
import { ApiError } from '../../apiserver/errors.ts'
import { EventRecorder } from '../../apiserver/events.ts'
import { RESOURCES, resourceRef } from '../../apiserver/resources.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'
import type { Logger } from '../../util/log.ts'
import { objectKey, splitKey, type Informer } from '../informer.ts'
import type { ControllerContext, ManagedController } from '../manager.ts'
import { RetryQueue } from '../queue.ts'
import { planEviction, type TaintSince } from './eviction.ts'
import { nodeHealth, type NodeHealth } from './node-health.ts'
import { condition, reconcileTaints, unknownConditions } from './node-state.ts'

export interface NodeLifecycleSettings {
  /**
   * A node none of whose heartbeats (Lease renewals, status posts) arrived for this long is
   * Unknown. Kubernetes' node-monitor-grace-period is 40 s against a 10 s lease renewal; the
   * node agent renews every 2 s, so 8 s is four missed renewals. Nodes with a Machine are
   * usually noticed sooner, from their connection.
   */
  gracePeriodMs: number
  /** How often every node's heartbeat is checked against the grace period. */
  monitorPeriodMs: number
}

export const DEFAULT_NODE_LIFECYCLE_SETTINGS: NodeLifecycleSettings = { gracePeriodMs: 8_000, monitorPeriodMs: 500 }

export const REASON_NODE_NOT_READY = 'NodeNotReady'
export const REASON_TAINT_EVICTION = 'TaintManagerEviction'
export const REASON_EVICTIONS_PAUSED = 'EvictionsPaused'

const COMPONENT = 'node-lifecycle-controller'
/** A monitor tick this much later than due means the process was suspended, not merely busy. */
const SUSPEND_GAP_MS = 5_000
const MACHINES: ResourceRef = RESOURCES.machines
const NODE_LEASES: ResourceRef = { ...RESOURCES.leases, namespace: 'kube-node-lease' }
const STRATEGIC = 'application/strategic-merge-patch+json'
const MERGE = 'application/merge-patch+json'
const BY_NODE = 'spec.nodeName'

const isCode = (err: unknown, ...codes: number[]): boolean => err instanceof ApiError && codes.includes(err.code)
const formatTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')

export interface NodeLifecycleOptions extends ControllerContext {
  settings?: Partial<NodeLifecycleSettings>
  recorder?: EventRecorder
}

export class NodeLifecycleController implements ManagedController {
  readonly #api: ApiServerVerbs
  readonly #log: Logger
  readonly #now: () => Date
  readonly #ctx: RequestContext = systemContext(COMPONENT)
  readonly #settings: NodeLifecycleSettings
  readonly #recorder: EventRecorder
  readonly #nodes: Informer<Node>
  readonly #leases: Informer<Lease>
  readonly #machines: Informer<Machine>
  readonly #pods: Informer<Pod>
  readonly #nodeQueue: RetryQueue
  readonly #evictionQueue: RetryQueue
  /** Pod key → its pending eviction timer and when it fires. */
  readonly #timers = new Map<string, { atMs: number; timer: NodeJS.Timeout }>()
  /** When taints without timeAdded (set by hand) were first seen, by node and taint. */
  readonly #firstSeen = new Map<string, number>()
  #monitor: NodeJS.Timeout | undefined
  #startedMs = 0
  /** Evictions from unreachable nodes are held until then (full disruption and its aftermath). */
  #pausedUntilMs = 0
  #paused = false

  constructor(options: NodeLifecycleOptions) {
    this.#api = options.api
    this.#log = options.log
    this.#now = options.now
    this.#settings = { ...DEFAULT_NODE_LIFECYCLE_SETTINGS, ...options.settings }
    this.#recorder = options.recorder ?? new EventRecorder({ api: options.api, source: { component: COMPONENT }, now: options.now, log: options.log })
    this.#nodeQueue = new RetryQueue({ handle: (name) => this.#syncNode(name), log: this.#log, baseDelayMs: 50, maxDelayMs: 5_000 })
    this.#evictionQueue = new RetryQueue({ handle: (key) => this.#syncEviction(key), log: this.#log, baseDelayMs: 50, maxDelayMs: 5_000 })

    this.#nodes = options.informers.informer<Node>(RESOURCES.nodes)
    this.#leases = options.informers.informer<Lease>(NODE_LEASES)
    this.#machines = options.informers.informer<Machine>(MACHINES)
    this.#pods = options.informers.informer<Pod>(RESOURCES.pods)
    this.#pods.addIndex(BY_NODE, (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []))

    const byName = (object: KubeObject): void => this.#nodeQueue.add(object.metadata.name ?? '')
    this.#nodes.addHandlers({ add: byName, update: (_, node) => byName(node), delete: (node) => this.#nodeGone(node) })
    this.#leases.addHandlers({ add: byName, update: (_, lease) => byName(lease) })
    this.#machines.addHandlers({ add: byName, update: (_, machine) => byName(machine) })
    this.#pods.addHandlers({
      add: (pod) => this.#podChanged(pod),
      update: (_, pod) => this.#podChanged(pod),
      delete: (pod) => this.#cancelEviction(objectKey(pod)),
    })
  }

  async start(): Promise<void> {
    this.#startedMs = this.#now().getTime()
    this.#nodeQueue.start()
    this.#evictionQueue.start()
    for (const node of this.#nodes.list()) this.#nodeQueue.add(node.metadata.name ?? '')
    // Heartbeats that stop arriving make no event: look at every node now and then.
    let lastTickMs = Date.now()
    this.#monitor = setInterval(() => {
      this.#noticeSuspend(Date.now() - lastTickMs)
      lastTickMs = Date.now()
      for (const node of this.#nodes.list()) this.#nodeQueue.add(node.metadata.name ?? '')
    }, this.#settings.monitorPeriodMs)
  }

  async stop(): Promise<void> {
    clearInterval(this.#monitor)
    for (const { timer } of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
    await Promise.all([this.#nodeQueue.stop(), this.#evictionQueue.stop()])
  }

  // ── nodes ─────────────────────────────────────────────────────────────────────────────────────

  #health(node: Node, nowMs: number): NodeHealth {
    const name = node.metadata.name ?? ''
    return nodeHealth({
      node,
      lease: this.#leases.get(`kube-node-lease/${name}`),
      machine: this.#machines.get(name),
      nowMs,
      startedMs: this.#startedMs,
      gracePeriodMs: this.#settings.gracePeriodMs,
    })
  }

  /**
   * A tick far later than due means this process was suspended (a laptop that slept): every node's
   * connection will now fail at about the same moment, but one after the other, so the first would
   * look like the only one down. Evictions are held for a grace period, as in full disruption.
   * Wall-clock time on purpose: the monotonic clock stands still during a suspend.
   */
  #noticeSuspend(sinceLastTickMs: number): void {
    const late = suspendedFor(sinceLastTickMs, this.#settings.monitorPeriodMs)
    if (late === undefined) return
    this.#pausedUntilMs = Math.max(this.#pausedUntilMs, this.#now().getTime() + this.#settings.gracePeriodMs)
    this.#log.warn('this process was suspended; evictions from unreachable nodes are held while connections settle', { suspendedMs: late })
  }

  /** Whether evictions from unreachable nodes are held now (every node unhealthy, or just after). */
  #evictionsPaused(nowMs: number): boolean {
    const nodes = this.#nodes.list()
    const allDown = nodes.length > 0 && nodes.every((n) => !this.#health(n, nowMs).alive)
    if (allDown) this.#pausedUntilMs = nowMs + this.#settings.gracePeriodMs
    const paused = allDown || nowMs < this.#pausedUntilMs
    if (paused !== this.#paused) {
      this.#paused = paused
      if (paused) this.#log.warn('every node is unreachable: the control plane is probably cut off; no pod is evicted until nodes are heard again')
      else this.#log.info('nodes are heard again: evictions from unreachable nodes resume')
    }
    return paused
  }

  async #syncNode(name: string): Promise<void> {
    const cached = this.#nodes.get(name)
    if (!cached) return
    const nowMs = this.#now().getTime()
    const now = formatTime(nowMs)
    let node = cached
    const health = this.#health(node, nowMs)
    if (!health.alive) {
      const conditions = unknownConditions(node.status?.conditions, health.reason, health.message, now)
      if (conditions) {
        // Written against the version judged: had the agent posted since, this fails and the next look decides again.
        const patch = { metadata: { resourceVersion: node.metadata.resourceVersion }, status: { conditions } }
        const written = await this.#writeNode(resourceRef(RESOURCES.nodes, undefined, name, 'status'), STRATEGIC, patch)
        if (!written) return
        node = written
        this.#log.warn('node is not heard any more', { node: name, reason: health.reason, message: health.message })
        this.#recorder.event(node, 'Normal', REASON_NODE_NOT_READY, `Node ${name} status is now: NodeNotReady`)
      }
    }
    const paused = this.#evictionsPaused(nowMs)
    // Not while every node is unheard: the control plane is the one cut off, and taking every pod out
    // of every Service would turn its own outage into the workloads' when it comes back.
    if (!health.alive && !paused && condition(node, 'Ready')?.status === 'Unknown') await this.#markPodsNotReady(name, now)
    // A node heard again whose agent has not yet said Ready (it is clearing stale pods first) keeps
    // its NoSchedule taint, but nothing more is evicted from it.
    const taints = reconcileTaints(node, now, { holdUnreachableEviction: paused || health.alive })
    if (taints) {
      const patch = { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints } }
      const written = await this.#writeNode(resourceRef(RESOURCES.nodes, undefined, name), MERGE, patch)
      if (!written) return
      node = written
      this.#log.info('node taints', { node: name, taints: taints.map((t) => `${t.key}:${t.effect}`) })
    }
    const noExecute = (node.spec?.taints ?? []).some((t) => t.effect === 'NoExecute')
    for (const pod of this.#pods.byIndex(BY_NODE, name)) {
      if (noExecute) this.#evictionQueue.add(objectKey(pod))
      else this.#cancelEviction(objectKey(pod))
    }
  }

  /** Undefined on a conflict: the node changed since it was judged, and its change queues it again. */
  async #writeNode(ref: ResourceRef, type: typeof STRATEGIC | typeof MERGE, patch: object): Promise<Node | undefined> {
    try {
      return (await this.#api.patch(ref, type, patch, this.#ctx)).object as Node
    } catch (err) {
      if (isCode(err, 409, 404)) return undefined
      throw err
    }
  }

  #nodeGone(node: Node): void {
    for (const key of this.#firstSeen.keys()) if (key.startsWith(`${node.metadata.name ?? ''}|`)) this.#firstSeen.delete(key)
    for (const pod of this.#pods.byIndex(BY_NODE, node.metadata.name ?? '')) this.#cancelEviction(objectKey(pod))
  }

  /** Pods on a node nobody hears are not Ready: Services stop sending them traffic (MarkPodsNotReady). */
  async #markPodsNotReady(nodeName: string, now: string): Promise<void> {
    for (const pod of this.#pods.byIndex(BY_NODE, nodeName)) {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')
      if (ready?.status !== 'True') continue
      const patch = { metadata: { uid: pod.metadata.uid }, status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now, reason: 'NodeNotReady', message: `node ${nodeName} is not heard any more` }] } }
      try {
        await this.#api.patch(resourceRef(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name, 'status'), STRATEGIC, patch, this.#ctx)
      } catch (err) {
        if (!isCode(err, 404, 409)) throw err
      }
    }
  }

  // ── evictions ─────────────────────────────────────────────────────────────────────────────────

  #podChanged(pod: Pod): void {
    const key = objectKey(pod)
    if (pod.metadata.deletionTimestamp || !pod.spec?.nodeName) return this.#cancelEviction(key)
    const node = this.#nodes.get(pod.spec.nodeName)
    if (node?.spec?.taints?.some((t) => t.effect === 'NoExecute')) this.#evictionQueue.add(key)
    else this.#cancelEviction(key)
  }

  #cancelEviction(key: string): void {
    const pending = this.#timers.get(key)
    if (!pending) return
    clearTimeout(pending.timer)
    this.#timers.delete(key)
  }

  #evictAt(key: string, atMs: number, nowMs: number): void {
    const pending = this.#timers.get(key)
    if (pending?.atMs === atMs) return
    this.#cancelEviction(key)
    const timer = setTimeout(
      () => {
        this.#timers.delete(key)
        this.#evictionQueue.add(key)
      },
      Math.max(0, atMs - nowMs),
    )
    this.#timers.set(key, { atMs, timer })
  }

  async #syncEviction(key: string): Promise<void> {
    const pod = this.#pods.get(key)
    const nodeName = pod?.spec?.nodeName
    if (!pod || !nodeName || pod.metadata.deletionTimestamp) return this.#cancelEviction(key)
    const node = this.#nodes.get(nodeName)
    const nowMs = this.#now().getTime()
    const taints: TaintSince[] = (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute').map((taint) => ({ taint, sinceMs: this.#addedMs(nodeName, taint, nowMs) }))
    const plan = planEviction(pod.spec?.tolerations, taints)
    if (plan.kind === 'never') return this.#cancelEviction(key)
    if (plan.kind === 'at' && plan.atMs > nowMs) return this.#evictAt(key, plan.atMs, nowMs)
    this.#cancelEviction(key)
    await this.#evict(pod, plan.taint)
  }

  /** When a NoExecute taint was added; one without timeAdded (set by hand) counts from when it was first seen. */
  #addedMs(nodeName: string, taint: Taint, nowMs: number): number {
    const ms = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN
    if (!Number.isNaN(ms)) return ms
    const key = `${nodeName}|${taint.key}|${taint.value ?? ''}`
    const seen = this.#firstSeen.get(key)
    if (seen !== undefined) return seen
    this.#firstSeen.set(key, nowMs)
    return nowMs
  }

  async #evict(pod: Pod, taint: Taint): Promise<void> {
    const { namespace, name } = splitKey(objectKey(pod))
    this.#log.info('evicting pod from tainted node', { pod: `${namespace}/${name}`, node: pod.spec?.nodeName, taint: `${taint.key}:${taint.effect}` })
    this.#recorder.event(pod, 'Normal', REASON_TAINT_EVICTION, `Marking for deletion Pod ${namespace}/${name}`)
    try {
      await this.#api.delete(resourceRef(RESOURCES.pods, namespace, name), { preconditions: { uid: pod.metadata.uid } }, this.#ctx)
    } catch (err) {
      // Gone already, or a new pod of the same name: nothing of ours to evict.
      if (!isCode(err, 404, 409)) throw err
    }
  }
}


/** How long this process was suspended, judging by a tick `sinceLastTickMs` after the last one; undefined if it was merely late. */
export function suspendedFor(sinceLastTickMs: number, periodMs: number): number | undefined {
  const late = sinceLastTickMs - periodMs
  return late >= SUSPEND_GAP_MS ? late : undefined
}

/** For CLUSTER_CONTROLLERS. */
export function nodeLifecycleController(context: ControllerContext): NodeLifecycleController {
  return new NodeLifecycleController(context)
}
