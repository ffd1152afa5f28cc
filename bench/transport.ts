// Docker over our SSH transport vs Docker on the node's own socket, measured in the same run on the
// lab: connect time, then median and p90 of /_ping, containers/json and create+start, per node and
// overall, with the SSH/local ratio. The two paths alternate call by call so drift hits both alike.
//
//   npm run bench:transport            (needs `npm run lab:up`)
//   BENCH_QUICK=1 npm run bench:transport   fewer iterations

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { readLabFile, type LabFile, type LabNode } from '../scripts/lab/lab-file.ts'
import { dockerCall, dockerOverSsh, dockerPing } from '../src-main/nodeagent/docker/client.ts'
import { NodeConnection } from '../src-main/nodeagent/ssh/connection.ts'
import { PinnedHostKeys } from '../src-main/nodeagent/ssh/pinned-host-keys.ts'
import { createLogger } from '../src-main/util/log.ts'
import { labConnectionOptions } from '../test/support/lab-connection.ts'

const quick = process.env.BENCH_QUICK === '1'
const iterations = {
  connect: quick ? 3 : 10,
  ping: quick ? 50 : 300,
  list: quick ? 50 : 300,
  createStart: quick ? 5 : 20,
  warmup: 10,
}
const BENCH_LABEL = 'coxswain.bench'
const CALL_TIMEOUT_MS = 30_000
const quiet = createLogger({}, () => {})

type Path = 'ssh' | 'local'
type Operation = 'connect' | '/_ping' | 'containers/json' | 'create+start'
const operations: Operation[] = ['connect', '/_ping', 'containers/json', 'create+start']

/** samples[node][operation][path] = milliseconds */
type Samples = Map<string, Map<Operation, Record<Path, number[]>>>

function record(samples: Samples, node: string, operation: Operation, path: Path, ms: number): void {
  let byOperation = samples.get(node)
  if (!byOperation) samples.set(node, (byOperation = new Map()))
  let byPath = byOperation.get(operation)
  if (!byPath) byOperation.set(operation, (byPath = { ssh: [], local: [] }))
  byPath[path].push(ms)
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
}

function connectionFor(lab: LabFile, node: LabNode, store: PinnedHostKeys): NodeConnection {
  return new NodeConnection(labConnectionOptions(lab, node, store, quiet))
}

async function connectOnce(lab: LabFile, node: LabNode, store: PinnedHostKeys): Promise<NodeConnection> {
  const connection = connectionFor(lab, node, store)
  connection.start()
  const status = await connection.waitFor((s) => s.state !== 'connecting', 15_000, 'connected')
  if (status.state !== 'connected') throw new Error(`connect to ${node.name}: ${status.state}: ${status.reason}`)
  return connection
}

async function removeBenchContainers(docker: Docker): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [BENCH_LABEL] } })
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })))
}

