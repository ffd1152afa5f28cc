import { describe, expect, it } from 'vitest'
import { container } from '../../api/testing/builders.ts'
import type { ResourceRequirements } from '../../api/types/pod.ts'
import { containerResources, milliCPUToShares, oomScoreAdj } from './resources.ts'

const c = (resources: ResourceRequirements) => container('web', 'nginx', { resources })

describe('CPU shares', () => {
  it.each([
    [0, 2],
    [1, 2],
    [2, 2],
    [10, 10],
    [100, 102],
    [250, 256],
    [1000, 1024],
    [1500, 1536],
    [256000, 262144],
    [300000, 262144],
  ])('%i milli-CPU → %i shares', (milli, shares) => {
    expect(milliCPUToShares(milli)).toBe(shares)
  })
})

describe('container resources', () => {
  it.each([
    ['nothing: minimum shares (BestEffort)', {}, { CpuShares: 2 }],
    [
      'limits 250m / 128Mi with equal requests',
      { limits: { cpu: '250m', memory: '128Mi' }, requests: { cpu: '250m', memory: '128Mi' } },
      { CpuShares: 256, NanoCpus: 250_000_000, Memory: 134217728, MemorySwap: 134217728, MemoryReservation: 134217728 },
    ],
    ['a half gibibyte limit', { limits: { memory: '0.5Gi' } }, { CpuShares: 2, Memory: 536870912, MemorySwap: 536870912 }],
    ['decimal megabytes', { limits: { memory: '100M' } }, { CpuShares: 2, Memory: 100_000_000, MemorySwap: 100_000_000 }],
    ['a CPU limit without a request also weighs by the limit', { limits: { cpu: '1.5' } }, { CpuShares: 1536, NanoCpus: 1_500_000_000 }],
    ['requests only', { requests: { cpu: '100m', memory: '64Mi' } }, { CpuShares: 102, MemoryReservation: 67108864 }],
    ['a tiny CPU limit is raised to the 10m Docker accepts', { limits: { cpu: '1m' } }, { CpuShares: 2, NanoCpus: 10_000_000 }],
    ['zero quantities are no limits', { limits: { cpu: '0', memory: '0' } }, { CpuShares: 2 }],
    ['other resources are not cgroup settings', { limits: { 'ephemeral-storage': '1Gi' } }, { CpuShares: 2 }],
  ] as const)('%s', (_name, resources, expected) => {
    expect(containerResources(c(resources as ResourceRequirements))).toEqual(expected)
  })

  it('adds the OOM score when the QoS class is known', () => {
    expect(containerResources(c({ limits: { cpu: '1', memory: '1Gi' } }), { qosClass: 'Guaranteed', lowerOomScores: true })).toEqual({
      CpuShares: 1024,
      NanoCpus: 1_000_000_000,
      Memory: 1073741824,
      MemorySwap: 1073741824,
      OomScoreAdj: -997,
    })
  })
})

describe('OOM score adjustment', () => {
  const GiB = 1024 ** 3
  it.each([
    ['Guaranteed', 'Guaranteed', {}, undefined, -997],
    ['Guaranteed on a node that may not lower scores', 'Guaranteed', {}, undefined, undefined],
    ['BestEffort', 'BestEffort', {}, undefined, 1000],
    ['Burstable without the node capacity', 'Burstable', { requests: { memory: '1Gi' } }, undefined, undefined],
    ['Burstable requesting 10% of the node', 'Burstable', { requests: { memory: '1Gi' } }, 10 * GiB, 900],
    ['Burstable requesting 25%', 'Burstable', { requests: { memory: '2Gi' } }, 8 * GiB, 750],
    ['Burstable with a CPU request only stays below BestEffort', 'Burstable', { requests: { cpu: '100m' } }, 8 * GiB, 999],
    ['Burstable requesting all the node stays above Guaranteed', 'Burstable', { requests: { memory: '8Gi' } }, 8 * GiB, 3],
    ['Burstable rounds down', 'Burstable', { requests: { memory: '1Gi' } }, 3 * GiB, 667],
  ] as const)('%s', (name, qosClass, resources, capacity, expected) => {
    const lowerOomScores = !name.includes('may not lower')
    expect(oomScoreAdj(c(resources as ResourceRequirements), { qosClass, nodeMemoryCapacity: capacity, lowerOomScores })).toBe(expected)
  })

  it('is unknown without a QoS class', () => {
    expect(oomScoreAdj(c({}), {})).toBeUndefined()
  })
})
