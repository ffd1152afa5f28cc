// Pod start-up on the lab, end to end, against the raw Docker floor measured in the same run:
//
//   (1) 30 single-container pods (busybox `sleep 3600`, spread round-robin over the nodes with
//       spec.nodeName; there is no scheduler yet) from the first create to all 30 Running and Ready,
//       seen on a pod watch; then deleted, until the pods are gone from the API and their containers
//       from every node's Docker engine;
//   (2) the floor: the same 30 containers (built by the agent's own buildContainerCreate: the pod
//       network, static IPs, DNS, restart policy) created and started directly with dockerode over
//       the same kind of SSH connection (10 at a time per node, all nodes at once), then removed;
//   (3) this process's RSS with the nodes joined and 100 pods running, against the RSS before them.
//
// The control plane runs in this process (temporary data dir) and joins the lab's nodes through
// Machines, exactly as `serve --lab` does. Each of (1) and (2) runs 3 times, alternating which goes
// first; the table shows every run and the median. Docker Swarm's 3.8 s for the same work on a lab of
// this kind (docs: /work/shared/design.md) is the reference target. About 1–2 minutes.
//
//   npm run bench:pods            (brings the lab up if needed)

import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { labFilePath, readLabFile, type LabFile, type LabNode } from '../scripts/lab/lab-file.ts'
import type { KubeObject, Node, Pod } from '../src-main/api/index.ts'
import { systemContext } from '../src-main/apiserver/api-server.ts'
import type { ApiServerVerbs, ResourceRef } from '../src-main/apiserver/types.ts'
import { ControlPlane } from '../src-main/controlplane.ts'
import { dockerCall, dockerOverSsh } from '../src-main/nodeagent/docker/client.ts'
import { applyMachines, readLabMachines, readLabPodSyncOptions } from '../src-main/nodeagent/machines/lab-machines.ts'
import { buildContainerCreate, type ContainerCreateOptions } from '../src-main/nodeagent/pods/container-spec.ts'
import type { PodSyncOptions } from '../src-main/nodeagent/podsync/pod-sync.ts'
import { MANAGED_LABEL, POD_NAME_LABEL, POD_UID_LABEL } from '../src-main/nodeagent/pods/names.ts'
import { NodeConnection } from '../src-main/nodeagent/ssh/connection.ts'
import { PinnedHostKeys } from '../src-main/nodeagent/ssh/pinned-host-keys.ts'
import { createLogger } from '../src-main/util/log.ts'
import { labConnectionOptions } from '../test/support/lab-connection.ts'

const settings = {
  runs: 3,
  pods: 30,
  floorConcurrencyPerNode: 10,
  rssPods: 100,
  swarmReferenceMs: 3800,
  targetRatio: 1.25,
  nodesReadyTimeoutMs: 30_000,
  podsReadyTimeoutMs: 60_000,
  rssPodsReadyTimeoutMs: 120_000,
  goneTimeoutMs: 60_000,
  dockerCallTimeoutMs: 30_000,
}
const NAMESPACE = 'default'
const POD_PREFIX = 'bench-pods-'
const FLOOR_LABEL = 'coxswain.bench'
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' }
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespace: NAMESPACE }
const ctx = systemContext('bench')
const quiet = createLogger({}, () => {}, 'error')

// --- watching ------------------------------------------------------------------------------------

/**
 * The objects of one resource as a list+watch sees them, kept current in the background; `until`
 * resolves as soon as a predicate over all of them holds (checked on every event), or fails after
 * its timeout. The watch resumes from the last resourceVersion if it ends.
 */
class Informer<T extends KubeObject> {
  readonly objects = new Map<string, T>()
  private waiters = new Set<{ check: () => boolean }>()
  private watch: { stop(): void } | null = null
  private stopped = false
  private failure: Error | null = null

  private readonly api: ApiServerVerbs
  private readonly ref: ResourceRef
  private readonly labelSelector: string | undefined

  private constructor(api: ApiServerVerbs, ref: ResourceRef, labelSelector?: string) {
    this.api = api
    this.ref = ref
    this.labelSelector = labelSelector
  }

  static async start<T extends KubeObject>(api: ApiServerVerbs, ref: ResourceRef, labelSelector?: string): Promise<Informer<T>> {
    const informer = new Informer<T>(api, ref, labelSelector)
    const list = await api.list(ref, labelSelector ? { labelSelector } : {}, ctx)
    for (const item of list.items as T[]) informer.objects.set(item.metadata.name ?? '', item)
    void informer.run(list.metadata.resourceVersion ?? '')
    return informer
  }

