import { describe, expect, it } from 'vitest'
import type { Deployment, ReplicaSet } from '../../api/index.ts'
import { makeDeployment } from '../../api/testing/builders.ts'
import { cleanupUnhealthy, historyToDelete, maxScaledDown, maxSurge, maxUnavailable, newReplicaSetReplicas, proportionalSizes, scaleDownOld } from './rollout-math.ts'

function deployment(replicas: number, surge: number | string = '25%', unavailable: number | string = '25%', extra: Partial<NonNullable<Deployment['spec']>> = {}): Deployment {
  return makeDeployment('web').withReplicas(replicas).withSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } }, ...extra }).obj()
}

function rs(name: string, replicas: number, available = replicas, options: { created?: string; maxReplicas?: number; revision?: number; statusReplicas?: number } = {}): ReplicaSet {
  const annotations: Record<string, string> = {}
  if (options.maxReplicas !== undefined) annotations['deployment.kubernetes.io/max-replicas'] = String(options.maxReplicas)
  if (options.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = String(options.revision)
  return {
    metadata: { name, creationTimestamp: options.created ?? '2026-01-01T00:00:00Z', annotations, generation: 1 },
    spec: { replicas, selector: {} },
    status: { replicas: options.statusReplicas ?? replicas, availableReplicas: available, observedGeneration: 1 },
  }
}

describe('maxSurge and maxUnavailable', () => {
  it.each([
    ['defaults 25%/25% of 10: surge rounds up, unavailable down', deployment(10), 3, 2],
    ['numbers', deployment(10, 2, 1), 2, 1],
    ['both zero: unavailable becomes 1', deployment(4, 0, 0), 0, 1],
    ['unavailable never above replicas', deployment(2, 0, 5), 0, 2],
    ['percent of 1 replica', deployment(1), 1, 0],
    ['Recreate: neither', makeDeployment('web').withReplicas(4).withSpec({ strategy: { type: 'Recreate' } }).obj(), 0, 0],
  ])('%s', (_, d, surge, unavailable) => {
    expect(maxSurge(d)).toBe(surge)
    expect(maxUnavailable(d)).toBe(unavailable)
  })
})

describe('newReplicaSetReplicas', () => {
  it.each([
    ['grows by the surge at the start', deployment(6, 2, 1), [rs('old', 6)], 0, 2],
    ['no room left: stays', deployment(6, 2, 1), [rs('old', 6), rs('new', 2)], 2, 2],
    ['fills room left by old pods', deployment(6, 2, 1), [rs('old', 3), rs('new', 2)], 2, 5],
    ['never above the replicas', deployment(6, 2, 1), [rs('old', 0), rs('new', 5)], 5, 6],
  ])('%s', (_, d, all, current, expected) => {
    const newRS = all.find((r) => r.metadata.name === 'new') ?? rs('new', current)
    expect(newReplicaSetReplicas(d, all, newRS)).toBe(expected)
  })
})

describe('scaling old ReplicaSets down', () => {
  it('counts the new ReplicaSet’s unavailable pods as missing', () => {
    // 6 replicas, maxUnavailable 1 → min 5 available; all 8 pods, new has 2 unavailable → 8 - 5 - 2 = 1
    expect(maxScaledDown(deployment(6, 2, 1), [rs('old', 6), rs('new', 2, 0)], rs('new', 2, 0))).toBe(1)
  })

  it('sheds unhealthy old pods first, oldest ReplicaSet first, within the budget', () => {
    const old = [rs('b', 3, 1, { created: '2026-01-02T00:00:00Z' }), rs('a', 2, 0, { created: '2026-01-01T00:00:00Z' })]
    const { sizes, removed } = cleanupUnhealthy(old, 3)
    expect(Object.fromEntries(sizes)).toEqual({ a: 0, b: 2 })
    expect(removed).toBe(3)
  })

  it('scales available old pods down only above the minimum available', () => {
    const d = deployment(6, 2, 1)
    const old = [rs('old', 6)]
    expect(Object.fromEntries(scaleDownOld(d, [...old, rs('new', 2, 2)], old))).toEqual({ old: 3 })
    expect(scaleDownOld(d, [rs('old', 5), rs('new', 2, 0)], [rs('old', 5)]).size).toBe(0)
  })
})

describe('proportionalSizes', () => {
  it.each([
    ['grows in proportion (8:5 to 25)', deployment(20), [rs('old', 8, 8, { maxReplicas: 13 }), rs('new', 5, 0, { maxReplicas: 13, created: '2026-01-02T00:00:00Z' })], { old: 15, new: 10 }],
    ['shrinks in proportion', deployment(5, 1, 0), [rs('old', 8, 8, { maxReplicas: 13 }), rs('new', 5, 0, { maxReplicas: 13, created: '2026-01-02T00:00:00Z' })], { old: 4, new: 2 }],
    ['to zero', deployment(0, 1, 0), [rs('old', 3, 3, { maxReplicas: 5 }), rs('new', 2, 0, { maxReplicas: 5 })], { old: 0, new: 0 }],
    ['nothing to do', deployment(10, 3, 2), [rs('old', 8, 8, { maxReplicas: 13 }), rs('new', 5, 0, { maxReplicas: 13 })], {}],
  ])('%s', (_, d, active, expected) => {
    expect(Object.fromEntries(proportionalSizes(d, active))).toEqual(expected)
  })

  it('the totals always add up to replicas + surge', () => {
    for (let replicas = 0; replicas <= 17; replicas++) {
      const d = deployment(replicas, 3, 2)
      const active = [rs('a', 7, 7, { maxReplicas: 13 }), rs('b', 4, 0, { maxReplicas: 13 }), rs('c', 2, 0, { maxReplicas: 13 })]
      const sizes = proportionalSizes(d, active)
      const total = active.reduce((n, r) => n + (sizes.get(r.metadata.name ?? '') ?? r.spec?.replicas ?? 0), 0)
      expect(total).toBe(replicas === 0 ? 0 : replicas + 3)
    }
  })
})

describe('historyToDelete', () => {
  it('deletes the oldest empty revisions beyond the limit, never a ReplicaSet with pods', () => {
    const d = deployment(1, 1, 0, { revisionHistoryLimit: 1 })
    const old = [rs('r1', 0, 0, { revision: 1 }), rs('r2', 0, 0, { revision: 2, statusReplicas: 1 }), rs('r3', 0, 0, { revision: 3 })]
    expect(historyToDelete(d, old).map((r) => r.metadata.name)).toEqual(['r1'])
    expect(historyToDelete({ ...d, spec: { ...d.spec, revisionHistoryLimit: 3 } } as Deployment, old)).toEqual([])
  })
})