async function benchNode(lab: LabFile, node: LabNode, store: PinnedHostKeys, samples: Samples): Promise<void> {
  for (let i = 0; i < iterations.connect; i++) {
    const started = performance.now()
    const connection = await connectOnce(lab, node, store)
    record(samples, node.name, 'connect', 'ssh', performance.now() - started)
    await connection.close()
  }

  const connection = await connectOnce(lab, node, store)
  const overSsh = dockerOverSsh(connection, { socketPath: node.dockerSocket })
  const engines: Record<Path, Docker> = { ssh: overSsh.docker, local: new Docker({ socketPath: node.localDockerSocket }) }
  const paths: Path[] = ['ssh', 'local']
  const call = <T>(what: string, fn: (abortSignal: AbortSignal) => Promise<T>) => dockerCall(`${what} on ${node.name}`, CALL_TIMEOUT_MS, fn)
  try {
    await removeBenchContainers(engines.local)
    for (let i = 0; i < iterations.warmup; i++) {
      for (const path of paths) {
        await call('ping', (signal) => dockerPing(engines[path], signal))
        await call('list containers', (abortSignal) => engines[path].listContainers({ abortSignal }))
      }
    }
    for (let i = 0; i < iterations.ping; i++) {
      for (const path of i % 2 ? paths : [...paths].reverse()) {
        record(samples, node.name, '/_ping', path, await timed(() => call('ping', (signal) => dockerPing(engines[path], signal))))
      }
    }
    for (let i = 0; i < iterations.list; i++) {
      for (const path of i % 2 ? paths : [...paths].reverse()) {
        const ms = await timed(() => call('list containers', (abortSignal) => engines[path].listContainers({ abortSignal })))
        record(samples, node.name, 'containers/json', path, ms)
      }
    }
    for (let i = 0; i < iterations.createStart; i++) {
      for (const path of i % 2 ? paths : [...paths].reverse()) {
        const docker = engines[path]
        let id: string | undefined
        const ms = await timed(async () => {
          const container = await call('create container', (abortSignal) =>
            docker.createContainer({ Image: lab.image, Cmd: ['sleep', '3600'], Labels: { [BENCH_LABEL]: 'transport' }, abortSignal }),
          )
          id = container.id
          await call('start container', (abortSignal) => container.start({ abortSignal }))
        })
        record(samples, node.name, 'create+start', path, ms)
        if (id) await call('remove container', () => docker.getContainer(id as string).remove({ force: true }))
      }
    }
  } finally {
    await removeBenchContainers(engines.local).catch((error: Error) => console.error(`cleanup on ${node.name}: ${error.message}`))
    overSsh.agent.destroy()
    await connection.close()
  }
}

function format(ms: number): string {
  if (Number.isNaN(ms)) return '–'
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)
}

function printTable(samples: Samples, nodes: string[]): void {
  const header = ['node', 'operation', 'n', 'ssh p50', 'ssh p90', 'local p50', 'local p90', 'ssh/local p50']
  const rows: string[][] = []
  const overall = new Map<Operation, Record<Path, number[]>>()
  for (const node of [...nodes, 'all']) {
    for (const operation of operations) {
      const byPath = node === 'all' ? overall.get(operation) : samples.get(node)?.get(operation)
      if (!byPath) continue
      if (node !== 'all') {
        const pooled = overall.get(operation) ?? { ssh: [], local: [] }
        pooled.ssh.push(...byPath.ssh)
        pooled.local.push(...byPath.local)
        overall.set(operation, pooled)
      }
      const sshMedian = percentile(byPath.ssh, 50)
      const localMedian = percentile(byPath.local, 50)
      rows.push([
        node,
        operation,
        String(byPath.ssh.length),
        format(sshMedian),
        format(percentile(byPath.ssh, 90)),
        format(localMedian),
        format(percentile(byPath.local, 90)),
        byPath.local.length ? (sshMedian / localMedian).toFixed(2) : '–',
      ])
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
  console.log('\nDocker API latency in ms: over the SSH transport vs the node’s local socket (same run, alternating)')
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  let previousNode = ''
  for (const row of rows) {
    if (previousNode && row[0] !== previousNode) console.log('')
    previousNode = row[0] ?? ''
    console.log(line(row))
  }
  console.log('\nconnect = TCP + SSH handshake + auth + liveness session (ms); no local equivalent.')
}

async function main(): Promise<void> {
  const lab = readLabFile()
  const dir = mkdtempSync(join(tmpdir(), 'coxswain-bench-'))
  const store = new PinnedHostKeys(join(dir, 'known-hosts.json'))
  const samples: Samples = new Map()
  console.log(`bench:transport on ${lab.nodes.length} lab nodes${quick ? ' (quick)' : ''}: ` +
    `${iterations.ping} pings, ${iterations.list} lists, ${iterations.createStart} create+start per path per node`)
  try {
    for (const node of lab.nodes) {
      const started = performance.now()
      await benchNode(lab, node, store, samples)
      console.log(`  ${node.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  printTable(samples, lab.nodes.map((n) => n.name))
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exitCode = 1
})
