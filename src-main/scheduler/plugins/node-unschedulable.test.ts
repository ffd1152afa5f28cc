import { describe, expect, it } from 'vitest'
import type { Toleration } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { cycleStateFor, makeNode, nodeInfo } from '../testing.ts'
import { nodeUnschedulable, REASON } from './node-unschedulable.ts'

describe('NodeUnschedulable', () => {
  const cordonToleration: Toleration = { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }
  it.each<[string, boolean, Toleration[], string | null]>([
    ['a schedulable node takes the pod', false, [], null],
    ['a cordoned node refuses it', true, [], REASON],
    ['a cordoned node takes a pod tolerating the cordon taint', true, [cordonToleration], null],
    ['a toleration of everything tolerates the cordon', true, [{ operator: 'Exists' }], null],
    ['a toleration of another key does not', true, [{ key: 'other', operator: 'Exists' }], REASON],
  ])('%s', (_what, cordoned, tolerations, reason) => {
    const pod = makePod().withContainer().withSpec({ tolerations }).obj()
    const node = cordoned ? makeNode('n').cordoned().obj() : makeNode('n').obj()
    expect(nodeUnschedulable.filter(cycleStateFor(pod), pod, nodeInfo(node))?.reasons[0] ?? null).toBe(reason)
  })
})
