import { describe, expect, it } from 'vitest'
import { goArchitecture, nodeImages } from './docker.ts'
import {
  formatMicroTime,
  nodeAllocatable,
  nodeCapacity,
  nodeConditionCores,
  nodeLabels,
  nodeStatus,
  runtimeDownConditions,
  withoutHeartbeats,
} from './node-status.ts'
import { dockerInfo, observation } from './testing.ts'

const GI = 1024 ** 3
const MI = 1024 ** 2
const NOW = new Date('2026-03-04T05:06:07.891Z')
const byType = <T extends { type: string }>(conditions: T[] | undefined): Record<string, T | undefined> => Object.fromEntries((conditions ?? []).map((c) => [c.type, c]))

describe('capacity and allocatable', () => {
  it('reports docker info CPUs and memory, the Docker root filesystem and 110 pods', () => {
    expect(nodeCapacity(observation({ disk: { capacityBytes: 61611820 * 1024, availableBytes: 1 } }))).toEqual({
      cpu: '2',
      'ephemeral-storage': '61611820Ki',
      memory: '24684092Ki',
      pods: '110',
    })
  })

  it('reserves 100m CPU, 256Mi + the 100Mi eviction threshold of memory, and 10% of storage', () => {
    expect(nodeAllocatable(observation({ disk: { capacityBytes: 100 * GI, availableBytes: 1 } }))).toEqual({
      cpu: '1900m',
      'ephemeral-storage': String(90 * GI),
      memory: `${24684092 - 356 * 1024}Ki`,
      pods: '110',
    })
  })

  it('never goes below zero on a tiny machine', () => {
    const tiny = observation({ docker: dockerInfo({ NCPU: 0, MemTotal: 200 * MI }) })
    expect(nodeAllocatable(tiny)).toMatchObject({ cpu: '0', memory: '0Ki' })
  })
})

