// The node agent's node half (the agentless kubelet): registers the core/v1 Node, keeps its status
// (probe every 10 s; write on change, else at least once a minute) and renews its Lease in
// kube-node-lease every 2 s. It runs only while the node's connection is up: `start()` when it
// comes up, `stop()` the moment it drops — from then on nothing is renewed or written, and what
// follows (NotReady, taints, eviction) is the node-lifecycle controller's to decide.
//
// The two loops are independent: a slow `docker info` never delays the heartbeat.

import { RESOURCES, resourceRef } from '../../apiserver/resources.ts'
import type { MachinePrivilege, Node, OwnerReference } from '../../api/index.ts'
import type { Lease } from '../../api/index.ts'
import { deepEqual } from '../../api/validation/meta.ts'
import { ApiError } from '../../apiserver/errors.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'
import type { Logger } from '../../util/log.ts'
import { newNodeLease, nodeOwnerReference, NODE_LEASE_NAMESPACE, renewedLease, DEFAULT_LEASE_DURATION_SECONDS } from './lease.ts'
import { formatTime, nodeLabels, nodeStatus, runtimeDownConditions, withoutHeartbeats, type NodeObservation } from './node-status.ts'
import { observeNode, ProbeError, type ProbeHost, type ProbeStage } from './observe.ts'

export interface NodeAgentTimings {
  /** How often the node is probed. Kubelet: nodeStatusUpdateFrequency, 10 s. */
  statusIntervalMs: number
  /** An unchanged status is still written this often (the conditions' heartbeat). */
  statusReportIntervalMs: number
  leaseRenewIntervalMs: number
  leaseDurationSeconds: number
  /** Deadline of every call to the node. */
  callTimeoutMs: number
}

export const DEFAULT_NODE_AGENT_TIMINGS: NodeAgentTimings = {
  statusIntervalMs: 10_000,
  statusReportIntervalMs: 60_000,
  leaseRenewIntervalMs: 2_000,
  leaseDurationSeconds: DEFAULT_LEASE_DURATION_SECONDS,
  callTimeoutMs: 5_000,
}

export type ProbeOutcome =
  | { ok: true; at: Date; observation: NodeObservation }
  | { ok: false; at: Date; stage: ProbeStage; message: string }

export interface NodeAgentOptions {
  nodeName: string
  host: ProbeHost
  api: ApiServerVerbs
  ctx: RequestContext
  log: Logger
  /** nodeInfo.kubeletVersion. */
  kubeletVersion: string
  /** The Machine behind the node, as the Node's owner. */
  owner?: OwnerReference
  /** Whether a newly registered Node starts cordoned. */
  registerUnschedulable?: () => boolean
  /** What the SSH user may do, once known. */
  privilege: () => MachinePrivilege | undefined
  /**
   * True while the node must not be reported (Ready) yet: its pod sync is still removing what was
   * deleted while it was away. The heartbeat goes on; whoever holds calls probeSoon() when done.
   */
  holdStatus?: () => boolean
  /** Every probe's outcome, for the Machine's status. */
  onProbe?: (outcome: ProbeOutcome) => void
  now?: () => Date
  timings?: Partial<NodeAgentTimings>
}

const NODES: ResourceRef = RESOURCES.nodes
const LEASES: ResourceRef = resourceRef(RESOURCES.leases, NODE_LEASE_NAMESPACE)
const MERGE = 'application/merge-patch+json'

const isCode = (err: unknown, code: number): boolean => err instanceof ApiError && err.code === code

/** One start()…stop() span; loops of an ended run do nothing more. */
interface Run {
  alive: boolean
  wakes: Set<() => void>
  probeSoon: boolean
  /** Settles when both loops have returned. */
  done: Promise<void>
}

export class NodeAgent {
  readonly nodeName: string
  readonly #o: NodeAgentOptions
  readonly #t: NodeAgentTimings
  readonly #now: () => Date
  readonly #log: Logger
  #run: Run | undefined
  #node: Node | undefined
  #lease: Lease | undefined
  #lastStatusWriteMs = 0

