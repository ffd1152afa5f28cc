// Scheduler throughput, in process, no Docker: 5,000 pods onto 500 and onto 5,000 simulated nodes
// with the default profile, at two depths, each against baselines measured in the same run:
//
//   (1) cycle  — the scheduling algorithm alone: for each pod one full cycle (PreFilter, Filter,
//                Score over the cache) and the assume that counts it on its node; no API server.
//                Again with every pod carrying preferred anti-affinity to its own ReplicaSet, the
//                costliest common rule (Kubernetes' scheduler_perf has the same test).
//   (2) e2e    — the real Scheduler controller on a real ApiServer (memory store): the pods exist
//                unbound, the scheduler starts, and the clock stops when the pod watch has seen all
//                5,000 bindings. This is what Kubernetes' scheduler_perf measures (its gate at 5,000
//                nodes is 680 pods/s).
//   (3) burst  — 30 pods of one ReplicaSet created at once onto 3 nodes: ms to the 30th binding,
//                against the same pods created already bound (see benchBurst).
//
// Baselines: "first fit" places the same pods with the cheapest possible rule (the first node with
// room for the pod's CPU and memory) over the same cache, the floor any scheduler pays for touching
// its data; and the 500-node figure for the 5,000-node one (how the cost per pod scales).
// Workload: 50 ReplicaSets of 100 pods (100m CPU, 128Mi each; every ReplicaSet behind a Service),
// nodes of 4 CPU / 16Gi / 110 pods in 3 zones. Wall time and this process's CPU time are both
// measured; on a shared machine the CPU time is the steadier figure. About a minute.
//
//   npm run bench:scheduler

import { cpus, loadavg } from 'node:os'
import type { Node, Pod, Service } from '../src-main/api/index.ts'
import { systemContext } from '../src-main/apiserver/api-server.ts'
import { RESOURCES, resourceRef } from '../src-main/apiserver/resources.ts'
import { newTestServer } from '../src-main/apiserver/testing.ts'
import { ControllerManager } from '../src-main/controllers/manager.ts'
import { SchedulerCache } from '../src-main/scheduler/cache.ts'
import { runCycle } from '../src-main/scheduler/framework/cycle.ts'
import { podInfo } from '../src-main/scheduler/framework/pod-info.ts'
import { seededRandom } from '../src-main/scheduler/framework/random.ts'
import { defaultProfile } from '../src-main/scheduler/profile.ts'
import { Scheduler } from '../src-main/scheduler/scheduler.ts'
import { createLogger } from '../src-main/util/log.ts'

const PODS = 5000
const GROUPS = 50
const NODE_COUNTS = [500, 5000]
/** `node bench/scheduler.ts e2e` runs one kind only (first-fit, cycle, e2e or burst), for profiling. */
const ONLY = process.argv[2]
/** Runs of the in-memory measurements (first fit, cycle); e2e runs once (its setup dominates). */
const RUNS = 3
const KUBERNETES_GATE_PODS_PER_SECOND = 680
const quiet = createLogger({}, () => {}, 'error')
const ctx = systemContext('bench')

function simulatedNode(i: number): Node {
  const name = `node-${String(i).padStart(5, '0')}`
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
    spec: {},
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      conditions: [{ type: 'Ready', status: 'True' }],
      images: [{ names: ['registry.local/app:1'], sizeBytes: 50 * 1024 * 1024 }],
    },
  }
}

function replicaPod(i: number, antiAffinity = false): Pod {
  const group = i % GROUPS
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `app-${group}-${i}`,
      namespace: 'default',
      uid: `pod-uid-${i}`,
      labels: { app: `app-${group}`, 'pod-template-hash': 'abc123' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `app-${group}-abc123`, uid: `rs-uid-${group}`, controller: true }],
    },
    spec: {
      containers: [{ name: 'app', image: 'registry.local/app:1', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
      ...(antiAffinity
        ? { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: `app-${group}` } } } }] } } }
        : {}),
    },
  }
}

function service(group: number): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: `app-${group}`, namespace: 'default' }, spec: { selector: { app: `app-${group}` }, ports: [{ port: 80 }] } }
}

function filledCache(nodes: number): SchedulerCache {
  const cache = new SchedulerCache()
  for (let i = 0; i < nodes; i++) cache.setNode(simulatedNode(i))
  for (let g = 0; g < GROUPS; g++) cache.setService(service(g))
  return cache
}

interface Row {
  what: string
  nodes: number
  seconds: number
  /** This process's CPU time (user + system) over the same span: steadier than wall time on a shared machine. */
  cpuSeconds: number
  podsPerSecond: number
  usPerPod: number
  note: string
}

/** Wall and CPU time since `start()`. */
function start(): () => { seconds: number; cpuSeconds: number } {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  return () => {
    const c = process.cpuUsage(c0)
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 }
  }
}

function row(what: string, nodes: number, time: { seconds: number; cpuSeconds: number }, note = ''): Row {
  return { what, nodes, ...time, podsPerSecond: PODS / time.seconds, usPerPod: (time.cpuSeconds * 1e6) / PODS, note }
}

