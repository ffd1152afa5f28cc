// Kubernetes REST API benchmark: what HTTP, JSON and the API server's admission cost on top of the
// store, measured in one run.
//
//   (a) pod creates per second through the REST API (8 keep-alive clients) against ApiServer.create
//       called directly and against bare store inserts;
//   (b) at a steady 100 writes/s, how long until each of 10 REST watchers has the event, and the
//       write call's own p50/p99 (target p99 < 20 ms);
//   (c) listing 10,000 pods over REST as JSON and as kubectl's Table, whole and in pages of 500.
//
// The server is `src-main/serve.ts` run from source in its own process (the same entry as the
// built out/main/serve.js, no build needed), on a temporary data dir, so the server and this
// client do not share a thread. The direct baselines run in this process afterwards.
//
//   npm run bench:api                 (about 25 s)
//   BENCH_QUICK=1 npm run bench:api   2,000 pods, 3 s of watched writes

import { request as httpRequest, Agent, type IncomingMessage } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ApiServerVerbs, RequestContext } from '../src-main/apiserver/types.ts'
import { ControlPlane } from '../src-main/controlplane.ts'
import { SqliteStore } from '../src-main/store/index.ts'
import { createLogger } from '../src-main/util/log.ts'
import { root, startServe, type RunningServe } from '../test/e2e/support/serve.ts'
import { realisticPod } from './api-store.ts'

const quick = process.env.BENCH_QUICK === '1'
const settings = {
  pods: quick ? 2_000 : 10_000,
  namespaces: 10,
  clients: 8,
  directCreates: quick ? 1_000 : 3_000,
  watchers: 10,
  writesPerSecond: 100,
  watchSeconds: quick ? 3 : 10,
  listRuns: 5,
  writeP99TargetMs: 20,
}
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'
const quiet = createLogger({}, () => {})
const admin: RequestContext = { user: { name: 'bench', readOnly: false } }

// --- measuring --------------------------------------------------------------------------------------

interface Latency {
  samples: number
  p50: number
  p99: number
  max: number
}

/** Nearest-rank percentile of unsorted `values`. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
}

const summarise = (values: number[]): Latency => ({ samples: values.length, p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values) })

/** Runs `count` tasks with `concurrency` workers; per-call latencies and the overall rate. */
async function concurrently(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ perSecond: number; latency: Latency }> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++
        const t0 = performance.now()
        await task(i)
        latencies.push(performance.now() - t0)
      }
    }),
  )
  return { perSecond: (count / (performance.now() - started)) * 1000, latency: summarise(latencies) }
}

// --- a bare HTTP client: node:http with keep-alive, so the client costs little -----------------------

interface Answer {
  status: number
  body: string
}

class RestClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: settings.clients })
  private readonly base: URL
  private readonly token: string

  constructor(baseUrl: string, token: string) {
    this.base = new URL(baseUrl)
    this.token = token
  }

  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json' } : {}), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
  }

  async ok(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer> {
    const answer = await this.call(method, path, body, headers)
    if (answer.status < 200 || answer.status > 299) throw new Error(`${method} ${path}: ${answer.status} ${answer.body.slice(0, 300)}`)
    return answer
  }

  /** A watch on its own connection; `onEvent` gets each parsed line. Resolves once the stream is open. */
  watch(path: string, onEvent: (event: { type: string; object: { metadata?: { annotations?: Record<string, string> } } }) => void): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ agent: false, host: this.base.hostname, port: this.base.port, path, headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' } }, (res: IncomingMessage) => {
        if (res.statusCode !== 200) reject(new Error(`watch ${path}: ${res.statusCode}`))
        let buffered = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          buffered += chunk
          let newline: number
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline)
            buffered = buffered.slice(newline + 1)
            if (line.trim()) onEvent(JSON.parse(line) as Parameters<typeof onEvent>[0])
          }
        })
        res.on('error', () => {})
        resolve(() => req.destroy())
      })
      req.on('error', (err) => reject(err))
      req.end()
    })
  }

  close(): void {
    this.agent.destroy()
  }
}

// --- the objects ----------------------------------------------------------------------------------------

/** The realistic pod of the store benchmark as a client sends it: no uid, owner, status or timestamps. */
function podManifest(i: number, namespace: string): Record<string, unknown> {
  const { metadata, spec } = realisticPod(i, namespace)
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: metadata.name, namespace, labels: metadata.labels, annotations: metadata.annotations },
    spec: { ...(spec as Record<string, unknown>), nodeName: undefined },
  }
}

const namespaceOf = (i: number): string => `bench-${i % settings.namespaces}`
const podsPath = (namespace: string): string => `/api/v1/namespaces/${namespace}/pods`

// --- the phases -------------------------------------------------------------------------------------------

