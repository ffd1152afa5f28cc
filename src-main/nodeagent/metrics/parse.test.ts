import { describe, expect, it } from 'vitest'
import { containerUsage, formatBytes, formatDuration, formatNanocores, nodeCpuNanocores, nodeMemoryWorkingSet, parseProcStat, type DockerStats } from './parse.ts'

const stat = (cpu: string, cpus = 2): string =>
  [`cpu  ${cpu}`, ...Array.from({ length: cpus }, (_, i) => `cpu${i} 1 2 3 4 5 6 7 8 0 0`), 'intr 123 4 5', 'ctxt 999', 'btime 1700000000', 'processes 42'].join('\n') + '\n'

describe('parseProcStat', () => {
  it('adds user, nice, system, irq, softirq and steal as busy; idle and iowait on top for total; counts CPUs', () => {
    expect(parseProcStat(stat('100 10 50 1000 20 5 5 10 7 0', 4))).toEqual({ busy: 180, total: 1200, cpus: 4 })
  })
  it('reads an old kernel line with four fields', () => {
    expect(parseProcStat(stat('1 2 3 4', 1))).toEqual({ busy: 6, total: 10, cpus: 1 })
  })
  it('refuses text without the aggregate line', () => {
    expect(() => parseProcStat('cpu0 1 2 3 4\n')).toThrow(/no aggregate cpu line/)
  })
})

describe('nodeCpuNanocores', () => {
  it('is the busy share of the elapsed jiffies times the CPUs', () => {
    const a = { busy: 1000, total: 10_000, cpus: 4 }
    const b = { busy: 1400, total: 11_000, cpus: 4 } // 400 of 1000 jiffies busy on 4 CPUs → 1.6 cores
    expect(nodeCpuNanocores(a, b)).toBe(1_600_000_000)
  })
  it('is undefined when no time passed or counters went back', () => {
    const a = { busy: 10, total: 100, cpus: 1 }
    expect(nodeCpuNanocores(a, a)).toBeUndefined()
    expect(nodeCpuNanocores(a, { busy: 5, total: 200, cpus: 1 })).toBeUndefined()
  })
})

describe('nodeMemoryWorkingSet', () => {
  it('is MemTotal − MemAvailable in bytes, read from /proc/stat and /proc/meminfo together', () => {
    const text = stat('1 2 3 4') + 'MemTotal:        2048000 kB\nMemFree:          100000 kB\nMemAvailable:    1536000 kB\n'
    expect(nodeMemoryWorkingSet(text)).toBe(512_000 * 1024)
  })
})

describe('containerUsage', () => {
  const base: DockerStats = {
    read: '2025-05-01T10:00:02.000000000Z',
    preread: '2025-05-01T10:00:01.000000000Z',
    cpu_stats: { cpu_usage: { total_usage: 3_500_000_000 }, system_cpu_usage: 104_000_000_000, online_cpus: 4 },
    precpu_stats: { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 100_000_000_000, online_cpus: 4 },
    memory_stats: { usage: 50 * 1024 * 1024, stats: { inactive_file: 10 * 1024 * 1024, anon: 1 } },
  }
  it('takes CPU from cpu_stats/precpu_stats (Δusage / Δsystem × CPUs) and memory as usage − inactive_file', () => {
    // 0.5 s of CPU in 4 s of system time over 4 CPUs → 0.5 cores
    expect(containerUsage(base)).toEqual({ cpuNanocores: 500_000_000, memoryWorkingSetBytes: 40 * 1024 * 1024, timestampMs: Date.parse('2025-05-01T10:00:02Z'), windowMs: 1000 })
  })
  it('uses total_inactive_file on cgroup v1, and never goes below zero', () => {
    expect(containerUsage({ ...base, memory_stats: { usage: 4096, stats: { total_inactive_file: 1024 } } })?.memoryWorkingSetBytes).toBe(3072)
    expect(containerUsage({ ...base, memory_stats: { usage: 1024, stats: { inactive_file: 4096 } } })?.memoryWorkingSetBytes).toBe(0)
  })
  it('falls back to wall time between the reads without a system counter', () => {
    const noSystem = { ...base, cpu_stats: { cpu_usage: { total_usage: 3_250_000_000 } }, precpu_stats: { cpu_usage: { total_usage: 3_000_000_000 } } }
    expect(containerUsage(noSystem)?.cpuNanocores).toBe(250_000_000)
  })
  it('is undefined without a previous read (one-shot, or a container that just stopped)', () => {
    expect(containerUsage({ ...base, preread: '0001-01-01T00:00:00Z', precpu_stats: { cpu_usage: { total_usage: 0 } } })).toBeUndefined()
    expect(containerUsage({ ...base, precpu_stats: {} })).toBeUndefined()
  })
})

describe('quantities', () => {
  it('prints nanocores canonically, as apimachinery does', () => {
    expect(formatNanocores(123456)).toBe('123456n')
    expect(formatNanocores(250_000_000)).toBe('250m')
    expect(formatNanocores(1_500_000)).toBe('1500u')
    expect(formatNanocores(2_000_000_000)).toBe('2')
    expect(formatNanocores(0)).toBe('0')
  })
  it('prints bytes in binary SI when they divide', () => {
    expect(formatBytes(12345 * 1024)).toBe('12345Ki')
    expect(formatBytes(64 * 1024 * 1024)).toBe('64Mi')
    expect(formatBytes(1500)).toBe('1500')
    expect(formatBytes(0)).toBe('0')
  })
  it('prints windows as Go durations', () => {
    expect(formatDuration(10_000)).toBe('10s')
    expect(formatDuration(10_250)).toBe('10.25s')
    expect(formatDuration(1_004)).toBe('1.004s')
    expect(formatDuration(500)).toBe('500ms')
    expect(formatDuration(61_000)).toBe('1m1s')
  })
})
