import { describe, expect, it } from 'vitest'
import type { Taint, Toleration } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { cycleStateFor, makeNode, nodeInfo } from '../testing.ts'
import { taintToleration } from './taint-toleration.ts'

const nodeWith = (taints: Taint[]) => {
  let b = makeNode('n')
  for (const t of taints) b = b.withTaint(t.key, t.value, t.effect)
  return nodeInfo(b.obj())
}

describe('TaintToleration filter', () => {
  it.each<[string, Taint[], Toleration[], string | null]>([
    ['no taints', [], [], null],
    ['an untolerated NoSchedule taint, in Kubernetes words', [{ key: 'k', value: 'v', effect: 'NoSchedule' }], [], 'node(s) had untolerated taint {k: v}'],
    ['an untolerated NoExecute taint without value', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }], [], 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }'],
    ['PreferNoSchedule never filters', [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }], [], null],
    ['Equal with the same value tolerates', [{ key: 'k', value: 'v', effect: 'NoSchedule' }], [{ key: 'k', operator: 'Equal', value: 'v' }], null],
    ['Equal with another value does not', [{ key: 'k', value: 'v', effect: 'NoSchedule' }], [{ key: 'k', operator: 'Equal', value: 'w' }], 'node(s) had untolerated taint {k: v}'],
    ['an absent operator means Equal', [{ key: 'k', value: 'v', effect: 'NoSchedule' }], [{ key: 'k', value: 'v' }], null],
    ['Exists ignores the value', [{ key: 'k', value: 'v', effect: 'NoExecute' }], [{ key: 'k', operator: 'Exists' }], null],
    ['a toleration for another effect does not count', [{ key: 'k', value: 'v', effect: 'NoExecute' }], [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }], 'node(s) had untolerated taint {k: v}'],
    ['an empty key with Exists tolerates everything', [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'NoExecute' }], [{ operator: 'Exists' }], null],
    ['the first untolerated taint is named', [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: '1', effect: 'NoSchedule' }], [{ key: 'a', operator: 'Exists' }], 'node(s) had untolerated taint {b: 1}'],
  ])('%s', (_what, taints, tolerations, reason) => {
    const pod = makePod().withContainer().withSpec({ tolerations }).obj()
    const status = taintToleration.filter(cycleStateFor(pod), pod, nodeWith(taints))
    expect(status?.reasons[0] ?? null).toBe(reason)
  })
})

describe('TaintToleration score', () => {
  it('prefers nodes with fewer untolerated PreferNoSchedule taints', () => {
    const pod = makePod().withContainer().withSpec({ tolerations: [{ key: 'ok', operator: 'Exists', effect: 'PreferNoSchedule' }] }).obj()
    const state = cycleStateFor(pod)
    const nodes = [
      nodeWith([]),
      nodeWith([{ key: 'a', effect: 'PreferNoSchedule' }]),
      nodeWith([{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }]),
      nodeWith([{ key: 'ok', effect: 'PreferNoSchedule' }]),
    ]
    const scores = nodes.map((n, i) => ({ name: `n${i}`, score: taintToleration.score(state, pod, n) }))
    taintToleration.normalize?.(state, pod, scores)
    expect(scores.map((s) => s.score)).toEqual([100, 50, 0, 100])
  })

  it('gives every node full marks when none has such taints', () => {
    const pod = makePod().withContainer().obj()
    const scores = [{ name: 'a', score: 0 }, { name: 'b', score: 0 }]
    taintToleration.normalize?.(cycleStateFor(pod), pod, scores)
    expect(scores.map((s) => s.score)).toEqual([100, 100])
  })
})
