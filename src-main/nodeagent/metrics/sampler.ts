// One node's metrics sampler, a per-node component of the machine controller: while the node's
// connection is up it samples every 10 s (the first time 1 s after the baseline, so `kubectl top`
// has numbers soon) and keeps the latest in the MetricsStore.
//   node: `cat /proc/stat /proc/meminfo` over the connection; CPU from this and the previous
//         /proc/stat, memory working set = MemTotal − MemAvailable
//   pods: the running containers Coxswain manages (infra and init containers left out), one
//         non-streaming `docker stats` each, a few at a time

import { withDeadline } from '../../util/deadline.ts'
import type { Logger } from '../../util/log.ts'
import type { NodeComponentFactory } from '../machines/machine-worker.ts'
import { CONTAINER_NAME_LABEL, MANAGED_LABEL, POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL, ROLE_LABEL } from '../pods/names.ts'
import { containerUsage, nodeCpuNanocores, nodeMemoryWorkingSet, parseProcStat, type ContainerUsage, type DockerStats, type ProcStat } from './parse.ts'
import type { MetricsStore, PodSample } from './store.ts'

export interface MetricsTimings {
  /** Between samples (metrics-server's and kubelet's default resolution). */
  intervalMs: number
  /** From the baseline /proc/stat to the first sample. */
  firstSampleMs: number
  /** Limit for each call to the node. */
  callTimeoutMs: number
  /** `docker stats` calls in flight at once on one node. */
  statsConcurrency: number
}

export const DEFAULT_METRICS_TIMINGS: MetricsTimings = { intervalMs: 10_000, firstSampleMs: 1_000, callTimeoutMs: 8_000, statsConcurrency: 4 }

export interface ContainerSummary {
  Id: string
  Labels?: Record<string, string>
}

/** What the sampler needs of a node. */
export interface MetricsNode {
  /** `cat /proc/stat /proc/meminfo`'s output. */
  readProc(signal: AbortSignal): Promise<string>
  /** Running containers labelled io.coxswain.managed=true. */
  runningContainers(signal: AbortSignal): Promise<ContainerSummary[]>
  /** One non-streaming `docker stats`. */
  stats(id: string, signal: AbortSignal): Promise<DockerStats>
}

/** The containers whose usage counts for their pod: managed app containers (not the infra holder, not init). */
export function podContainers(list: readonly ContainerSummary[]): { id: string; namespace: string; pod: string; uid: string; container: string }[] {
  const out = []
  for (const c of list) {
    const l = c.Labels ?? {}
    const namespace = l[POD_NAMESPACE_LABEL]
    const pod = l[POD_NAME_LABEL]
    const uid = l[POD_UID_LABEL]
    const container = l[CONTAINER_NAME_LABEL]
    if (l[MANAGED_LABEL] !== 'true' || !namespace || !pod || !uid || !container) continue
    if (container === 'POD' || l[ROLE_LABEL] === 'infra' || l[ROLE_LABEL] === 'init') continue
    out.push({ id: c.Id, namespace, pod, uid, container })
  }
  return out
}

/**
 * Pod samples from per-container usage. A pod whose container could not be measured is left out
 * (metrics-server drops incomplete pods rather than under-report them). The pod's timestamp is its
 * latest container read; its window the shortest.
 */