  private async run(fromVersion: string): Promise<void> {
    let resourceVersion = fromVersion
    try {
      while (!this.stopped) {
        const watch = await this.api.watch(this.ref, { resourceVersion, ...(this.labelSelector ? { labelSelector: this.labelSelector } : {}) }, ctx)
        this.watch = watch
        if (this.stopped) watch.stop()
        for await (const event of watch) {
          if (event.type === 'ERROR') throw new Error(`watch ${this.ref.resource}: ${JSON.stringify(event.object).slice(0, 300)}`)
          const obj = event.object as T
          resourceVersion = obj.metadata.resourceVersion ?? resourceVersion
          if (event.type === 'BOOKMARK') continue
          if (event.type === 'DELETED') this.objects.delete(obj.metadata.name ?? '')
          else this.objects.set(obj.metadata.name ?? '', obj)
          this.notify()
        }
      }
    } catch (err) {
      this.failure = err as Error
      this.notify()
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter.check()
  }

  /** Resolves once `predicate(objects)` holds; rejects after `timeoutMs` saying what was awaited and what `describe` reports. */
  until(predicate: (objects: Map<string, T>) => boolean, timeoutMs: number, what: string, describe: (objects: Map<string, T>) => string = (o) => `${o.size} objects`): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: (): boolean => {
          if (this.failure) return settle(this.failure)
          if (!predicate(this.objects)) return false
          return settle(null)
        },
      }
      const settle = (error: Error | null): boolean => {
        clearTimeout(timer)
        this.waiters.delete(waiter)
        if (error) reject(error)
        else resolve()
        return true
      }
      const timer = setTimeout(() => settle(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${describe(this.objects)})`)), timeoutMs)
      this.waiters.add(waiter)
      waiter.check()
    })
  }

  stop(): void {
    this.stopped = true
    this.watch?.stop()
    this.notify()
  }
}

const nodeReady = (n: Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
const podReady = (p: Pod) => p.status?.phase === 'Running' && (p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false)

function describePods(pods: Map<string, Pod>): string {
  const counts = new Map<string, number>()
  for (const pod of pods.values()) {
    const key = pod.metadata.deletionTimestamp ? 'Terminating' : podReady(pod) ? 'Ready' : (pod.status?.phase ?? 'no status')
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const sample = [...pods.values()].find((p) => !podReady(p))
  const waiting = sample?.status?.containerStatuses?.[0]?.state?.waiting
  return `${pods.size} pods: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}${waiting ? `; e.g. ${sample?.metadata.name} waiting: ${waiting.reason ?? ''} ${waiting.message ?? ''}` : ''}`
}

// --- the pieces of a run ------------------------------------------------------------------------------

interface Bench {
  lab: LabFile
  cp: ControlPlane
  pods: Informer<Pod>
  nodeNames: string[]
  /** Each node's own Docker socket, for checking and cleaning up without going through Coxswain. */
  local: Map<string, Docker>
  /** Each node's Docker over our SSH transport, for the floor. */
  ssh: Map<string, { docker: Docker; close: () => Promise<void> }>
  /** The agent's settings on the lab (pod network, DNS), so the floor builds the same containers. */
  podSync: PodSyncOptions
}

function benchPod(lab: LabFile, name: string, nodeName: string, group: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE, labels: { app: 'bench-pods', group } },
    spec: {
      nodeName,
      // busybox's sleep as PID 1 ignores SIGTERM: no grace period, so deletion measures removal, not waiting.
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'sleep', image: lab.image, command: ['sleep', '3600'], imagePullPolicy: 'IfNotPresent' }],
    },
  }
}

/** Names of the bench's pods still having a container on some node (by pod UID, from each node's own socket). */
async function podContainersLeft(bench: Bench, uids: ReadonlySet<string>): Promise<number> {
  let left = 0
  await Promise.all([...bench.local.values()].map(async (docker) => {
    const containers = await docker.listContainers({ all: true, filters: { label: [MANAGED_LABEL] } })
    left += containers.filter((c) => uids.has(c.Labels[POD_UID_LABEL] ?? '')).length
  }))
  return left
}

async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Creates `count` pods round-robin over the nodes; resolves with the ms until all are Running and Ready. */
async function createPodsReady(bench: Bench, group: string, count: number, timeoutMs: number): Promise<number> {
  const names = Array.from({ length: count }, (_, i) => `${POD_PREFIX}${group}-${i}`)
  const started = performance.now()
  await Promise.all(names.map((name, i) => bench.cp.api.create(PODS, benchPod(bench.lab, name, bench.nodeNames[i % bench.nodeNames.length] ?? '', group), ctx)))
  const ours = (pods: Map<string, Pod>) => new Map([...pods].filter(([name]) => name.startsWith(`${POD_PREFIX}${group}-`)))
  await bench.pods.until(
    (pods) => names.every((name) => { const pod = pods.get(name); return pod !== undefined && podReady(pod) }),
    timeoutMs,
    `${count} pods Running and Ready`,
    (pods) => describePods(ours(pods)),
  )
  return performance.now() - started
}

/**
 * A container killed by hand (`docker kill` on the node's own socket): ms until Docker's `die`
 * event reaches a watcher on that socket (the baseline: nothing can know sooner), and until the
 * pod's status counts the restart, for one pod per node.
 */
async function killedContainerSeen(bench: Bench): Promise<{ dieMs: number[]; statusMs: number[] }> {
  await createPodsReady(bench, 'kill', bench.nodeNames.length, settings.podsReadyTimeoutMs)
  const out = { dieMs: [] as number[], statusMs: [] as number[] }
  for (const [i, node] of bench.nodeNames.entries()) {
    const name = `${POD_PREFIX}kill-${i}`
    const uid = bench.pods.objects.get(name)?.metadata.uid ?? ''
    const docker = bench.local.get(node)
    if (!docker) throw new Error(`no local Docker for ${node}`)
    const [container] = await docker.listContainers({ filters: { label: [`${POD_UID_LABEL}=${uid}`] } })
    if (!container) throw new Error(`no container for ${name}`)
    const events = (await docker.getEvents({ filters: { container: [container.Id], event: ['die'] } })) as NodeJS.ReadableStream & { destroy(): void }
    const died = new Promise<number>((resolve) => events.once('data', () => resolve(performance.now())))
    const killed = performance.now()
    await docker.getContainer(container.Id).kill()
    const restarted = bench.pods.until((pods) => (pods.get(name)?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 10_000, `${name} to count the restart`)
    out.dieMs.push((await died) - killed)
    await restarted
    out.statusMs.push(performance.now() - killed)
    events.destroy()
  }
  await deletePodsGone(bench)
  return out
}

/** Deletes every bench pod; resolves with the ms until they are gone from the API and their containers from the nodes. */
async function deletePodsGone(bench: Bench): Promise<number> {
  const pods = [...bench.pods.objects.values()].filter((p) => p.metadata.name?.startsWith(POD_PREFIX))
  const uids = new Set(pods.map((p) => p.metadata.uid ?? ''))
  const started = performance.now()
  await Promise.all(pods.map((p) => bench.cp.api.delete({ ...PODS, name: p.metadata.name ?? '' }, {}, ctx).catch((err: { code?: number }) => {
    if (err.code !== 404) throw err
  })))
  await bench.pods.until((all) => ![...all.keys()].some((name) => name.startsWith(POD_PREFIX)), settings.goneTimeoutMs, 'bench pods gone from the API', describePods)
  await pollUntil(async () => (await podContainersLeft(bench, uids)) === 0, settings.goneTimeoutMs, 'the pods’ containers removed from the nodes')
  return performance.now() - started
}

/**
 * The floor's containers: exactly what the agent would create for the bench's pods (the pod as the
 * API server defaults it, built by the agent's own buildContainerCreate: the pod network, a static
 * IP, DNS, restart policy, resources), minus the labels that would make the agent adopt them. IPs
 * come from the top of each node's pod CIDR, which the agent's allocator (lowest free first) never
 * reaches in this bench.
 */
async function floorSpecs(bench: Bench, count: number): Promise<Map<string, ContainerCreateOptions[]>> {
  const byNode = new Map<string, ContainerCreateOptions[]>(bench.nodeNames.map((n) => [n, []]))
  const network = bench.podSync.network ?? 'coxswain-pods'
  const dns = bench.podSync.clusterDNS ?? { servers: [], domain: 'cluster.local' }
  for (let i = 0; i < count; i++) {
    const nodeName = bench.nodeNames[i % bench.nodeNames.length] ?? ''
    const list = byNode.get(nodeName) ?? []
    const node = (await bench.cp.api.get({ ...NODES, name: nodeName }, ctx)) as Node
    const prefix = (node.spec?.podCIDR ?? '').split('.').slice(0, 3).join('.')
    const admitted = (await bench.cp.api.create(PODS, benchPod(bench.lab, `${POD_PREFIX}floor-${i}`, nodeName, 'floor'), { ...ctx, dryRun: true })).object as Pod
    const pod: Pod = { ...admitted, metadata: { ...admitted.metadata, uid: randomUUID() } }
    const container = pod.spec?.containers[0]
    if (!container || !prefix) throw new Error(`floor: no container or pod CIDR for ${nodeName}`)
    const hostIP = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address
    const options = buildContainerCreate(pod, container, { network, podIP: `${prefix}.${250 - list.length}`, ...(hostIP ? { hostIP } : {}), dns, attempt: 0 })
    list.push({ ...options, Labels: { [FLOOR_LABEL]: 'pods' } })
    byNode.set(nodeName, list)
  }
  return byNode
}

/** The floor: the same containers round-robin over the nodes, created and started directly over SSH, 10 at a time per node. */
async function floorCreateStart(bench: Bench, count: number): Promise<{ startMs: number; removeMs: number }> {
  const specs = await floorSpecs(bench, count)
  const ids = new Map<string, string[]>()
  const call = <T>(what: string, fn: (abortSignal: AbortSignal) => Promise<T>) => dockerCall(what, settings.dockerCallTimeoutMs, fn)
  const started = performance.now()
  await Promise.all([...specs].map(async ([node, todo]) => {
    const docker = bench.ssh.get(node)?.docker
    if (!docker) throw new Error(`no SSH Docker for ${node}`)
    const created: string[] = []
    ids.set(node, created)
    let next = 0
    const worker = async () => {
      while (next < todo.length) {
        const spec = todo[next++]
        if (!spec) break
        const container = await call(`create container on ${node}`, (abortSignal) => docker.createContainer({ ...spec, abortSignal } as Docker.ContainerCreateOptions))
        created.push(container.id)
        await call(`start container on ${node}`, (abortSignal) => container.start({ abortSignal }))
      }
    }
    await Promise.all(Array.from({ length: Math.min(todo.length, settings.floorConcurrencyPerNode) }, worker))
  }))
  const startMs = performance.now() - started
  const removing = performance.now()
  await Promise.all([...ids].map(([node, list]) => {
    const docker = bench.ssh.get(node)?.docker
    return Promise.all(list.map((id) => call(`remove container on ${node}`, () => docker?.getContainer(id).remove({ force: true }) ?? Promise.resolve())))
  }))
  return { startMs, removeMs: performance.now() - removing }
}

// --- set-up and clean-up ---------------------------------------------------------------------------

async function connectSsh(lab: LabFile, node: LabNode, store: PinnedHostKeys): Promise<{ docker: Docker; close: () => Promise<void> }> {
  const connection = new NodeConnection(labConnectionOptions(lab, node, store, quiet))
  connection.start()
  const status = await connection.waitFor((s) => s.state !== 'connecting', 15_000, 'connected')
  if (status.state !== 'connected') {
    await connection.close()
    throw new Error(`connect to ${node.name}: ${status.state}: ${status.reason}`)
  }
  const overSsh = dockerOverSsh(connection, { socketPath: node.dockerSocket })
  return {
    docker: overSsh.docker,
    close: async () => {
      overSsh.agent.destroy()
      await connection.close()
    },
  }
}

/** Removes whatever the bench left: its pods (through the API, while it runs) and any of their or the floor's containers. */
async function cleanUp(bench: Partial<Bench>): Promise<void> {
  const report = (what: string) => (err: Error) => console.error(`cleanup: ${what}: ${err.message}`)
  if (bench.cp?.running) {
    await bench.cp.api.deleteCollection(PODS, { labelSelector: 'app=bench-pods' }, { gracePeriodSeconds: 0 }, ctx).catch(report('delete pods'))
  }
  for (const [node, docker] of bench.local ?? []) {
    const leftovers = [
      ...(await docker.listContainers({ all: true, filters: { label: [FLOOR_LABEL] } }).catch(() => [])),
      ...(await docker.listContainers({ all: true, filters: { label: [MANAGED_LABEL] } }).catch(() => [])).filter((c) => c.Labels[POD_NAME_LABEL]?.startsWith(POD_PREFIX)),
    ]
    if (leftovers.length) console.error(`cleanup: removing ${leftovers.length} leftover containers on ${node}`)
    await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(report(`remove ${c.Id.slice(0, 12)} on ${node}`))))
  }
}

// --- reporting ---------------------------------------------------------------------------------------

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
const seconds = (ms: number) => (Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(2)} s`)
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

