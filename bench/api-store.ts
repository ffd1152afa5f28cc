// Store benchmark: how fast the control plane's object store writes, how quickly watchers hear of a
// write, and how long listing 10,000 pods takes. `runStoreBench()` is what `npm run bench:api`
// calls; `node bench/api-store.ts` runs it alone and prints the table.

import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath } from 'node:url'
import { createLogger } from '../src-main/util/log.ts'
import { MemoryStore } from '../src-main/store/memory-store.ts'
import { SqliteStore, type SynchronousLevel } from '../src-main/store/sqlite-store.ts'
import type { Store } from '../src-main/store/store.ts'
import type { KubeObject } from '../src-main/store/types.ts'

export interface StoreBenchOptions {
  /** Pods inserted into the FULL store, then listed. Default 10,000. */
  pods?: number
  /** Inserts for the comparison stores (NORMAL, memory). Default 3,000. */
  comparisonInserts?: number
  watchers?: number
  /** Update rate and duration of the latency phase. Default 100/s for 3 s. */
  updatesPerSecond?: number
  updateSeconds?: number
  /** Repetitions of each list measurement. Default 5. */
  listRuns?: number
}

export interface LatencySummary {
  samples: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

export interface StoreBenchResult {
  environment: { node: string; sqlite: string; cpus: number; podBytes: number }
  inserts: { store: string; count: number; perSecond: number; p50Ms: number; p99Ms: number }[]
  updates: { ratePerSecond: number; watchers: number; write: LatencySummary; watchDelivery: LatencySummary }
  lists: { what: string; items: number; medianMs: number; minMs: number }[]
  databaseBytes: number
}

const quiet = createLogger({}, () => {})

/** A pod as the API server would store it after scheduling and a status update: about 2 KB of JSON. */
export function realisticPod(i: number, namespace = 'default'): KubeObject {
  const name = `web-7c9f8d6b5d-${i.toString(36).padStart(5, '0')}`
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: `3f0c9a52-6d1e-4c8b-9a7e-${i.toString(16).padStart(12, '0')}`,
      generateName: 'web-7c9f8d6b5d-',
      creationTimestamp: '2025-11-24T10:00:00Z',
      labels: { app: 'web', 'pod-template-hash': '7c9f8d6b5d', tier: i % 10 === 0 ? 'canary' : 'stable' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-11-24T09:59:00Z' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7c9f8d6b5d', uid: '9b1d2e3f-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      nodeName: `node-${i % 3}`,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/team/web:1.24.3',
          imagePullPolicy: 'IfNotPresent',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'DATABASE_URL', value: 'postgres://web@db.default.svc.cluster.local:5432/web' },
            { name: 'CACHE_TTL_SECONDS', value: '300' },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5, failureThreshold: 3 },
          volumeMounts: [{ name: 'cache', mountPath: '/var/cache/web' }],
          terminationMessagePath: '/dev/termination-log',
        },
      ],
      volumes: [{ name: 'cache', emptyDir: {} }],
    },
    status: {
      phase: 'Running',
      hostIP: `192.168.56.${10 + (i % 3)}`,
      podIP: `10.244.${i % 3}.${(i % 250) + 2}`,
      startTime: '2025-11-24T10:00:01Z',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastTransitionTime: '2025-11-24T10:00:02Z',
      })),
      containerStatuses: [
        {
          name: 'web',
          ready: true,
          restartCount: 0,
          image: 'registry.example.com/team/web:1.24.3',
          imageID: 'docker-pullable://registry.example.com/team/web@sha256:4f9c1b7e0d2a6c3b8e5f1a0d9c7b6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d',
          containerID: 'docker://8e2f4c6a1b3d5e7f9a0c2e4b6d8f1a3c5e7b9d0f2a4c6e8b1d3f5a7c9e0b2d4f',
          state: { running: { startedAt: '2025-11-24T10:00:02Z' } },
        },
      ],
    },
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number)
}

function summarise(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b)
  return { samples: sorted.length, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: sorted.at(-1) ?? NaN }
}

async function timedInserts(store: Store, count: number, namespaceCount = 10): Promise<{ perSecond: number; p50Ms: number; p99Ms: number }> {
  const latencies: number[] = []
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    const t0 = performance.now()
    await store.create('pods', realisticPod(i, `ns-${i % namespaceCount}`))
    latencies.push(performance.now() - t0)
  }
  const elapsed = performance.now() - started
  const { p50Ms, p99Ms } = summarise(latencies)
  return { perSecond: (count / elapsed) * 1000, p50Ms, p99Ms }
}

async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<{ medianMs: number; minMs: number }> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return { medianMs: percentile(times, 0.5), minMs: times[0] as number }
}