describe('conditions', () => {
  it('are kubelet-worded for a healthy root node', () => {
    expect(nodeConditionCores(observation(), 'root')).toEqual([
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
      { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
      { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'coxswain node agent is posting ready status' },
      { type: 'NetworkUnavailable', status: 'False', reason: 'PrivilegeAvailable', message: 'the SSH user has root: pod networking can be set up' },
    ])
  })

  it.each([
    ['memory below 100Mi', observation({ memory: { totalBytes: GI, availableBytes: 99 * MI } }), 'MemoryPressure', 'KubeletHasInsufficientMemory'],
    ['disk below 10%', observation({ disk: { capacityBytes: 100 * GI, availableBytes: 9 * GI } }), 'DiskPressure', 'KubeletHasDiskPressure'],
    ['inodes below 5%', observation({ inodes: { inodes: 1000, free: 49 } }), 'DiskPressure', 'KubeletHasDiskPressure'],
    ['PIDs below 10%', observation({ pids: { max: 1000, tasks: 901 } }), 'PIDPressure', 'KubeletHasInsufficientPID'],
  ])('report pressure with %s', (_what, o, type, reason) => {
    expect(byType(nodeConditionCores(o, 'root'))[type]).toMatchObject({ status: 'True', reason })
  })

  it('do not count inodes on filesystems without an inode table', () => {
    expect(byType(nodeConditionCores(observation({ inodes: { inodes: 0, free: 0 } }), 'root')).DiskPressure?.status).toBe('False')
  })

  it.each([
    ['sudo', 'False', 'PrivilegeAvailable'],
    ['none', 'True', 'NoRootAccess'],
    [undefined, 'Unknown', 'PrivilegeUnknown'],
  ] as const)('say the network is unavailable by privilege %s', (privilege, status, reason) => {
    expect(byType(nodeConditionCores(observation(), privilege)).NetworkUnavailable).toMatchObject({ status, reason })
  })

  it('keep lastTransitionTime while the status holds, and move the heartbeat', () => {
    const first = nodeStatus(observation(), { privilege: 'root', kubeletVersion: 'v1', now: new Date('2026-03-04T05:00:00Z') })
    const second = nodeStatus(observation({ memory: { totalBytes: GI, availableBytes: MI } }), { privilege: 'root', kubeletVersion: 'v1', now: NOW, previous: first })
    expect(byType(second.conditions).Ready).toMatchObject({ lastTransitionTime: '2026-03-04T05:00:00Z', lastHeartbeatTime: '2026-03-04T05:06:07Z' })
    expect(byType(second.conditions).MemoryPressure).toMatchObject({ status: 'True', lastTransitionTime: '2026-03-04T05:06:07Z' })
  })

  it('turn Ready False when the container runtime is down, keeping the rest', () => {
    const before = nodeStatus(observation(), { privilege: 'root', kubeletVersion: 'v1', now: new Date('2026-03-04T05:00:00Z') })
    const down = runtimeDownConditions(before.conditions, 'connect ENOENT /var/run/docker.sock', '2026-03-04T05:06:07Z')
    expect(down.map((c) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable', 'Ready'])
    expect(byType(down).Ready).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'KubeletNotReady',
      message: 'container runtime is down: connect ENOENT /var/run/docker.sock',
      lastHeartbeatTime: '2026-03-04T05:06:07Z',
      lastTransitionTime: '2026-03-04T05:06:07Z',
    })
  })
})

describe('nodeStatus', () => {
  it('carries addresses, nodeInfo and images', () => {
    const status = nodeStatus(observation(), { privilege: 'root', kubeletVersion: 'v1.33.0-coxswain.0.1.0', now: NOW })
    expect(status.addresses).toEqual([
      { type: 'InternalIP', address: '192.168.213.11' },
      { type: 'Hostname', address: 'node-1' },
    ])
    expect(status.nodeInfo).toEqual({
      machineID: '3d1219c7c4c5404aaa1f6d2a48adfda4',
      systemUUID: '',
      bootID: '9068c9fc-a52c-43b0-9646-4490847b3d8a',
      kernelVersion: '6.1.0-18-amd64',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'docker://20.10.24+dfsg1',
      kubeletVersion: 'v1.33.0-coxswain.0.1.0',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    })
    expect(status.images).toEqual([{ names: ['coxswain-test/busybox:latest'], sizeBytes: 1984250 }])
  })

  it('is unchanged but for heartbeats when nothing changed', () => {
    const a = nodeStatus(observation(), { privilege: 'root', kubeletVersion: 'v1', now: new Date('2026-03-04T05:00:00Z') })
    const b = nodeStatus(observation(), { privilege: 'root', kubeletVersion: 'v1', now: NOW, previous: a })
    expect(withoutHeartbeats(b)).toEqual(withoutHeartbeats(a))
    expect(b).not.toEqual(a)
  })
})

describe('images', () => {
  it('lists digests then tags, largest first, leaving out unnamed images, at most 50', () => {
    const images = [
      { Id: 'a', RepoTags: ['small:1'], Size: 10 },
      { Id: 'b', RepoTags: ['big:1', 'big:latest'], RepoDigests: ['big@sha256:ab'], Size: 1000 },
      { Id: 'c', RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Size: 500 },
      ...Array.from({ length: 60 }, (_, i) => ({ Id: `x${i}`, RepoTags: [`many:${i}`], Size: 1 })),
    ]
    const listed = nodeImages(images)
    expect(listed.slice(0, 2)).toEqual([
      { names: ['big@sha256:ab', 'big:1', 'big:latest'], sizeBytes: 1000 },
      { names: ['small:1'], sizeBytes: 10 },
    ])
    expect(listed).toHaveLength(50)
  })
})

describe('labels and architecture', () => {
  it.each([
    ['x86_64', 'amd64'],
    ['aarch64', 'arm64'],
    ['armv7l', 'arm'],
    ['mips', 'mips'],
  ])('%s is %s', (uname, goArch) => {
    expect(goArchitecture(uname)).toBe(goArch)
  })

  it('labels the node as kubelet does', () => {
    expect(nodeLabels('node-1', { docker: dockerInfo({ Architecture: 'aarch64' }) })).toEqual({
      'kubernetes.io/arch': 'arm64',
      'kubernetes.io/hostname': 'node-1',
      'kubernetes.io/os': 'linux',
    })
  })
})

describe('times', () => {
  it('formats MicroTime with six digits', () => {
    expect(formatMicroTime(NOW)).toBe('2026-03-04T05:06:07.891000Z')
  })
})