/** (1) The algorithm over the cache, with assume: every pod placed. */
function benchCycle(nodes: number, antiAffinity = false): Row {
  const cache = filledCache(nodes)
  const profile = defaultProfile()
  const random = seededRandom(1)
  const pods = Array.from({ length: PODS }, (_, i) => replicaPod(i, antiAffinity))
  let startIndex = 0
  const stop = start()
  for (const pod of pods) {
    const info = podInfo(pod)
    const result = runCycle(profile, pod, cache, { random, startIndex, info })
    if (!result.node) throw new Error(`pod ${pod.metadata.name ?? ''} found no node`)
    startIndex = result.nextStartIndex
    cache.assume(info, result.node)
  }
  return row(antiAffinity ? 'cycle, preferred anti-affinity' : 'cycle (default profile)', nodes, stop())
}

/** Baseline: first node with room for CPU and memory, over the same cache. */
function benchFirstFit(nodes: number): Row {
  const cache = filledCache(nodes)
  const pods = Array.from({ length: PODS }, (_, i) => replicaPod(i))
  const stop = start()
  for (const pod of pods) {
    const info = podInfo(pod)
    const node = cache.nodes().find((n) => n.pods.size < n.allowedPods && n.allocatable.milliCPU - n.requested.milliCPU >= info.requests.milliCPU && n.allocatable.memory - n.requested.memory >= info.requests.memory)
    if (!node) throw new Error('first fit found no node')
    cache.assume(info, node.name)
  }
  return row('baseline: first fit', nodes, stop())
}

/** (2) The Scheduler controller on an ApiServer: from start to the 5,000th binding seen on a watch. */
async function benchEndToEnd(nodes: number): Promise<Row> {
  const s = await newTestServer()
  for (let i = 0; i < nodes; i++) {
    const node = simulatedNode(i)
    await s.api.create(RESOURCES.nodes, { ...node, status: undefined }, ctx)
    await s.api.update(resourceRef(RESOURCES.nodes, undefined, node.metadata.name, 'status'), node, ctx)
  }
  for (let g = 0; g < GROUPS; g++) await s.api.create(resourceRef(RESOURCES.services, 'default'), service(g), ctx)
  for (let i = 0; i < PODS; i++) {
    const pod = replicaPod(i)
    delete pod.metadata.uid
    await s.api.create(resourceRef(RESOURCES.pods, 'default'), pod, ctx)
  }
  const watch = await s.api.watch(resourceRef(RESOURCES.pods, 'default'), { resourceVersion: (await s.api.list(RESOURCES.pods, { limit: 1 }, ctx)).metadata.resourceVersion ?? '' }, ctx)
  const bound = (async () => {
    const seen = new Set<string>()
    for await (const event of watch) {
      const pod = event.object as Pod
      if (event.type === 'MODIFIED' && pod.spec?.nodeName) seen.add(pod.metadata.name ?? '')
      if (seen.size === PODS) return
    }
  })()
  const manager = new ControllerManager({
    api: s.api,
    log: quiet,
    now: () => new Date(),
    controllers: { scheduler: (c) => new Scheduler({ ...c, seed: 1 }) },
  })
  const stop = start()
  await manager.start()
  await bound
  const time = stop()
  watch.stop()
  await manager.stop()
  return row('e2e: Scheduler + ApiServer', nodes, time, 'one run; includes the informers\' initial list, 5,000 bindings and 5,000 Scheduled events through the API server')
}

/** The run with the median CPU time (the machine is shared: single runs are noisy). */
function median(runs: Row[]): Row {
  const sorted = [...runs].sort((a, b) => a.cpuSeconds - b.cpuSeconds)
  const mid = sorted[Math.floor(sorted.length / 2)]
  if (!mid) throw new Error('no runs')
  return { ...mid, note: `median of ${runs.length} by CPU time: ${runs.map((r) => r.cpuSeconds.toFixed(2)).join(', ')} s` }
}

/**
 * (3) Burst latency, as a Deployment's scale-up meets the scheduler: 30 pods of one ReplicaSet
 * created at once through the ApiServer onto 3 nodes; milliseconds from the first create call to
 * the 30th binding seen on a pod watch, and how they spread. Baseline in the same run: the same 30
 * pods created with spec.nodeName already set (no scheduler), until the 30th ADDED is seen.
 */
