import { describe, expect, it } from 'vitest'
import { deepFreeze, makePod } from '../testing/builders.ts'
import { DEFAULT_TOLERATION_SECONDS, withDefaultTolerations } from './tolerations.ts'
import type { Toleration } from '../types/pod.ts'

const notReady = (s: number): Toleration => ({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: s })
const unreachable = (s: number): Toleration => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: s })

describe('withDefaultTolerations', () => {
  const cases: [string, Toleration[] | undefined, Toleration[]][] = [
    ['adds both to a pod without tolerations', undefined, [notReady(DEFAULT_TOLERATION_SECONDS.notReady), unreachable(DEFAULT_TOLERATION_SECONDS.unreachable)]],
    ['keeps the pod’s own unreachable toleration', [unreachable(600)], [unreachable(600), notReady(DEFAULT_TOLERATION_SECONDS.notReady)]],
    [
      'an unbounded toleration of the key counts',
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }],
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }, unreachable(DEFAULT_TOLERATION_SECONDS.unreachable)],
    ],
    ['tolerate-everything adds nothing', [{ operator: 'Exists' }], [{ operator: 'Exists' }]],
    [
      'a NoSchedule toleration of the key does not count',
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }],
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }, notReady(DEFAULT_TOLERATION_SECONDS.notReady), unreachable(DEFAULT_TOLERATION_SECONDS.unreachable)],
    ],
  ]
  it.each(cases)('%s', (_, given, want) => {
    const pod = deepFreeze(makePod('web').withSpec(given ? { tolerations: given } : {}).obj())
    expect(withDefaultTolerations(pod).spec?.tolerations).toEqual(want)
  })

  it('uses configured seconds', () => {
    const pod = makePod('web').obj()
    expect(withDefaultTolerations(pod, { notReady: 30, unreachable: 0 }).spec?.tolerations).toEqual([notReady(30), unreachable(0)])
  })
})
