import { describe, expect, it } from 'vitest'
import type { Taint } from '../../api/types/core.ts'
import type { Toleration } from '../../api/types/pod.ts'
import { planEviction, type EvictionPlan } from './eviction.ts'

const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }
const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }
const tolerate = (key: string, seconds?: number): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) })

describe('planEviction', () => {
  const T0 = 1_000_000
  const cases: [string, Toleration[] | undefined, { taint: Taint; sinceMs: number }[], EvictionPlan][] = [
    ['no NoExecute taint: never', undefined, [], { kind: 'never' }],
    ['an untolerated taint: now', undefined, [{ taint: unreachable, sinceMs: T0 }], { kind: 'now', taint: unreachable }],
    ['tolerated for 2 s: 2 s after the taint', [tolerate(unreachable.key, 2)], [{ taint: unreachable, sinceMs: T0 }], { kind: 'at', atMs: T0 + 2000, taint: unreachable }],
    ['tolerated for ever: never', [tolerate(unreachable.key)], [{ taint: unreachable, sinceMs: T0 }], { kind: 'never' }],
    ['the shortest of two matching tolerations', [tolerate(unreachable.key, 30), { operator: 'Exists', tolerationSeconds: 5 }], [{ taint: unreachable, sinceMs: T0 }], { kind: 'at', atMs: T0 + 5000, taint: unreachable }],
    ['an unbounded and a bounded one: the bound', [tolerate(unreachable.key), tolerate(unreachable.key, 7)], [{ taint: unreachable, sinceMs: T0 }], { kind: 'at', atMs: T0 + 7000, taint: unreachable }],
    ['negative seconds count as 0', [tolerate(unreachable.key, -3)], [{ taint: unreachable, sinceMs: T0 }], { kind: 'at', atMs: T0, taint: unreachable }],
    [
      'two taints: the earlier deadline',
      [tolerate(unreachable.key, 2), tolerate(notReady.key, 10)],
      [
        { taint: notReady, sinceMs: T0 - 9000 },
        { taint: unreachable, sinceMs: T0 },
      ],
      { kind: 'at', atMs: T0 + 1000, taint: notReady },
    ],
    ['one of two taints not tolerated: now', [tolerate(notReady.key, 10)], [{ taint: notReady, sinceMs: T0 }, { taint: unreachable, sinceMs: T0 }], { kind: 'now', taint: unreachable }],
    ['a user taint with a value needs an Equal match', [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }], [{ taint: { key: 'dedicated', value: 'web', effect: 'NoExecute' }, sinceMs: T0 }], { kind: 'now', taint: { key: 'dedicated', value: 'web', effect: 'NoExecute' } }],
  ]
  it.each(cases)('%s', (_, tolerations, taints, want) => {
    expect(planEviction(tolerations, taints)).toEqual(want)
  })
})
