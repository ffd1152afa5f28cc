import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../util/log.ts'
import type { DockerStats } from './parse.ts'
import { NodeMetricsSampler, podContainers, podSamples, type ContainerSummary, type MetricsNode } from './sampler.ts'
import { MetricsStore } from './store.ts'

const labels = (pod: string, container: string, role = 'app', uid = `uid-${pod}`): Record<string, string> => ({
  'io.coxswain.managed': 'true',
  'io.kubernetes.pod.namespace': 'default',
  'io.kubernetes.pod.name': pod,
  'io.kubernetes.pod.uid': uid,
  'io.kubernetes.container.name': container,
  'io.coxswain.role': role,
})

const stats = (cpuDelta: number, memory: number): DockerStats => ({
  read: '2025-05-01T10:00:02Z',
  preread: '2025-05-01T10:00:01Z',
  cpu_stats: { cpu_usage: { total_usage: 1_000_000 + cpuDelta }, system_cpu_usage: 2_000_000_000, online_cpus: 2 },
  precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 0, online_cpus: 2 },
  memory_stats: { usage: memory, stats: { inactive_file: 0 } },
})

describe('podContainers / podSamples', () => {
  const list: ContainerSummary[] = [
    { Id: 'a', Labels: labels('web', 'nginx') },
    { Id: 'b', Labels: labels('web', 'POD', 'infra') },
    { Id: 'c', Labels: labels('web', 'sidecar') },
    { Id: 'd', Labels: labels('job', 'setup', 'init') },
    { Id: 'e', Labels: { other: 'x' } },
    { Id: 'f', Labels: labels('half', 'one') },
    { Id: 'g', Labels: labels('half', 'two') },
  ]
  it('keeps app containers of managed pods, and drops pods with a container not measured', () => {
    const cs = podContainers(list)
    expect(cs.map((c) => c.id)).toEqual(['a', 'c', 'f', 'g'])
    const usage = new Map([
      ['a', { cpuNanocores: 5, memoryWorkingSetBytes: 1024, timestampMs: 2000, windowMs: 1000 }],
      ['c', { cpuNanocores: 7, memoryWorkingSetBytes: 2048, timestampMs: 2500, windowMs: 900 }],
      ['f', { cpuNanocores: 1, memoryWorkingSetBytes: 1, timestampMs: 1, windowMs: 1 }],
      ['g', undefined],
    ])
    expect(podSamples('node-1', cs, usage)).toEqual([
      {
        node: 'node-1',
        namespace: 'default',
        name: 'web',
        uid: 'uid-web',
        timestampMs: 2500,
        windowMs: 900,
        containers: [
          { name: 'nginx', usage: { cpuNanocores: 5, memoryWorkingSetBytes: 1024 } },
          { name: 'sidecar', usage: { cpuNanocores: 7, memoryWorkingSetBytes: 2048 } },
        ],
      },
    ])
  })
})

describe('NodeMetricsSampler', () => {
  afterEach(() => vi.useRealTimers())

  it('needs two /proc samples for node CPU, measures pods each round, and forgets the node on stop', async () => {
    const procs = [
      'cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1\ncpu1 1\nMemTotal: 4096 kB\nMemAvailable: 1024 kB\n',
      'cpu  400 0 200 1400 0 0 0 0 0 0\ncpu0 1\ncpu1 1\nMemTotal: 4096 kB\nMemAvailable: 2048 kB\n',
    ]
    const node: MetricsNode = {
      readProc: () => Promise.resolve(procs.shift() ?? ''),
      runningContainers: () => Promise.resolve([{ Id: 'x', Labels: labels('busy', 'spin') }]),
      stats: () => Promise.resolve(stats(1_000_000_000, 8192)),
    }
    const store = new MetricsStore()
    let now = 1000
    const sampler = new NodeMetricsSampler({ nodeName: 'node-1', node, store, log: createLogger({}, () => {}, 'error'), now: () => now })
    vi.useFakeTimers() // rounds are driven by hand here, not by the sampler's timer
    sampler.start()
    await sampler.sample()
    expect(store.node('node-1')).toBeUndefined()
    expect(store.pod('default', 'busy')?.containers).toEqual([{ name: 'spin', usage: { cpuNanocores: 1_000_000_000, memoryWorkingSetBytes: 8192 } }])
    now = 11_000
    await sampler.sample()
    // 400 busy of 1000 jiffies on 2 CPUs → 0.8 cores; 4096 − 2048 kB in use.
    expect(store.node('node-1')).toEqual({ node: 'node-1', timestampMs: 11_000, windowMs: 10_000, usage: { cpuNanocores: 800_000_000, memoryWorkingSetBytes: 2048 * 1024 } })
    await sampler.stop()
    expect(store.node('node-1')).toBeUndefined()
    expect(store.pod('default', 'busy')).toBeUndefined()
  })
})
