// Test fixtures for the node agent: a node's observations and a fake machine whose Docker engine
// and shell answer like the lab's nodes, and can be made to hang or fail.

import type { ExecOptions, ExecResult } from '../ssh/exec.ts'
import type { DockerImageSummary, DockerInfo, NodeDockerApi } from './docker.ts'
import type { NodeObservation } from './node-status.ts'

const GI = 1024 ** 3

export function dockerInfo(overrides: Partial<DockerInfo> = {}): DockerInfo {
  return {
    ID: 'ITMU:ZACZ',
    Name: 'node-1',
    NCPU: 2,
    MemTotal: 24684092 * 1024,
    OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
    OSType: 'linux',
    KernelVersion: '6.1.0-18-amd64',
    Architecture: 'x86_64',
    ServerVersion: '20.10.24+dfsg1',
    DockerRootDir: '/var/lib/docker',
    Images: 1,
    ...overrides,
  }
}

export const busyboxImage: DockerImageSummary = { Id: 'sha256:b28b', RepoTags: ['coxswain-test/busybox:latest'], RepoDigests: null, Size: 1984250 }

export function observation(overrides: Partial<NodeObservation> = {}): NodeObservation {
  return {
    docker: dockerInfo(),
    images: [busyboxImage],
    memory: { totalBytes: 24684092 * 1024, availableBytes: 20 * GI },
    disk: { capacityBytes: 100 * GI, availableBytes: 60 * GI },
    inodes: { inodes: 1_000_000, free: 900_000 },
    pids: { max: 4194304, tasks: 217 },
    machineID: '3d1219c7c4c5404aaa1f6d2a48adfda4',
    bootID: '9068c9fc-a52c-43b0-9646-4490847b3d8a',
    systemUUID: '',
    hostname: 'node-1',
    internalIP: '192.168.213.11',
    ...overrides,
  }
}

/** The probe script's output for a healthy node. */
export function probeOutput(overrides: { hostname?: string; serverIP?: string } = {}): string {
  return [
    '@@coxswain:meminfo@@',
    'MemTotal:       24684092 kB',
    'MemAvailable:   23718104 kB',
    '@@coxswain:loadavg@@',
    '0.72 0.97 0.76 5/217 9551',
    '@@coxswain:pid_max@@',
    '4194304',
    '@@coxswain:threads_max@@',
    '192869',
    '@@coxswain:df@@',
    'Filesystem     1024-blocks     Used Available Capacity Mounted on',
    '/dev/vda          61611820 20459428  38010616      35% /',
    '@@coxswain:df_inodes@@',
    'Filesystem      Inodes  IUsed   IFree IUse% Mounted on',
    '/dev/vda       3932160 412345 3519815   11% /',
    '@@coxswain:machine_id@@',
    '3d1219c7c4c5404aaa1f6d2a48adfda4',
    '@@coxswain:boot_id@@',
    '9068c9fc-a52c-43b0-9646-4490847b3d8a',
    '@@coxswain:product_uuid@@',
    '@@coxswain:hostname@@',
    overrides.hostname ?? 'node-1',
    '@@coxswain:ssh_connection@@',
    `192.168.213.1 40022 ${overrides.serverIP ?? '192.168.213.11'} 22`,
    '',
  ].join('\n')
}

/** Resolves when `signal` aborts, with its reason; never otherwise. What a hung machine does. */
export function hangUntilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')), { once: true })
  })
}

/** A machine's shell and Docker engine in memory; `hang` makes every call wait for its deadline. */
export class FakeMachine implements NodeDockerApi {
  hang = false
  dockerDown = false
  info_: DockerInfo
  images: DockerImageSummary[] = [busyboxImage]
  privilege: 'root' | 'sudo' | 'none' = 'root'
  hostname: string
  serverIP: string
  calls = 0

  constructor(name: string, serverIP = '192.168.213.11') {
    this.hostname = name
    this.serverIP = serverIP
    this.info_ = dockerInfo({ Name: name })
  }

  async info(options: { abortSignal?: AbortSignal }): Promise<DockerInfo> {
    this.calls++
    if (this.hang) return hangUntilAborted(options.abortSignal)
    if (this.dockerDown) throw new Error('connect ENOENT /var/run/docker.sock')
    return structuredClone(this.info_)
  }

  async listImages(options: { abortSignal?: AbortSignal }): Promise<DockerImageSummary[]> {
    this.calls++
    if (this.hang) return hangUntilAborted(options.abortSignal)
    if (this.dockerDown) throw new Error('connect ENOENT /var/run/docker.sock')
    return structuredClone(this.images)
  }

  /** Runs the commands the agent and the machine controller run, as a shell on the machine would answer. */
  async exec(argv: readonly string[], options: ExecOptions & { abortSignal?: AbortSignal }): Promise<ExecResult> {
    this.calls++
    if (this.hang) {
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(new Error(`exec ${argv.join(' ')}: no answer within ${options.timeoutMs} ms`)), options.timeoutMs)
      try {
        return await hangUntilAborted(controller.signal)
      } finally {
        clearTimeout(timer)
      }
    }
    const ok = (stdout: string): ExecResult => ({ code: 0, signal: null, stdout, stderr: '' })
    const command = argv.join(' ')
    if (command === 'id -u') return ok(this.privilege === 'root' ? '0\n' : '1000\n')
    if (command === 'sudo -n true') return this.privilege === 'sudo' ? ok('') : { code: 1, signal: null, stdout: '', stderr: 'sudo: a password is required\n' }
    if (argv[0] === 'sh' && argv[1] === '-c' && argv[2]?.includes('@@coxswain:meminfo@@')) return ok(probeOutput({ hostname: this.hostname, serverIP: this.serverIP }))
    return { code: 127, signal: null, stdout: '', stderr: `sh: ${argv[0]}: not found\n` }
  }
}