/** Updates at a steady rate while `watchers` watches read every event; latency from write call to receipt. */
async function updateLatency(store: Store, pods: number, watchers: number, rate: number, seconds: number) {
  const sentAt = new Map<number, number>()
  const delivery: number[] = []
  const writes: number[] = []
  const watches = await Promise.all(Array.from({ length: watchers }, () => store.watch('pods')))
  const readers = watches.map(async (watch) => {
    for await (const event of watch) {
      const t0 = sentAt.get(event.revision)
      if (t0 !== undefined) delivery.push(performance.now() - t0)
    }
  })
  const total = Math.round(rate * seconds)
  const interval = 1000 / rate
  const started = performance.now()
  for (let n = 0; n < total; n++) {
    const due = started + n * interval
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const i = n % pods
    const key = { resource: 'pods', namespace: `ns-${i % 10}`, name: realisticPod(i).metadata.name }
    const t0 = performance.now()
    sentAt.set((await store.currentRevision()) + 1, t0)
    await store.guaranteedUpdate(key, (pod) => ({ ...pod, status: { ...(pod.status as object), observedAt: n } }))
    writes.push(performance.now() - t0)
  }
  const achievedRate = (total / (performance.now() - started)) * 1000
  await new Promise((resolve) => setTimeout(resolve, 50))
  for (const watch of watches) watch.stop()
  await Promise.all(readers)
  return { ratePerSecond: achievedRate, watchers, write: summarise(writes), watchDelivery: summarise(delivery) }
}

async function withSqlite<T>(dir: string, name: string, synchronous: SynchronousLevel, fn: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = new SqliteStore(join(dir, name), { synchronous, log: quiet })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const pods = options.pods ?? 10_000
  const comparison = options.comparisonInserts ?? 3_000
  const watchers = options.watchers ?? 10
  const listRuns = options.listRuns ?? 5
  const dir = mkdtempSync(join(tmpdir(), 'coxswain-bench-store-'))
  try {
    const memory = new DatabaseSync(':memory:')
    const sqlite = (memory.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
    memory.close()
    const environment = { node: process.version, sqlite, cpus: cpus().length, podBytes: JSON.stringify(realisticPod(1)).length }

    const inserts: StoreBenchResult['inserts'] = []
    const normal = await withSqlite(dir, 'normal.db', 'NORMAL', (store) => timedInserts(store, comparison))
    inserts.push({ store: 'SQLite WAL synchronous=NORMAL', count: comparison, ...normal })
    const inMemory = new MemoryStore({ log: quiet })
    inserts.push({ store: 'MemoryStore', count: comparison, ...(await timedInserts(inMemory, comparison)) })
    await inMemory.close()

    const file = join(dir, 'full.db')
    const result = await withSqlite(dir, 'full.db', 'FULL', async (store) => {
      inserts.unshift({ store: 'SQLite WAL synchronous=FULL (default)', count: pods, ...(await timedInserts(store, pods)) })
      const updates = await updateLatency(store, Math.min(pods, 100), watchers, options.updatesPerSecond ?? 100, options.updateSeconds ?? 3)
      const lists: StoreBenchResult['lists'] = []
      const all = await timeIt(listRuns, () => store.list('pods'))
      lists.push({ what: 'all pods', items: pods, ...all })
      const page = await timeIt(listRuns, () => store.list('pods', { limit: 500 }))
      lists.push({ what: 'first page (limit=500)', items: Math.min(500, pods), ...page })
      const namespace = await timeIt(listRuns, () => store.list('pods', { namespace: 'ns-3' }))
      lists.push({ what: 'one namespace of 10', items: (await store.list('pods', { namespace: 'ns-3' })).items.length, ...namespace })
      const canary = (pod: KubeObject): boolean => (pod.metadata.labels as Record<string, string>).tier === 'canary'
      const selected = await timeIt(listRuns, () => store.list('pods', { filter: canary }))
      lists.push({ what: 'filter tier=canary', items: (await store.list('pods', { filter: canary })).items.length, ...selected })
      const paged = await timeIt(listRuns, async () => {
        let token: string | undefined
        do token = (await store.list('pods', { limit: 500, continue: token })).continue
        while (token)
      })
      lists.push({ what: 'all pods in pages of 500', items: pods, ...paged })
      return { updates, lists }
    })
    return { environment, inserts, ...result, databaseBytes: statSync(file).size }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function formatStoreBench(result: StoreBenchResult): string {
  const ms = (n: number): string => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`
  const rows = (header: string[], body: string[][]): string => {
    const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => (r[c] ?? '').length)))
    const line = (cells: string[]): string => `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`
    return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')
  }
  const { environment: env, updates: u } = result
  return [
    `Store benchmark — Node ${env.node}, SQLite ${env.sqlite}, ${env.cpus} CPUs, pod JSON ${env.podBytes} bytes`,
    '',
    rows(
      ['inserts (sequential, awaited)', 'count', 'per second', 'p50', 'p99'],
      result.inserts.map((r) => [r.store, String(r.count), r.perSecond.toFixed(0), ms(r.p50Ms), ms(r.p99Ms)]),
    ),
    '',
    rows(
      [`updates at ${u.ratePerSecond.toFixed(0)}/s, ${u.watchers} watchers`, 'samples', 'p50', 'p99', 'max'],
      [
        ['write call → acknowledged', String(u.write.samples), ms(u.write.p50Ms), ms(u.write.p99Ms), ms(u.write.maxMs)],
        ['write call → event at each watcher', String(u.watchDelivery.samples), ms(u.watchDelivery.p50Ms), ms(u.watchDelivery.p99Ms), ms(u.watchDelivery.maxMs)],
      ],
    ),
    '',
    rows(
      ['list', 'items', 'median', 'min'],
      result.lists.map((r) => [r.what, String(r.items), ms(r.medianMs), ms(r.minMs)]),
    ),
    '',
    `database file after the run: ${(result.databaseBytes / 1e6).toFixed(1)} MB`,
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatStoreBench(await runStoreBench()))
}
