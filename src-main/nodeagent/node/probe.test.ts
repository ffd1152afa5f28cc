import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { nodeProbeCommand, parseCount, parseDf, parseDfInodes, parseLoadavg, parseMeminfo, parseSshConnection, splitProbeOutput } from './probe.ts'

const MEMINFO = `MemTotal:       24684092 kB
MemFree:        22817820 kB
MemAvailable:   23718104 kB
Buffers:            5716 kB
Cached:           975184 kB
SwapCached:            0 kB`

const DF = `Filesystem     1024-blocks     Used Available Capacity Mounted on
/dev/vda          61611820 20459428  38010616      35% /`

const DF_INODES = `Filesystem      Inodes  IUsed   IFree IUse% Mounted on
/dev/vda       3932160 412345 3519815   11% /`

describe('nodeProbeCommand', () => {
  it('is one sh -c with a marker before each section and the Docker root quoted', () => {
    const [sh, c, script] = nodeProbeCommand("/var/lib/docker's")
    expect([sh, c]).toEqual(['sh', '-c'])
    expect(script).toContain(`echo @@coxswain:df@@; df -P -k '/var/lib/docker'\\''s' 2>/dev/null; `)
    expect(script).toContain('echo @@coxswain:ssh_connection@@; echo "$SSH_CONNECTION" 2>/dev/null; true')
  })

  it('runs in a real shell and splits back into its sections', () => {
    const [, , script] = nodeProbeCommand('/')
    const out = execFileSync('/bin/sh', ['-c', script ?? ''], { encoding: 'utf8', env: { ...process.env, SSH_CONNECTION: '10.0.0.1 50000 10.0.0.11 22' } })
    const sections = splitProbeOutput(out)
    expect(parseMeminfo(sections.meminfo).totalBytes).toBeGreaterThan(0)
    expect(parseLoadavg(sections.loadavg).tasks).toBeGreaterThan(0)
    expect(parseCount(sections.pid_max, 'pid_max')).toBeGreaterThan(0)
    expect(parseDf(sections.df).capacityBytes).toBeGreaterThan(0)
    expect(sections.ssh_connection).toBe('10.0.0.1 50000 10.0.0.11 22')
  })
})

describe('splitProbeOutput', () => {
  it('keeps each section to itself and leaves missing ones empty', () => {
    const out = '@@coxswain:pid_max@@\n4194304\n@@coxswain:product_uuid@@\n@@coxswain:hostname@@\nnode-1\n'
    const sections = splitProbeOutput(out)
    expect(sections.pid_max).toBe('4194304')
    expect(sections.product_uuid).toBe('')
    expect(sections.hostname).toBe('node-1')
    expect(sections.meminfo).toBe('')
  })
})

describe('parsers', () => {
  it('reads total and available memory in bytes', () => {
    expect(parseMeminfo(MEMINFO)).toEqual({ totalBytes: 24684092 * 1024, availableBytes: 23718104 * 1024 })
  })

  it('estimates available memory on kernels without MemAvailable', () => {
    expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 40 kB')).toEqual({ totalBytes: 1024000, availableBytes: 150 * 1024 })
  })

  it('refuses meminfo without MemTotal', () => {
    expect(() => parseMeminfo('MemFree: 1 kB')).toThrow('/proc/meminfo has no MemTotal line')
  })

  it('reads load averages and the task count', () => {
    expect(parseLoadavg('0.72 0.97 0.76 5/217 9551\n')).toEqual({ load1: 0.72, load5: 0.97, load15: 0.76, tasks: 217 })
    expect(() => parseLoadavg('nonsense')).toThrow('/proc/loadavg is not as expected: "nonsense"')
  })

  it('reads counts', () => {
    expect(parseCount('4194304\n', 'pid_max')).toBe(4194304)
    expect(() => parseCount('', 'pid_max')).toThrow('pid_max is not a number: ""')
  })

  it('reads df in bytes and inodes', () => {
    expect(parseDf(DF)).toEqual({ capacityBytes: 61611820 * 1024, availableBytes: 38010616 * 1024 })
    expect(parseDfInodes(DF_INODES)).toEqual({ inodes: 3932160, free: 3519815 })
  })

  it('reads df rows whose filesystem or mount point has spaces, and btrfs without inodes', () => {
    expect(parseDf('Filesystem 1024-blocks Used Available Capacity Mounted on\nmy disk 100 40 60 40% /mnt/my disk')).toEqual({ capacityBytes: 102400, availableBytes: 61440 })
    expect(parseDfInodes('Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/sda2 0 0 0 - /')).toEqual({ inodes: 0, free: 0 })
    expect(() => parseDf('df: /nope: No such file or directory')).toThrow(/^df -P -k is not as expected/)
  })

  it('reads the server address of the SSH connection', () => {
    expect(parseSshConnection('192.168.213.1 40022 192.168.213.11 22')).toEqual({ clientIP: '192.168.213.1', serverIP: '192.168.213.11' })
    expect(parseSshConnection('')).toBeUndefined()
  })
})