  constructor(options: NodeAgentOptions) {
    this.nodeName = options.nodeName
    this.#o = options
    this.#t = { ...DEFAULT_NODE_AGENT_TIMINGS, ...options.timings }
    this.#now = options.now ?? (() => new Date())
    this.#log = options.log.child({ component: 'node-agent', node: options.nodeName })
  }

  get running(): boolean {
    return this.#run?.alive ?? false
  }

  /** The Node as last written or read, if registered. */
  get node(): Node | undefined {
    return this.#node
  }

  /** Starts the heartbeat and the status loop (the connection is up). Idempotent. */
  start(): void {
    if (this.#run?.alive) return
    const run: Run = { alive: true, wakes: new Set(), probeSoon: false, done: Promise.resolve() }
    this.#run = run
    run.done = Promise.all([
      this.#loop(run, 'lease', () => this.#t.leaseRenewIntervalMs, () => this.#renewLease(run)),
      this.#loop(run, 'status', () => this.#t.statusIntervalMs, () => this.#syncStatus(run)),
    ]).then(() => undefined)
  }

  /**
   * Stops both loops at once (the connection dropped, or the node is going away): nothing is
   * renewed or written after this call returns, except a write already in flight. The promise
   * settles when that too is done. Idempotent.
   */
  stop(): Promise<void> {
    const run = this.#run
    if (!run) return Promise.resolve()
    run.alive = false
    for (const wake of run.wakes) wake()
    return run.done
  }

  /** Probes again now rather than at the next tick (something the status depends on changed). */
  probeSoon(): void {
    const run = this.#run
    if (!run?.alive) return
    run.probeSoon = true
    for (const wake of run.wakes) wake()
  }

  async #loop(run: Run, what: string, intervalMs: () => number, step: () => Promise<void>): Promise<void> {
    while (run.alive) {
      if (what === 'status') run.probeSoon = false
      try {
        await step()
      } catch (err) {
        if (run.alive) this.#log.warn(`${what} sync failed`, { err })
      }
      if (!run.alive) return
      if (what === 'status' && run.probeSoon) continue
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer)
          run.wakes.delete(wake)
          resolve()
        }
        const timer = setTimeout(wake, intervalMs())
        run.wakes.add(wake)
      })
    }
  }

  // --- Heartbeat -------------------------------------------------------------------------------------

  async #renewLease(run: Run): Promise<void> {
    const name = this.nodeName
    const ref = { ...LEASES, name }
    const now = this.#now()
    const uid = this.#node?.metadata.uid
    const owner = uid ? nodeOwnerReference(name, uid) : undefined
    if (!this.#lease) {
      try {
        this.#lease = (await this.#o.api.get(ref, this.#o.ctx)) as Lease
      } catch (err) {
        if (!isCode(err, 404)) throw err
        if (!run.alive) return
        this.#lease = (await this.#o.api.create(LEASES, newNodeLease(name, this.#t.leaseDurationSeconds, now, owner), this.#o.ctx)).object as Lease
        return
      }
    }
    if (!run.alive) return
    try {
      this.#lease = (await this.#o.api.update(ref, renewedLease(this.#lease, name, this.#t.leaseDurationSeconds, now, owner), this.#o.ctx)).object as Lease
    } catch (err) {
      // Someone else wrote it (or deleted it): read it afresh on the next beat.
      this.#lease = undefined
      if (!isCode(err, 409) && !isCode(err, 404)) throw err
    }
  }

  // --- Status -----------------------------------------------------------------------------------------

  async #syncStatus(run: Run): Promise<void> {
    let observation: NodeObservation
    try {
      observation = await observeNode(this.#o.host, this.#t.callTimeoutMs)
    } catch (err) {
      if (!run.alive) return
      const stage = err instanceof ProbeError ? err.stage : 'system'
      const message = err instanceof Error ? err.message : String(err)
      this.#o.onProbe?.({ ok: false, at: this.#now(), stage, message })
      this.#log.warn('probe failed', { stage, err: message })
      if (stage === 'docker' && this.#node) await this.#postRuntimeDown(message)
      return
    }
    if (!run.alive) return
    this.#o.onProbe?.({ ok: true, at: this.#now(), observation })
    if (this.#o.holdStatus?.()) {
      this.#log.debug('status held until the node is caught up')
      return
    }
    // Read the Node afresh, as kubelet does before each update: someone may have deleted it, or
    // another writer (the lifecycle controller) changed conditions this agent must set right.
    if (this.#node) this.#node = await this.#getNode()
    if (!run.alive) return
    if (!this.#node) await this.#register(observation)
    else await this.#postStatus(observation, run)
  }

  async #getNode(): Promise<Node | undefined> {
    try {
      return (await this.#o.api.get({ ...NODES, name: this.nodeName }, this.#o.ctx)) as Node
    } catch (err) {
      if (isCode(err, 404)) return undefined
      throw err
    }
  }

  async #register(o: NodeObservation): Promise<void> {
    const name = this.nodeName
    const status = nodeStatus(o, { privilege: this.#o.privilege(), kubeletVersion: this.#o.kubeletVersion, now: this.#now() })
    const labels = nodeLabels(name, o)
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: {}, status }
    if (this.#o.owner) node.metadata.ownerReferences = [this.#o.owner]
    if (this.#o.registerUnschedulable?.()) node.spec = { unschedulable: true }
    try {
      this.#node = (await this.#o.api.create(NODES, node, this.#o.ctx)).object as Node
      this.#lastStatusWriteMs = Date.now()
      this.#log.info('node registered', { capacity: status.capacity })
      return
    } catch (err) {
      if (!isCode(err, 409)) throw err
    }
    // The Node exists (an earlier run registered it): take it over, as kubelet does on restart.
    const existing = (await this.#o.api.get({ ...NODES, name }, this.#o.ctx)) as Node
    const wantLabels = { ...existing.metadata.labels, ...labels }
    const owners = existing.metadata.ownerReferences ?? []
    const wantOwners = this.#o.owner && !owners.some((r) => r.uid === this.#o.owner?.uid) ? [...owners.filter((r) => r.kind !== this.#o.owner?.kind), this.#o.owner] : owners
    let current = existing
    if (!deepEqual(wantLabels, existing.metadata.labels) || wantOwners !== owners) {
      current = (await this.#o.api.patch({ ...NODES, name }, MERGE, { metadata: { labels: wantLabels, ownerReferences: wantOwners } }, this.#o.ctx)).object as Node
    }
    this.#node = current
    await this.#writeStatus(nodeStatus(o, { privilege: this.#o.privilege(), kubeletVersion: this.#o.kubeletVersion, now: this.#now(), previous: current.status }))
    this.#log.info('node re-registered')
  }

  async #postStatus(o: NodeObservation, run: Run): Promise<void> {
    const previous = this.#node?.status
    const status = nodeStatus(o, { privilege: this.#o.privilege(), kubeletVersion: this.#o.kubeletVersion, now: this.#now(), previous })
    const news = !deepEqual(withoutHeartbeats(status), withoutHeartbeats(previous))
    if (!news && Date.now() - this.#lastStatusWriteMs < this.#t.statusReportIntervalMs) return
    if (!run.alive) return
    await this.#writeStatus(status)
  }

  async #postRuntimeDown(message: string): Promise<void> {
    const previous = this.#node?.status
    const ready = previous?.conditions?.find((c) => c.type === 'Ready')
    if (ready?.status === 'False' && ready.reason === 'KubeletNotReady') return
    await this.#writeStatus({ ...previous, conditions: runtimeDownConditions(previous?.conditions, message, formatTime(this.#now())) })
  }

  async #writeStatus(status: Node['status']): Promise<void> {
    try {
      this.#node = (await this.#o.api.patch({ ...NODES, name: this.nodeName, subresource: 'status' }, MERGE, { status }, this.#o.ctx)).object as Node
      this.#lastStatusWriteMs = Date.now()
    } catch (err) {
      // Deleted under us (kubectl delete node): register again on the next probe.
      if (isCode(err, 404)) this.#node = undefined
      throw err
    }
  }
}