async function createNamespaces(create: (body: unknown) => Promise<unknown>): Promise<void> {
  for (let n = 0; n < settings.namespaces; n++) await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${n}` } })
}

/** (b) writes at a steady rate, open loop (a slow write does not delay the next), while watchers read. */
async function watchedWrites(client: RestClient, listRevision: string): Promise<{ rate: number; write: Latency; delivery: Latency; missed: number }> {
  const namespace = namespaceOf(0)
  const sentAt = new Map<string, number>()
  const delivery: number[] = []
  const stops: (() => void)[] = []
  for (let w = 0; w < settings.watchers; w++) {
    stops.push(
      await client.watch(`${podsPath(namespace)}?watch=1&resourceVersion=${listRevision}`, (event) => {
        const at = performance.now()
        const t0 = sentAt.get(event.object.metadata?.annotations?.['bench/seq'] ?? '')
        if (event.type === 'MODIFIED' && t0 !== undefined) delivery.push(at - t0)
      }),
    )
  }
  const targets = Array.from({ length: Math.min(100, settings.pods / settings.namespaces) }, (_, k) => realisticPod(k * settings.namespaces, namespace).metadata.name)
  const total = settings.writesPerSecond * settings.watchSeconds
  const writes: number[] = []
  const inFlight: Promise<void>[] = []
  const started = performance.now()
  for (let n = 0; n < total; n++) {
    const wait = started + (n * 1000) / settings.writesPerSecond - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const seq = String(n)
    const t0 = performance.now()
    sentAt.set(seq, t0)
    const patch = { metadata: { annotations: { 'bench/seq': seq } } }
    inFlight.push(
      client.ok('PATCH', `${podsPath(namespace)}/${targets[n % targets.length]}`, patch, { 'Content-Type': 'application/merge-patch+json' }).then(() => void writes.push(performance.now() - t0)),
    )
  }
  await Promise.all(inFlight)
  const rate = (total / (performance.now() - started)) * 1000
  // Let the last events arrive.
  const deadline = performance.now() + 2_000
  while (delivery.length < total * settings.watchers && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
  for (const stop of stops) stop()
  return { rate, write: summarise(writes), delivery: summarise(delivery), missed: total * settings.watchers - delivery.length }
}

/** (c) p50 and min of listing all pods, `runs` times. */
async function timedList(client: RestClient, path: string, accept: string, paged: boolean): Promise<{ p50: number; min: number; items: number; megabytes: number }> {
  const times: number[] = []
  let items = 0
  let bytes = 0
  for (let run = 0; run < settings.listRuns; run++) {
    items = 0
    bytes = 0
    let elapsed = 0
    let token: string | undefined
    do {
      const query = paged ? `?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}` : ''
      const t0 = performance.now()
      const answer = await client.ok('GET', path + query, undefined, { Accept: accept })
      elapsed += performance.now() - t0
      bytes += Buffer.byteLength(answer.body)
      const list = JSON.parse(answer.body) as { items?: unknown[]; rows?: unknown[]; metadata: { continue?: string } }
      items += (list.items ?? list.rows ?? []).length
      token = paged ? list.metadata.continue || undefined : undefined
    } while (token)
    times.push(elapsed)
  }
  return { p50: percentile(times, 50), min: Math.min(...times), items, megabytes: bytes / 1e6 }
}

/** (a), direct: ApiServer.create in this process, same bodies and concurrency, no HTTP. */
async function directApiCreates(dir: string): Promise<{ perSecond: number; latency: Latency }> {
  const controlPlane = new ControlPlane({ dataDir: join(dir, 'direct'), log: quiet })
  await controlPlane.start()
  try {
    const api: ApiServerVerbs = controlPlane.api
    await createNamespaces((body) => api.create({ group: '', version: 'v1', resource: 'namespaces' }, body, admin))
    return await concurrently(settings.directCreates, settings.clients, async (i) => {
      await api.create({ group: '', version: 'v1', resource: 'pods', namespace: namespaceOf(i) }, podManifest(i, namespaceOf(i)), admin)
    })
  } finally {
    await controlPlane.stop()
  }
}

/** (a), the floor: SqliteStore.create of the stored pod (synchronous=FULL, as shipped), sequential. */
async function directStoreInserts(dir: string): Promise<{ perSecond: number; latency: Latency }> {
  const store = new SqliteStore(join(dir, 'store-only.db'), { log: quiet })
  try {
    return await concurrently(settings.directCreates, 1, async (i) => {
      await store.create('pods', realisticPod(i, namespaceOf(i)))
    })
  } finally {
    await store.close()
  }
}

// --- printing ----------------------------------------------------------------------------------------------

function ms(value: number): string {
  if (Number.isNaN(value)) return '–'
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)
}

function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
  console.log(`\n${title}`)
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
}

// --- main --------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coxswain-bench-api-'))
  let serve: RunningServe | undefined
  let client: RestClient | undefined
  console.log(
    `bench:api${quick ? ' (quick)' : ''} — Node ${process.version}, ${cpus().length} CPUs (load average ${loadavg()[0]?.toFixed(2)} at start); ` +
      `server: src-main/serve.ts in its own process, SQLite synchronous=FULL; ${settings.pods} pod manifests of ${JSON.stringify(podManifest(1, 'bench-1')).length} bytes`,
  )
  try {
    serve = await startServe(join(dir, 'server'), join(root, 'src-main/serve.ts'))
    client = new RestClient(serve.baseUrl, readFileSync(join(dir, 'server', 'token'), 'utf8').trim())
    const rest = client
    await createNamespaces((body) => rest.ok('POST', '/api/v1/namespaces', body))

    process.stdout.write(`  (a) ${settings.pods} creates over REST, ${settings.clients} clients … `)
    const viaRest = await concurrently(settings.pods, settings.clients, async (i) => {
      await rest.ok('POST', podsPath(namespaceOf(i)), podManifest(i, namespaceOf(i)))
    })
    console.log(`${viaRest.perSecond.toFixed(0)}/s`)

    const listRevision = (JSON.parse((await rest.ok('GET', `${podsPath(namespaceOf(0))}?limit=1`)).body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion
    process.stdout.write(`  (b) ${settings.writesPerSecond} writes/s for ${settings.watchSeconds} s, ${settings.watchers} watchers … `)
    const watched = await watchedWrites(rest, listRevision)
    console.log(`write p99 ${ms(watched.write.p99)} ms`)

    process.stdout.write(`  (c) lists of ${settings.pods} pods, ${settings.listRuns} runs each … `)
    const lists = [
      { what: 'JSON, whole list', ...(await timedList(rest, '/api/v1/pods', 'application/json', false)) },
      { what: 'Table (kubectl), whole list', ...(await timedList(rest, '/api/v1/pods', TABLE_ACCEPT, false)) },
      { what: 'Table (kubectl), pages of 500', ...(await timedList(rest, '/api/v1/pods', TABLE_ACCEPT, true)) },
      { what: 'JSON, one namespace of 10', ...(await timedList(rest, podsPath(namespaceOf(3)), 'application/json', false)) },
    ]
    console.log('done')

    serve.child.kill('SIGTERM')
    await serve.exited
    serve = undefined

    process.stdout.write(`  (a) direct: ${settings.directCreates} ApiServer.create and store inserts in this process … `)
    const viaApi = await directApiCreates(dir)
    const viaStore = await directStoreInserts(dir)
    console.log('done')

    table(
      `(a) pod creates — REST with ${settings.clients} keep-alive clients vs direct calls in this process (same run)`,
      ['path', 'creates', 'per second', 'p50 ms', 'p99 ms', 'REST / this'],
      [
        ['REST POST (HTTP, JSON, admission, store)', String(settings.pods), viaRest.perSecond.toFixed(0), ms(viaRest.latency.p50), ms(viaRest.latency.p99), '1.00'],
        [`ApiServer.create, ${settings.clients} callers`, String(settings.directCreates), viaApi.perSecond.toFixed(0), ms(viaApi.latency.p50), ms(viaApi.latency.p99), (viaRest.perSecond / viaApi.perSecond).toFixed(2)],
        ['SqliteStore.create, sequential', String(settings.directCreates), viaStore.perSecond.toFixed(0), ms(viaStore.latency.p50), ms(viaStore.latency.p99), (viaRest.perSecond / viaStore.perSecond).toFixed(2)],
      ],
    )
    const verdict = watched.write.p99 < settings.writeP99TargetMs ? 'met' : 'MISSED'
    table(
      `(b) merge-patch writes at ${watched.rate.toFixed(0)}/s for ${settings.watchSeconds} s, ${settings.watchers} REST watchers (open loop)`,
      ['latency', 'samples', 'p50 ms', 'p99 ms', 'max ms'],
      [
        ['write call → 200', String(watched.write.samples), ms(watched.write.p50), ms(watched.write.p99), ms(watched.write.max)],
        ['write call → event at each watcher', String(watched.delivery.samples), ms(watched.delivery.p50), ms(watched.delivery.p99), ms(watched.delivery.max)],
      ],
    )
    console.log(`write p99 target < ${settings.writeP99TargetMs} ms: ${verdict}${watched.missed ? `; ${watched.missed} events not received` : ''}`)
    table(
      `(c) listing pods over REST, ${settings.listRuns} runs (until the last byte; parse excluded)`,
      ['list', 'items', 'MB', 'p50 ms', 'min ms'],
      lists.map((l) => [l.what, String(l.items), l.megabytes.toFixed(1), ms(l.p50), ms(l.min)]),
    )
  } finally {
    client?.close()
    if (serve) {
      serve.child.kill('SIGKILL')
      await serve.exited
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exitCode = 1
})
