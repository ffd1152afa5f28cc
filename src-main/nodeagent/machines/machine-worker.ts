// Everything about one machine, run apart from every other machine: its connection (SSH or the
// local socket), its node agent, its Machine.status, and its removal. A worker has its own queues,
// and every call it makes to the machine has a deadline, so a machine that hangs delays nobody
// but itself.
//
//   Machine seen ─▶ finalizer added ─▶ session: host + NodeAgent (+ components such as pod sync)
//   host state ─▶ Machine.status at once; connected → agent.start(), privilege detected
//                                      anything else → agent.stop() at once
//   Machine deleted ─▶ drain (cordon, evict, bounded wait; or force) ─▶ close ─▶ delete Lease,
//                      Node, host-key pin ─▶ finalizer removed

import { RESOURCES, resourceRef } from '../../apiserver/resources.ts'
import type { Machine, MachinePrivilege, MachineStatus, OwnerReference } from '../../api/index.ts'
import { deepEqual } from '../../api/validation/meta.ts'
import { ApiError } from '../../apiserver/errors.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'
import { RetryQueue } from '../../controllers/queue.ts'
import type { Logger } from '../../util/log.ts'
import { NodeAgent, type NodeAgentTimings, type ProbeOutcome } from '../node/node-agent.ts'
import { formatTime } from '../node/node-status.ts'
import { NODE_LEASE_NAMESPACE } from '../node/lease.ts'
import { SshAuthError, type ConnectionStatus } from '../ssh/connection.ts'
import { drainNode } from './drain.ts'
import type { MachineHost } from './host.ts'
import { machineStatus, type DockerFact } from './machine-status.ts'
import { detectPrivilege } from './privilege.ts'

/** Held by every Machine until its node has been drained and removed. */
export const MACHINE_FINALIZER = 'coxswain.dev/node-cleanup'
/** `"true"` on a Machine being deleted: skip the drain (pods are force-deleted at once). */
export const FORCE_REMOVE_ANNOTATION = 'coxswain.dev/force-remove'
/** Any new value: try to connect again now (after installing the key, say). */
export const RECONNECT_ANNOTATION = 'coxswain.dev/reconnect'

export interface MachineTimings extends NodeAgentTimings {
  keepaliveIntervalMs: number
  keepaliveCountMax: number
  /** Limit for TCP connect + handshake + authentication. */
  readyTimeoutMs: number
  /** Longest wait for a draining node's pods to go. */
  drainTimeoutMs: number
  /** A machine that refused our key is tried again this often (someone may have installed it). */
  authRetryMs: number
}

/** Something else that runs per node while its connection is up (pod sync, say). */
export interface NodeComponent {
  /**
   * False while the component catches up with a node that has just (re)connected (pod sync:
   * removing containers of pods deleted meanwhile). The node agent holds its status, so the node
   * does not turn Ready, until every component is settled; the component then calls
   * `agent.probeSoon()`. Absent: always settled.
   */
  settled?(): boolean
  start(): void
  /** Stops at once; settles when work in flight is done. */
  stop(): Promise<void>
  /**
   * The node is leaving the cluster (its Machine deleted, pods drained): stop, and take away what
   * the component made on the node (the network's routes and rules, say). Called while the
   * connection is still up; a failure is logged and the removal goes on.
   */
  leave?(): Promise<void>
}

export interface NodeSession {
  nodeName: string
  machine: Machine
  host: MachineHost
  agent: NodeAgent
}

export type NodeComponentFactory = (session: NodeSession) => NodeComponent

export interface MachineWorkerOptions {
  name: string
  api: ApiServerVerbs
  ctx: RequestContext
  log: Logger
  createHost: (machine: Machine) => MachineHost
  /** Drops the pinned host key of a machine being removed. */
  forgetHostKey: (machine: Machine) => void
  kubeletVersion: string
  timings: MachineTimings
  components?: readonly NodeComponentFactory[]
  /** Every connection state change (null: the machine is gone). */
  onConnection?: (name: string, status: ConnectionStatus | null) => void
  now?: () => Date
}

