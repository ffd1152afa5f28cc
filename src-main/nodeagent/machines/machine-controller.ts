// Watches Machines and keeps one MachineWorker per Machine. The controller itself never talks to
// a machine: it only hands each worker its latest Machine, so its own queue never waits on a
// network. Everything per machine — connection, node agent, status, drain — runs in that
// machine's worker, and one machine that hangs delays no other.

import { RESOURCES } from '../../apiserver/resources.ts'
import type { KubeObject, Machine } from '../../api/index.ts'
import { systemContext } from '../../apiserver/api-server.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'
import { ListWatch } from '../../controllers/list-watch.ts'
import { RetryQueue } from '../../controllers/queue.ts'
import type { ClusterKey } from '../../security/cluster-key.ts'
import type { Logger } from '../../util/log.ts'
import { DEFAULT_NODE_AGENT_TIMINGS } from '../node/node-agent.ts'
import type Dockerode from 'dockerode'
import type { ConnectionStatus } from '../ssh/connection.ts'
import type { NodeRuntimeResolver } from '../streams/types.ts'
import type { PinnedHostKeys } from '../ssh/pinned-host-keys.ts'
import { createMachineHost, forgetMachineHostKey } from './hosts.ts'
import type { MachineHost } from './host.ts'
import { MachineWorker, type MachineTimings, type NodeComponentFactory, type NodeSession } from './machine-worker.ts'

export const DEFAULT_MACHINE_TIMINGS: MachineTimings = {
  ...DEFAULT_NODE_AGENT_TIMINGS,
  keepaliveIntervalMs: 1000,
  keepaliveCountMax: 3,
  readyTimeoutMs: 5000,
  drainTimeoutMs: 60_000,
  authRetryMs: 30_000,
}

export const MACHINES: ResourceRef = RESOURCES.machines

export interface MachineControllerOptions {
  api: ApiServerVerbs
  log: Logger
  /** The cluster's SSH key, for machines with `auth.type: ClusterKey`. */
  clusterKey?: ClusterKey
  /** Host keys pinned on first trust (DATA_DIR/known_hosts.json). */
  pins: PinnedHostKeys
  /** nodeInfo.kubeletVersion of every node. */
  kubeletVersion: string
  timings?: Partial<MachineTimings>
  /** How to reach a machine; the real thing by default, fakes in tests. */
  createHost?: (machine: Machine) => MachineHost
  /** Per-node components started with each node's connection (pod sync). */
  components?: readonly NodeComponentFactory[]
  /** Every node connection change (null: the machine is gone), for the dashboard's summary. */
  onConnection?: (name: string, status: ConnectionStatus | null) => void
  now?: () => Date
}

export class MachineController implements NodeRuntimeResolver {
  readonly #o: MachineControllerOptions
  readonly #log: Logger
  readonly #ctx: RequestContext = systemContext('machine-controller')
  readonly #timings: MachineTimings
  readonly #cache = new Map<string, Machine>()
  readonly #workers = new Map<string, MachineWorker>()
  readonly #stopping = new Set<Promise<void>>()
  readonly #queue: RetryQueue
  readonly #listWatch: ListWatch

  constructor(options: MachineControllerOptions) {
    this.#o = options
    this.#log = options.log.child({ component: 'machine-controller' })
    this.#timings = { ...DEFAULT_MACHINE_TIMINGS, ...options.timings }
    this.#queue = new RetryQueue({ handle: async (name) => this.#handle(name), log: this.#log })
    this.#listWatch = new ListWatch({
      api: options.api,
      ref: MACHINES,
      ctx: this.#ctx,
      log: this.#log,
      handlers: {
        replace: (objects) => {
          const names = new Set<string>()
          for (const obj of objects) names.add(obj.metadata.name ?? '')
          for (const name of [...this.#cache.keys(), ...this.#workers.keys()]) if (!names.has(name)) this.#cache.delete(name)
          for (const obj of objects) this.#cache.set(obj.metadata.name ?? '', obj as Machine)
          for (const name of new Set([...names, ...this.#workers.keys()])) this.#queue.add(name)
        },
        change: (type, obj: KubeObject) => {
          const name = obj.metadata.name ?? ''
          if (type === 'DELETED') this.#cache.delete(name)
          else this.#cache.set(name, obj as Machine)
          this.#queue.add(name)
        },
      },
    })
  }

  async start(): Promise<void> {
    this.#queue.start()
    this.#listWatch.start()
    await this.#listWatch.synced
  }

  /** Stops watching and ends every worker (connections closed; nothing written). */
  async stop(): Promise<void> {
    await this.#listWatch.stop()
    await this.#queue.stop()
    const workers = [...this.#workers.values()]
    this.#workers.clear()
    await Promise.all([...workers.map((w) => w.stop()), ...this.#stopping])
  }

  /** The session of node `name` while its machine is connected or trying to (tests, dashboard). */
  session(name: string): NodeSession | undefined {
    return this.#workers.get(name)?.session
  }

  /** Node `name`'s Docker client while its machine is connected (container streams, pod sync). */
  dockerFor(name: string): Dockerode | undefined {
    const session = this.session(name)
    return session?.host.status.state === 'connected' ? session.host.dockerode : undefined
  }

  /** Never waits on a machine: creating a worker or handing it a Machine returns at once. */
  #handle(name: string): void {
    const machine = this.#cache.get(name)
    const worker = this.#workers.get(name)
    if (!machine) {
      if (!worker) return
      this.#workers.delete(name)
      const stopping = worker.stop().finally(() => this.#stopping.delete(stopping))
      this.#stopping.add(stopping)
      this.#o.onConnection?.(name, null)
      return
    }
    if (worker) {
      worker.update(machine)
      return
    }
    const created = new MachineWorker({
      name,
      api: this.#o.api,
      ctx: this.#ctx,
      log: this.#o.log,
      createHost:
        this.#o.createHost ??
        ((m) => createMachineHost(m, { clusterKey: this.#o.clusterKey, pins: this.#o.pins, log: this.#o.log, timings: this.#timings })),
      forgetHostKey: (m) => forgetMachineHostKey(m, this.#o.pins),
      kubeletVersion: this.#o.kubeletVersion,
      timings: this.#timings,
      ...(this.#o.components ? { components: this.#o.components } : {}),
      ...(this.#o.onConnection ? { onConnection: this.#o.onConnection } : {}),
      ...(this.#o.now ? { now: this.#o.now } : {}),
    })
    this.#workers.set(name, created)
    created.update(machine)
  }
}