async function benchBurst(scheduled: boolean): Promise<{ ms: number; perNode: Record<string, number> }> {
  const s = await newTestServer()
  for (let i = 0; i < 3; i++) {
    const node = simulatedNode(i)
    await s.api.create(RESOURCES.nodes, { ...node, status: undefined }, ctx)
    await s.api.update(resourceRef(RESOURCES.nodes, undefined, node.metadata.name, 'status'), node, ctx)
  }
  const manager = new ControllerManager({ api: s.api, log: quiet, now: () => new Date(), controllers: scheduled ? { scheduler: (c) => new Scheduler({ ...c, seed: 1 }) } : {} })
  await manager.start()
  const watch = await s.api.watch(resourceRef(RESOURCES.pods, 'default'), { resourceVersion: (await s.api.list(RESOURCES.pods, { limit: 1 }, ctx)).metadata.resourceVersion ?? '' }, ctx)
  const perNode: Record<string, number> = {}
  const done = (async () => {
    for await (const event of watch) {
      const pod = event.object as Pod
      const node = pod.spec?.nodeName
      if (!node || (scheduled ? event.type !== 'MODIFIED' : event.type !== 'ADDED')) continue
      perNode[node] = (perNode[node] ?? 0) + 1
      if (Object.values(perNode).reduce((a, b) => a + b, 0) === 30) return
    }
  })()
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: 30 }, (_, i) => {
      const pod = replicaPod(i * GROUPS)
      delete pod.metadata.uid
      if (!scheduled && pod.spec) pod.spec.nodeName = simulatedNode(i % 3).metadata.name
      return s.api.create(resourceRef(RESOURCES.pods, 'default'), pod, ctx)
    }),
  )
  await done
  const ms = performance.now() - t0
  watch.stop()
  await manager.stop()
  return { ms, perNode }
}

async function printBurst(): Promise<void> {
  const runs = 5
  const results: { scheduled: number; direct: number; spread: string }[] = []
  for (let i = 0; i < runs; i++) {
    const direct = await benchBurst(false)
    const scheduled = await benchBurst(true)
    results.push({ scheduled: scheduled.ms, direct: direct.ms, spread: Object.values(scheduled.perNode).sort().join('/') })
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
  const scheduled = med(results.map((r) => r.scheduled))
  const direct = med(results.map((r) => r.direct))
  console.log(`\nBurst: 30 pods of one ReplicaSet created at once onto 3 nodes (median of ${runs}, wall ms)`)
  console.log(`  created with nodeName set (no scheduler), to the 30th ADDED:   ${direct.toFixed(1)} ms   runs: ${results.map((r) => r.direct.toFixed(1)).join(', ')}`)
  console.log(`  created unbound, scheduled, to the 30th binding seen:          ${scheduled.toFixed(1)} ms   runs: ${results.map((r) => r.scheduled.toFixed(1)).join(', ')}`)
  console.log(`  the scheduler adds ${(scheduled - direct).toFixed(1)} ms (${(scheduled / direct).toFixed(2)}× the unscheduled path); spread per run: ${results.map((r) => r.spread).join(', ')}`)
}

function print(rows: Row[]): void {
  const header = ['run', 'nodes', 'wall s', 'pods/s (wall)', 'CPU µs/pod', 'vs first fit (CPU)', 'vs 500 nodes (CPU)', 'pods/s (CPU)', 'vs K8s gate 680/s (CPU)']
  const cells = rows.map((r) => {
    const fit = rows.find((b) => b.what.startsWith('baseline') && b.nodes === r.nodes)
    const small = rows.find((b) => b.what === r.what && b.nodes === NODE_COUNTS[0])
    return [
      r.what,
      String(r.nodes),
      r.seconds.toFixed(2),
      r.podsPerSecond.toFixed(0),
      r.usPerPod.toFixed(0),
      fit && fit !== r ? `${(r.usPerPod / fit.usPerPod).toFixed(1)}×` : '',
      small && small !== r ? `${(r.usPerPod / small.usPerPod).toFixed(2)}×` : '',
      (1e6 / r.usPerPod).toFixed(0),
      r.what.startsWith('baseline') ? '' : `${(1e6 / r.usPerPod / KUBERNETES_GATE_PODS_PER_SECOND).toFixed(1)}×`,
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i] ?? 0)).join('  ')
  console.log(`\nScheduler: ${PODS} pods (${GROUPS} ReplicaSets) onto simulated nodes — node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(1) ?? '?'}`)
  console.log('CPU time is this process\'s own (user + system): on a busy machine it is the steadier figure; pods/s (CPU) = 1e6 / CPU µs per pod.')
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const c of cells) console.log(line(c))
  for (const r of rows) if (r.note) console.log(`  ${r.what} @ ${r.nodes}: ${r.note}`)
}

async function main(): Promise<void> {
  const rows: Row[] = []
  for (const nodes of NODE_COUNTS) {
    if (!ONLY || ONLY === 'first-fit') rows.push(median(Array.from({ length: RUNS }, () => benchFirstFit(nodes))))
    if (!ONLY || ONLY === 'cycle') rows.push(median(Array.from({ length: RUNS }, () => benchCycle(nodes))))
    if (!ONLY || ONLY === 'cycle') rows.push({ ...benchCycle(nodes, true), note: 'one run; every pod prefers hosts without its ReplicaSet (weight 100)' })
    if (!ONLY || ONLY === 'e2e') rows.push(await benchEndToEnd(nodes))
  }
  if (rows.length > 0) print(rows)
  if (!ONLY || ONLY === 'burst') await printBurst()
}

await main()