interface Session {
  key: string
  machine: Machine
  host: MachineHost
  agent: NodeAgent
  components: NodeComponent[]
  dispose: () => void
  privilege?: MachinePrivilege
  docker?: DockerFact
  lastProbeTime?: string
  lastProbeMs: number
  authRetry?: NodeJS.Timeout
}

const MACHINES: ResourceRef = RESOURCES.machines
const NODES: ResourceRef = RESOURCES.nodes
const LEASES: ResourceRef = resourceRef(RESOURCES.leases, NODE_LEASE_NAMESPACE)
const MERGE = 'application/merge-patch+json'
const isCode = (err: unknown, code: number): boolean => err instanceof ApiError && err.code === code

/** What, when changed, needs a new connection. */
export function sessionKey(m: Machine): string {
  const s = m.spec ?? {}
  return JSON.stringify([s.local ?? false, s.address, s.port, s.user, s.auth?.type, s.auth?.path, s.hostKeyFingerprint, s.trustOnFirstUse ?? false, s.dockerSocket])
}

export function machineOwnerReference(m: Machine): OwnerReference {
  return { apiVersion: 'coxswain.dev/v1alpha1', kind: 'Machine', name: m.metadata.name ?? '', uid: m.metadata.uid ?? '', controller: true }
}

/** A merge patch turning `before` into `after` at the top level: keys that went away become null. */
function replacing(before: object | undefined, after: object): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...after }
  for (const k of Object.keys(before ?? {})) if (!(k in after)) patch[k] = null
  return patch
}

export class MachineWorker {
  readonly name: string
  readonly #o: MachineWorkerOptions
  readonly #log: Logger
  readonly #now: () => Date
  readonly #sync: RetryQueue
  readonly #status: RetryQueue
  readonly #abort = new AbortController()
  #desired: Machine | undefined
  #session: Session | undefined
  #lastWritten: MachineStatus | undefined
  #observedGeneration: number | undefined
  #reconnectSeen: string | undefined
  #removed = false

  constructor(options: MachineWorkerOptions) {
    this.name = options.name
    this.#o = options
    this.#log = options.log.child({ component: 'machine', node: options.name })
    this.#now = options.now ?? (() => new Date())
    this.#sync = new RetryQueue({ handle: () => this.#reconcile(), log: this.#log })
    this.#status = new RetryQueue({ handle: () => this.#writeStatus(), log: this.#log })
    this.#sync.start()
    this.#status.start()
  }

  /** The current session's parts, while there is one (for tests and the dashboard). */
  get session(): NodeSession | undefined {
    const s = this.#session
    return s && { nodeName: this.name, machine: s.machine, host: s.host, agent: s.agent }
  }

  /** Hands over the latest Machine; the worker converges on it in its own time. Never blocks. */
  update(machine: Machine): void {
    this.#desired = machine
    this.#sync.add('machine')
  }