export function podSamples(node: string, containers: ReturnType<typeof podContainers>, usage: ReadonlyMap<string, ContainerUsage | undefined>): PodSample[] {
  const byPod = new Map<string, { sample: PodSample; complete: boolean }>()
  for (const c of containers) {
    const key = `${c.namespace}/${c.pod}/${c.uid}`
    let entry = byPod.get(key)
    if (!entry) {
      entry = { sample: { node, namespace: c.namespace, name: c.pod, uid: c.uid, timestampMs: 0, windowMs: 0, containers: [] }, complete: true }
      byPod.set(key, entry)
    }
    const u = usage.get(c.id)
    if (!u) {
      entry.complete = false
      continue
    }
    const s = entry.sample
    s.timestampMs = Math.max(s.timestampMs, u.timestampMs)
    s.windowMs = s.windowMs === 0 ? u.windowMs : Math.min(s.windowMs, u.windowMs)
    s.containers.push({ name: c.container, usage: { cpuNanocores: u.cpuNanocores, memoryWorkingSetBytes: u.memoryWorkingSetBytes } })
  }
  return [...byPod.values()].filter((e) => e.complete && e.sample.containers.length > 0).map((e) => {
    e.sample.containers.sort((a, b) => a.name.localeCompare(b.name))
    return e.sample
  })
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export interface SamplerOptions {
  nodeName: string
  node: MetricsNode
  store: MetricsStore
  log: Logger
  timings?: Partial<MetricsTimings>
  now?: () => number
}

export class NodeMetricsSampler {
  readonly #o: SamplerOptions
  readonly #t: MetricsTimings
  readonly #now: () => number
  #prev: { stat: ProcStat; atMs: number } | undefined
  #timer: NodeJS.Timeout | undefined
  #inFlight: Promise<void> | undefined
  #running = false
  #rounds = 0

  constructor(options: SamplerOptions) {
    this.#o = options
    this.#t = { ...DEFAULT_METRICS_TIMINGS, ...options.timings }
    this.#now = options.now ?? Date.now
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#schedule(0)
  }

  async stop(): Promise<void> {
    this.#running = false
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#inFlight
    this.#prev = undefined
    this.#rounds = 0
    this.#o.store.forget(this.#o.nodeName)
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#inFlight = this.sample().finally(() => {
        this.#inFlight = undefined
        this.#rounds++
        if (this.#running) this.#schedule(this.#rounds === 1 ? this.#t.firstSampleMs : this.#t.intervalMs)
      })
    }, delayMs)
  }

  /** One round: node and pods side by side; a failure of one leaves the other's figures (and logs at debug). */
  async sample(): Promise<void> {
    await Promise.all([
      this.#sampleNode().catch((err: unknown) => this.#o.log.debug('node metrics sample failed', { node: this.#o.nodeName, err })),
      this.#samplePods().catch((err: unknown) => this.#o.log.debug('pod metrics sample failed', { node: this.#o.nodeName, err })),
    ])
  }

  async #sampleNode(): Promise<void> {
    const { node, nodeName, store } = this.#o
    const text = await withDeadline(`/proc sample on ${nodeName}`, this.#t.callTimeoutMs, (signal) => node.readProc(signal))
    const atMs = this.#now()
    const stat = parseProcStat(text)
    const memory = nodeMemoryWorkingSet(text)
    const prev = this.#prev
    this.#prev = { stat, atMs }
    const cpu = prev ? nodeCpuNanocores(prev.stat, stat) : undefined
    if (!prev || cpu === undefined || !this.#running) return
    store.setNode({ node: nodeName, timestampMs: atMs, windowMs: atMs - prev.atMs, usage: { cpuNanocores: cpu, memoryWorkingSetBytes: memory } })
  }

  async #samplePods(): Promise<void> {
    const { node, nodeName, store } = this.#o
    const list = await withDeadline(`container list on ${nodeName}`, this.#t.callTimeoutMs, (signal) => node.runningContainers(signal))
    const containers = podContainers(list)
    const usages = await mapLimited(containers, this.#t.statsConcurrency, (c) =>
      withDeadline(`docker stats ${c.id.slice(0, 12)} on ${nodeName}`, this.#t.callTimeoutMs, (signal) => node.stats(c.id, signal)).then(containerUsage, () => undefined),
    )
    if (!this.#running) return
    store.setPods(nodeName, podSamples(nodeName, containers, new Map(containers.map((c, i) => [c.id, usages[i]]))))
  }
}

/** The sampler as a machine-controller component: one per connected node. */
export function metricsComponent(deps: { store: MetricsStore; log: Logger; timings?: Partial<MetricsTimings> }): NodeComponentFactory {
  return (session) => {
    const host = session.host
    const docker = host.dockerode
    const timings = { ...DEFAULT_METRICS_TIMINGS, ...deps.timings }
    const node: MetricsNode = {
      readProc: async () => {
        const r = await host.exec(['cat', '/proc/stat', '/proc/meminfo'], { timeoutMs: timings.callTimeoutMs })
        if (r.code !== 0) throw new Error(`cat /proc/stat /proc/meminfo exited ${r.code}: ${r.stderr.trim()}`)
        return r.stdout
      },
      // dockerode takes abortSignal on both calls; @types/dockerode does not say so.
      runningContainers: (signal) =>
        docker.listContainers({ filters: { label: [`${MANAGED_LABEL}=true`], status: ['running'] }, abortSignal: signal } as object) as Promise<ContainerSummary[]>,
      stats: (id, signal) => docker.getContainer(id).stats({ stream: false, abortSignal: signal } as { stream: false }) as unknown as Promise<DockerStats>,
    }
    return new NodeMetricsSampler({ nodeName: session.nodeName, node, store: deps.store, log: deps.log.child({ node: session.nodeName }), timings })
  }
}
