// What the node agent reads from a machine besides `docker info`, in one SSH exec: memory, load and
// process count, the PID limit, the Docker root filesystem's space and inodes, machine and boot
// ids, hostname, and the address the SSH connection reached. The command is a pure builder and the
// parsers are pure functions, so both are tested without a machine.

import { quoteArg } from '../../util/shell.ts'

export const PROBE_SECTIONS = [
  'meminfo',
  'loadavg',
  'pid_max',
  'threads_max',
  'df',
  'df_inodes',
  'machine_id',
  'boot_id',
  'product_uuid',
  'hostname',
  'ssh_connection',
] as const
export type ProbeSection = (typeof PROBE_SECTIONS)[number]

const MARKER = (section: string): string => `@@coxswain:${section}@@`

/**
 * The argv that prints every section, each after its marker line. Errors are silenced per command
 * (a missing /sys/class/dmi on a VM leaves its section empty); `dockerRoot` is quoted.
 */
export function nodeProbeCommand(dockerRoot: string): string[] {
  const root = quoteArg(dockerRoot)
  const commands: Record<ProbeSection, string> = {
    meminfo: 'cat /proc/meminfo',
    loadavg: 'cat /proc/loadavg',
    pid_max: 'cat /proc/sys/kernel/pid_max',
    threads_max: 'cat /proc/sys/kernel/threads-max',
    df: `df -P -k ${root}`,
    df_inodes: `df -P -i ${root}`,
    machine_id: 'cat /etc/machine-id',
    boot_id: 'cat /proc/sys/kernel/random/boot_id',
    product_uuid: 'cat /sys/class/dmi/id/product_uuid',
    hostname: 'uname -n',
    ssh_connection: 'echo "$SSH_CONNECTION"',
  }
  const script = PROBE_SECTIONS.map((s) => `echo ${MARKER(s)}; ${commands[s]} 2>/dev/null`).join('; ')
  return ['sh', '-c', `${script}; true`]
}

/** Splits the probe's output into its sections (missing ones are empty). */
export function splitProbeOutput(stdout: string): Record<ProbeSection, string> {
  const sections = Object.fromEntries(PROBE_SECTIONS.map((s) => [s, ''])) as Record<ProbeSection, string>
  let current: ProbeSection | undefined
  const lines: string[] = []
  const flush = (): void => {
    if (current) sections[current] = lines.join('\n').trim()
    lines.length = 0
  }
  for (const line of stdout.split('\n')) {
    const marker = /^@@coxswain:([a-z_]+)@@$/.exec(line)?.[1]
    if (marker && (PROBE_SECTIONS as readonly string[]).includes(marker)) {
      flush()
      current = marker as ProbeSection
    } else {
      lines.push(line)
    }
  }
  flush()
  return sections
}

export interface MemInfo {
  totalBytes: number
  /** MemAvailable: what can be allocated without swapping (kubelet's memory.available, roughly). */
  availableBytes: number
}

/** /proc/meminfo: `MemTotal:  24684092 kB`. MemAvailable is missing only on kernels before 3.14. */
export function parseMeminfo(text: string): MemInfo {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text)
    return m ? Number(m[1]) * 1024 : undefined
  }
  const totalBytes = kb('MemTotal')
  if (totalBytes === undefined) throw new Error('/proc/meminfo has no MemTotal line')
  const availableBytes = kb('MemAvailable') ?? (kb('MemFree') ?? 0) + (kb('Buffers') ?? 0) + (kb('Cached') ?? 0)
  return { totalBytes, availableBytes }
}

export interface LoadAvg {
  load1: number
  load5: number
  load15: number
  /** Tasks (processes and threads) that exist: what kubelet counts against the PID limit. */
  tasks: number
}

/** /proc/loadavg: `0.72 0.97 0.76 5/217 9551`. */
export function parseLoadavg(text: string): LoadAvg {
  const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) \d+\/(\d+) \d+$/.exec(text.trim())
  if (!m) throw new Error(`/proc/loadavg is not as expected: ${JSON.stringify(text.trim())}`)
  return { load1: Number(m[1]), load5: Number(m[2]), load15: Number(m[3]), tasks: Number(m[4]) }
}

/** A single non-negative integer, as in /proc/sys/kernel/pid_max. */
export function parseCount(text: string, what: string): number {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed)) throw new Error(`${what} is not a number: ${JSON.stringify(trimmed)}`)
  return Number(trimmed)
}

/** The row of `df -P` for one path: the filesystem, then four numbers and the mount point. */
function dfRow(text: string, what: string): [number, number, number] {
  const rows = text.trim().split('\n').slice(1)
  const m = /^.*?\s+(\d+)\s+(\d+)\s+(\d+)\s+(?:\d+%|-)\s+\S.*$/.exec(rows[rows.length - 1] ?? '')
  if (!m) throw new Error(`${what} is not as expected: ${JSON.stringify(text.trim())}`)
  return [Number(m[1]), Number(m[2]), Number(m[3])]
}

export interface DiskUsage {
  capacityBytes: number
  availableBytes: number
}

/** `df -P -k PATH`: 1024-byte blocks, total / used / available. */
export function parseDf(text: string): DiskUsage {
  const [total, , available] = dfRow(text, 'df -P -k')
  return { capacityBytes: total * 1024, availableBytes: available * 1024 }
}

export interface InodeUsage {
  /** 0 on filesystems without a fixed inode table (btrfs): no inode pressure there. */
  inodes: number
  free: number
}

/** `df -P -i PATH`: inodes total / used / free. */
export function parseDfInodes(text: string): InodeUsage {
  const [inodes, , free] = dfRow(text, 'df -P -i')
  return { inodes, free }
}

/** `$SSH_CONNECTION` = `CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT`: the server IP is the node's address as we reach it. */
export function parseSshConnection(text: string): { clientIP: string; serverIP: string } | undefined {
  const parts = text.trim().split(/\s+/)
  if (parts.length !== 4 || !parts[0] || !parts[2]) return undefined
  return { clientIP: parts[0], serverIP: parts[2] }
}
