// Pure: node and container resource usage from what a node says (/proc/stat, /proc/meminfo,
// `docker stats` one-shot), and the Quantity / Duration strings metrics-server answers with.

import { parseMeminfo } from '../node/probe.ts'

/** The aggregate `cpu` line of /proc/stat, in jiffies, and how many CPUs (`cpuN` lines) there are. */
export interface ProcStat {
  /** user + nice + system + irq + softirq + steal (guest time is inside user already). */
  busy: number
  /** busy + idle + iowait. */
  total: number
  cpus: number
}

/** /proc/stat: `cpu  user nice system idle iowait irq softirq steal guest guest_nice`, then `cpu0 …`. */
export function parseProcStat(text: string): ProcStat {
  const line = /^cpu\s+(\d+(?:\s+\d+)*)\s*$/m.exec(text)
  if (!line) throw new Error('/proc/stat has no aggregate cpu line')
  const f = (line[1] ?? '').split(/\s+/).map(Number)
  if (f.length < 4) throw new Error(`/proc/stat's cpu line has ${f.length} fields, expected at least 4`)
  const at = (i: number): number => f[i] ?? 0
  const busy = at(0) + at(1) + at(2) + at(5) + at(6) + at(7)
  const total = busy + at(3) + at(4)
  const cpus = text.match(/^cpu\d+\s/gm)?.length ?? 0
  if (cpus === 0) throw new Error('/proc/stat lists no cpuN lines')
  return { busy, total, cpus }
}

/**
 * CPU in use between two /proc/stat samples, in nanocores (1e9 = one CPU busy all the time): the
 * busy share of all jiffies times the CPUs. Undefined when no time passed or a counter went back
 * (a reboot between samples).
 */
export function nodeCpuNanocores(prev: ProcStat, cur: ProcStat): number | undefined {
  const total = cur.total - prev.total
  const busy = cur.busy - prev.busy
  if (total <= 0 || busy < 0) return undefined
  return Math.round((busy / total) * cur.cpus * 1e9)
}

/** Node memory working set from /proc/meminfo: MemTotal − MemAvailable, in bytes. */
export function nodeMemoryWorkingSet(meminfo: string): number {
  const { totalBytes, availableBytes } = parseMeminfo(meminfo)
  return Math.max(0, totalBytes - availableBytes)
}

interface DockerCpuStats {
  cpu_usage?: { total_usage?: number }
  system_cpu_usage?: number
  online_cpus?: number
}

/** The fields of a `docker stats` answer (GET /containers/{id}/stats?stream=false) used here. */
export interface DockerStats {
  read?: string
  preread?: string
  cpu_stats?: DockerCpuStats
  precpu_stats?: DockerCpuStats
  memory_stats?: { usage?: number; stats?: Record<string, number | undefined> }
}

export interface ContainerUsage {
  cpuNanocores: number
  memoryWorkingSetBytes: number
  /** When Docker read the counters (epoch ms). */
  timestampMs: number
  /** Between the two reads the CPU figure comes from (ms). */
  windowMs: number
}

/**
 * One container's usage from a non-streaming `docker stats` answer (Docker reads twice, about a
 * second apart, and reports both). CPU: Δtotal_usage / Δsystem_cpu_usage × online CPUs (Docker's
 * own formula; both counters in ns), or Δtotal_usage / Δwall when the system counter is missing.
 * Memory working set: usage − inactive_file (cgroup v2; `total_inactive_file` on v1), at least 0,
 * as cAdvisor computes it. Undefined when the answer lacks the previous read (a stopped container,
 * `one-shot`).
 */
export function containerUsage(stats: DockerStats): ContainerUsage | undefined {
  const read = Date.parse(stats.read ?? '')
  const preread = Date.parse(stats.preread ?? '')
  const cur = stats.cpu_stats
  const prev = stats.precpu_stats
  const usage = (cur?.cpu_usage?.total_usage ?? 0) - (prev?.cpu_usage?.total_usage ?? 0)
  if (!Number.isFinite(read) || !Number.isFinite(preread) || read <= preread || preread <= 0) return undefined
  if (!prev?.cpu_usage?.total_usage || usage < 0) return undefined
  const windowMs = read - preread
  const system = (cur?.system_cpu_usage ?? 0) - (prev.system_cpu_usage ?? 0)
  const cpus = cur?.online_cpus ?? 0
  const cpuNanocores = system > 0 && cpus > 0 ? Math.round((usage / system) * cpus * 1e9) : Math.round(usage / (windowMs / 1000))
  const mem = stats.memory_stats
  const inactive = mem?.stats?.inactive_file ?? mem?.stats?.total_inactive_file ?? 0
  const memoryWorkingSetBytes = Math.max(0, (mem?.usage ?? 0) - inactive)
  return { cpuNanocores, memoryWorkingSetBytes, timestampMs: read, windowMs }
}

// --- Quantities and durations, as apimachinery prints them ---------------------------------------

const DECIMAL_SUFFIXES = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E']

/**
 * Nanocores as a canonical decimal Quantity (metrics-server's `NewScaledQuantity(n, Nano)`):
 * trailing thousands move into the suffix, so 123456 → "123456n", 250000000 → "250m", 2e9 → "2".
 */
export function formatNanocores(nanocores: number): string {
  let value = Math.max(0, Math.round(nanocores))
  if (value === 0) return '0'
  let i = 0
  while (value % 1000 === 0 && i < DECIMAL_SUFFIXES.length - 1) {
    value /= 1000
    i++
  }
  return `${value}${DECIMAL_SUFFIXES[i] ?? ''}`
}

const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']

/** Bytes as a canonical binary Quantity (`NewQuantity(b, BinarySI)`): 12641280 → "12345Ki", 1500 → "1500". */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, Math.round(bytes))
  if (value === 0) return '0'
  let i = 0
  while (value % 1024 === 0 && i < BINARY_SUFFIXES.length - 1) {
    value /= 1024
    i++
  }
  return `${value}${BINARY_SUFFIXES[i] ?? ''}`
}

/** Milliseconds as Go's `time.Duration.String()` (metav1.Duration): 10000 → "10s", 10250 → "10.25s", 61000 → "1m1s", 500 → "500ms". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms))
  if (total === 0) return '0s'
  if (total < 1000) return `${total}ms`
  const h = Math.floor(total / 3_600_000)
  const m = Math.floor((total % 3_600_000) / 60_000)
  const sMs = total % 60_000
  const s = `${Math.floor(sMs / 1000)}${sMs % 1000 ? `.${String(sMs % 1000).padStart(3, '0').replace(/0+$/, '')}` : ''}s`
  if (h) return `${h}h${m}m${s}`
  if (m) return `${m}m${s}`
  return s
}