  /** Ends the worker without touching the API (the controller stops, or the Machine is gone). */
  async stop(): Promise<void> {
    this.#abort.abort()
    await Promise.all([this.#sync.stop(), this.#status.stop()])
    await this.#closeSession()
  }

  // --- Reconcile ---------------------------------------------------------------------------------------

  async #reconcile(): Promise<void> {
    const m = this.#desired
    if (!m || this.#removed || this.#abort.signal.aborted) return
    const finalizers = m.metadata.finalizers ?? []
    if (m.metadata.deletionTimestamp) {
      if (finalizers.includes(MACHINE_FINALIZER)) await this.#remove(m)
      return
    }
    if (!finalizers.includes(MACHINE_FINALIZER)) {
      // Comes back through the watch as a new Machine, which triggers the next reconcile.
      await this.#patchMachine({ metadata: { finalizers: [...finalizers, MACHINE_FINALIZER], resourceVersion: m.metadata.resourceVersion } })
      return
    }
    const key = sessionKey(m)
    if (this.#session?.key !== key) {
      await this.#closeSession()
      this.#openSession(m, key)
    } else {
      this.#session.machine = m
      const reconnect = m.metadata.annotations?.[RECONNECT_ANNOTATION]
      if (reconnect !== undefined && reconnect !== this.#reconnectSeen && this.#session.host.status.state !== 'connected') this.#session.host.reconnect()
      this.#reconnectSeen = reconnect
    }
    if (m.metadata.generation !== undefined && m.metadata.generation !== (this.#observedGeneration ?? m.status?.observedGeneration)) {
      // The spec changed since it was last acted on: apply spec.unschedulable to the Node.
      try {
        await this.#o.api.patch({ ...NODES, name: this.name }, MERGE, { spec: { unschedulable: m.spec?.unschedulable ? true : null } }, this.#o.ctx)
      } catch (err) {
        if (!isCode(err, 404)) throw err
      }
      this.#observedGeneration = m.metadata.generation
      this.#status.add('status')
    }
  }

  #openSession(machine: Machine, key: string): void {
    const host = this.#o.createHost(machine)
    const session: Session = { key, machine, host, agent: undefined as unknown as NodeAgent, components: [], dispose: () => {}, lastProbeMs: 0 }
    session.agent = new NodeAgent({
      nodeName: this.name,
      host,
      api: this.#o.api,
      ctx: this.#o.ctx,
      log: this.#o.log,
      kubeletVersion: this.#o.kubeletVersion,
      owner: machineOwnerReference(machine),
      registerUnschedulable: () => this.#desired?.spec?.unschedulable === true,
      privilege: () => session.privilege,
      onProbe: (outcome) => this.#onProbe(session, outcome),
      holdStatus: () => session.components.some((c) => c.settled?.() === false),
      now: this.#now,
      timings: this.#o.timings,
    })
    const parts: NodeSession = { nodeName: this.name, machine, host, agent: session.agent }
    session.components = (this.#o.components ?? []).map((factory) => factory(parts))
    this.#reconnectSeen = machine.metadata.annotations?.[RECONNECT_ANNOTATION]
    this.#session = session
    session.dispose = host.on('state', (status) => this.#onState(session, status))
    host.start()
    this.#onState(session, host.status)
  }

  /** Lets every component clean the node up while the connection is still there (if it is). */
  async #leaveNode(): Promise<void> {
    const session = this.#session
    if (!session || session.host.status.state !== 'connected') {
      if (session) this.#log.warn('the node is not connected: what Coxswain set up on it (routes, rules) stays there')
      return
    }
    await Promise.all(
      session.components.map((c) =>
        c.leave?.().catch((err: unknown) => this.#log.warn('cleaning the node up failed; it keeps what it had', { err })),
      ),
    )
  }

  async #closeSession(): Promise<void> {
    const session = this.#session
    if (!session) return
    this.#session = undefined
    session.dispose()
    clearTimeout(session.authRetry)
    await Promise.all([session.agent.stop(), ...session.components.map((c) => c.stop())])
    await session.host.close()
  }

  #onState(session: Session, status: ConnectionStatus): void {
    if (session !== this.#session) return
    this.#o.onConnection?.(this.name, status)
    clearTimeout(session.authRetry)
    if (status.state === 'connected') {
      session.agent.start()
      for (const component of session.components) component.start()
      void this.#detectPrivilege(session)
    } else {
      // The moment the link is gone nothing more is renewed: the lifecycle controller decides what follows.
      void session.agent.stop()
      for (const component of session.components) void component.stop()
      session.docker = undefined
      if (status.state === 'refused' && status.error instanceof SshAuthError) {
        session.authRetry = setTimeout(() => session === this.#session && session.host.reconnect(), this.#o.timings.authRetryMs)
      }
    }
    this.#status.add('status')
  }

  async #detectPrivilege(session: Session): Promise<void> {
    try {
      const privilege = await detectPrivilege((argv, o) => session.host.exec(argv, o), this.#o.timings.callTimeoutMs)
      if (session !== this.#session) return
      if (privilege !== session.privilege) this.#log.info('privilege detected', { privilege })
      session.privilege = privilege
      session.agent.probeSoon()
      this.#status.add('status')
    } catch (err) {
      if (session === this.#session && session.host.status.state === 'connected') this.#log.warn('could not tell what the SSH user may do', { err })
    }
  }

  #onProbe(session: Session, outcome: ProbeOutcome): void {
    if (session !== this.#session) return
    if (outcome.ok) {
      session.docker = { reachable: true, version: outcome.observation.docker.ServerVersion }
      // lastProbeTime moves at most once per report interval: a write every 10 s would tell nobody anything.
      if (outcome.at.getTime() - session.lastProbeMs >= this.#o.timings.statusReportIntervalMs) {
        session.lastProbeMs = outcome.at.getTime()
        session.lastProbeTime = formatTime(outcome.at)
      }
    } else if (outcome.stage === 'docker') {
      session.docker = { reachable: false, message: outcome.message }
    }
    this.#status.add('status')
  }

  // --- Status --------------------------------------------------------------------------------------------

  async #writeStatus(): Promise<void> {
    const m = this.#desired
    const session = this.#session
    if (!m || !session || this.#removed || m.metadata.deletionTimestamp) return
    const previous = this.#lastWritten ?? m.status
    const observedGeneration = this.#observedGeneration ?? m.status?.observedGeneration
    const facts = {
      connection: session.host.status,
      hostKeyFingerprint: session.host.hostKeyFingerprint,
      privilege: session.privilege,
      docker: session.docker,
      lastProbeTime: session.lastProbeTime,
      ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    }
    const status = machineStatus(facts, previous, formatTime(this.#now()))
    if (deepEqual(status, previous)) return
    try {
      await this.#o.api.patch({ ...MACHINES, name: this.name, subresource: 'status' }, MERGE, { status: replacing({ ...m.status, ...this.#lastWritten }, status) }, this.#o.ctx)
      this.#lastWritten = status
    } catch (err) {
      if (!isCode(err, 404)) throw err
    }
  }

  // --- Removal ---------------------------------------------------------------------------------------------

  async #remove(m: Machine): Promise<void> {
    const force = m.metadata.annotations?.[FORCE_REMOVE_ANNOTATION] === 'true'
    this.#log.info(force ? 'removing the node without draining it' : 'draining the node before removing it')
    const drained = await drainNode({
      api: this.#o.api,
      ctx: this.#o.ctx,
      nodeName: this.name,
      timeoutMs: this.#o.timings.drainTimeoutMs,
      force,
      signal: this.#abort.signal,
      log: this.#log,
    })
    if (this.#abort.signal.aborted) return
    await this.#leaveNode()
    await this.#closeSession()
    for (const ref of [{ ...LEASES, name: this.name }, { ...NODES, name: this.name }]) {
      try {
        await this.#o.api.delete(ref, {}, this.#o.ctx)
      } catch (err) {
        if (!isCode(err, 404)) throw err
      }
    }
    this.#o.forgetHostKey(m)
    const finalizers = (m.metadata.finalizers ?? []).filter((f) => f !== MACHINE_FINALIZER)
    // A conflict fails this attempt: the queue retries with the newer Machine (the drain again finds nothing to do).
    await this.#patchMachine({ metadata: { finalizers, resourceVersion: m.metadata.resourceVersion } }, false)
    this.#removed = true
    this.#o.onConnection?.(this.name, null)
    this.#log.info('machine removed', { evicted: drained.evicted.length, forceDeleted: drained.forced })
  }

  /** 404 is fine (the Machine is gone); so is 409 when `conflictOk` (its newer version is on its way to update()). */
  async #patchMachine(patch: object, conflictOk = true): Promise<void> {
    try {
      await this.#o.api.patch({ ...MACHINES, name: this.name }, MERGE, patch, this.#o.ctx)
    } catch (err) {
      if (!isCode(err, 404) && !(conflictOk && isCode(err, 409))) throw err
    }
  }
}