function printTable(title: string, header: string[], rows: string[][], leftColumns = 1): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
  console.log(`\n${title}`)
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
}

// --- main ----------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now()
  const lab = readLabFile()
  const labPath = labFilePath()
  const dataDir = mkdtempSync(join(tmpdir(), 'coxswain-bench-pods-'))
  const bench: Partial<Bench> = { lab, local: new Map(lab.nodes.map((n) => [n.name, new Docker({ socketPath: n.localDockerSocket })])), ssh: new Map() }
  let nodes: Informer<Node> | undefined
  let interrupted = false
  const onSignal = () => {
    if (interrupted) process.exit(130)
    interrupted = true
    console.error('interrupted: cleaning up (again to exit at once)')
    void cleanUp(bench).finally(() => process.exit(130))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  console.log(`bench:pods on ${lab.nodes.length} lab nodes: ${settings.runs} runs of ${settings.pods} pods vs ${settings.pods} containers direct over SSH, then RSS with ${settings.rssPods} pods`)
  try {
    await cleanUp(bench)
    const podSync = readLabPodSyncOptions(labPath)
    const cp = new ControlPlane({ dataDir, log: quiet, podSync })
    bench.cp = cp
    bench.podSync = podSync
    await cp.start()
    nodes = await Informer.start<Node>(cp.api, NODES)
    const joinStarted = performance.now()
    const names = await applyMachines(cp.api, readLabMachines(labPath), ctx)
    bench.nodeNames = names
    await nodes.until(
      (all) => names.every((name) => { const n = all.get(name); return n !== undefined && nodeReady(n) && !!n.spec?.podCIDR }),
      settings.nodesReadyTimeoutMs,
      `nodes ${names.join(', ')} Ready with a podCIDR`,
      (all) => [...all.values()].map((n) => `${n.metadata.name}: ready=${nodeReady(n)} podCIDR=${n.spec?.podCIDR ?? '–'}`).join('; '),
    )
    console.log(`  nodes joined, Ready with podCIDRs in ${seconds(performance.now() - joinStarted)}`)
    bench.pods = await Informer.start<Pod>(cp.api, PODS, 'app=bench-pods')
    const store = new PinnedHostKeys(join(dataDir, 'bench-known-hosts.json'))
    for (const node of lab.nodes) bench.ssh?.set(node.name, await connectSsh(lab, node, store))
    const b = bench as Bench

    // Warm-up, not counted: one pod and one container per node (first pod network, image lookups, channels).
    await createPodsReady(b, 'warmup', names.length, settings.podsReadyTimeoutMs)
    await deletePodsGone(b)
    await floorCreateStart(b, names.length)
    console.log('  warm-up done')

    const results = { podsReady: [] as number[], podsGone: [] as number[], floorStart: [] as number[], floorRemove: [] as number[] }
    for (let run = 1; run <= settings.runs; run++) {
      const order = run % 2 ? ['coxswain', 'floor'] : ['floor', 'coxswain']
      for (const which of order) {
        if (which === 'coxswain') {
          results.podsReady.push(await createPodsReady(b, `run${run}`, settings.pods, settings.podsReadyTimeoutMs))
          results.podsGone.push(await deletePodsGone(b))
        } else {
          const floor = await floorCreateStart(b, settings.pods)
          results.floorStart.push(floor.startMs)
          results.floorRemove.push(floor.removeMs)
        }
      }
      console.log(`  run ${run}: ${settings.pods} pods Ready in ${seconds(results.podsReady.at(-1) ?? Number.NaN)}, floor ${seconds(results.floorStart.at(-1) ?? Number.NaN)}`)
    }

    const kills = await killedContainerSeen(b)

    // RSS with the nodes joined, before and with 100 pods running.
    await new Promise((resolve) => setTimeout(resolve, 500))
    const before = process.memoryUsage()
    const rssReadyMs = await createPodsReady(b, 'rss', settings.rssPods, settings.rssPodsReadyTimeoutMs)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const during = process.memoryUsage()
    const rssGoneMs = await deletePodsGone(b)

    const floorStart = median(results.floorStart)
    const floorRemove = median(results.floorRemove)
    const runCells = (values: number[]) => Array.from({ length: settings.runs }, (_, i) => seconds(values[i] ?? Number.NaN))
    const ratio = (ms: number, base: number) => `${(ms / base).toFixed(2)}×`
    const header = ['work', ...Array.from({ length: settings.runs }, (_, i) => `run ${i + 1}`), 'median', 'vs floor']
    printTable(`${settings.pods} pods (1 container each, ${settings.pods / names.length} per node) vs ${settings.pods} containers created directly over SSH — same run`, header, [
      [`floor: ${settings.pods} containers create+start (dockerode over SSH, ${settings.floorConcurrencyPerNode}/node at once)`, ...runCells(results.floorStart), seconds(floorStart), '1.00×'],
      [`coxswain: ${settings.pods} pods created → all Running+Ready (pod watch)`, ...runCells(results.podsReady), seconds(median(results.podsReady)), ratio(median(results.podsReady), floorStart)],
      [`floor: ${settings.pods} containers removed (force)`, ...runCells(results.floorRemove), seconds(floorRemove), '1.00×'],
      [`coxswain: ${settings.pods} pods deleted → gone from API and Docker`, ...runCells(results.podsGone), seconds(median(results.podsGone)), ratio(median(results.podsGone), floorRemove)],
      [`reference: Docker Swarm, 30 replicas running (design.md)`, '', '', '', seconds(settings.swarmReferenceMs), ratio(settings.swarmReferenceMs, floorStart)],
    ])
    const startRatio = median(results.podsReady) / floorStart
    console.log(`\nCoxswain/floor start-up: ${startRatio.toFixed(2)}× (aim ≤ ${settings.targetRatio.toFixed(2)}×: ${startRatio <= settings.targetRatio ? 'met' : 'NOT met'}); ` +
      `vs Swarm's ${seconds(settings.swarmReferenceMs)}: ${median(results.podsReady) <= settings.swarmReferenceMs ? 'at or under' : 'over'} (${ratio(median(results.podsReady), settings.swarmReferenceMs)})`)

    const ms = (v: number) => `${v.toFixed(0)} ms`
    printTable('A container killed by hand on each node (docker kill on the node): when is it known?', ['work', ...bench.nodeNames, 'median', 'vs Docker'], [
      ["Docker's die event on the node's own socket (baseline)", ...kills.dieMs.map(ms), ms(median(kills.dieMs)), '1.00×'],
      ['the pod status counts the restart (watch on the API)', ...kills.statusMs.map(ms), ms(median(kills.statusMs)), ratio(median(kills.statusMs), median(kills.dieMs))],
    ])
    console.log(`\nkilled container in the pod status: median ${ms(median(kills.statusMs))} (issue #4 asks ≤ 1000 ms: ${median(kills.statusMs) <= 1000 ? 'met' : 'NOT met'})`)

    printTable(`Memory of this process (control plane + ${names.length} node connections, in-process)`, ['state', 'rss', 'heapUsed', 'external'], [
      [`${names.length} nodes joined, 0 pods`, mib(before.rss), mib(before.heapUsed), mib(before.external)],
      [`${names.length} nodes joined, ${settings.rssPods} pods Running+Ready`, mib(during.rss), mib(during.heapUsed), mib(during.external)],
      ['difference', mib(during.rss - before.rss), mib(during.heapUsed - before.heapUsed), mib(during.external - before.external)],
      [`per pod`, `${((during.rss - before.rss) / settings.rssPods / 1024).toFixed(0)} KiB`, `${((during.heapUsed - before.heapUsed) / settings.rssPods / 1024).toFixed(0)} KiB`, ''],
    ])
    console.log(`\n${settings.rssPods} pods Ready in ${seconds(rssReadyMs)}, gone in ${seconds(rssGoneMs)}. RSS is not garbage-collected first; heapUsed shows what is live.`)
  } finally {
    await cleanUp(bench)
    bench.pods?.stop()
    nodes?.stop()
    for (const ssh of bench.ssh?.values() ?? []) await ssh.close().catch(() => {})
    await bench.cp?.stop().catch((err: Error) => console.error(`cleanup: stop control plane: ${err.message}`))
    rmSync(dataDir, { recursive: true, force: true })
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    console.log(`\nbench:pods took ${seconds(performance.now() - began)}`)
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exitCode = 1
})
