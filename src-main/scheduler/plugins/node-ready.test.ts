import { describe, expect, it } from 'vitest'
import type { Toleration } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { cycleStateFor, makeNode, nodeInfo } from '../testing.ts'
import { nodeReady, REASON_NOT_READY, REASON_UNREACHABLE } from './node-ready.ts'

describe('NodeReady', () => {
  const notReady: Toleration = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }
  const unreachable: Toleration = { key: 'node.kubernetes.io/unreachable', operator: 'Exists' }
  it.each<[string, 'True' | 'False' | 'Unknown' | 'none', Toleration[], string | null]>([
    ['a Ready node takes the pod', 'True', [], null],
    ['a NotReady node refuses it', 'False', [], REASON_NOT_READY],
    ['an Unknown node (unreachable) refuses it', 'Unknown', [], REASON_UNREACHABLE],
    ['a node that never reported counts as unreachable', 'none', [], REASON_UNREACHABLE],
    ['a NoExecute-only toleration does not cover the NoSchedule side', 'False', [notReady], REASON_NOT_READY],
    ['a toleration of the not-ready key with any effect passes', 'False', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }], null],
    ['an unreachable toleration covers Unknown', 'Unknown', [unreachable], null],
    ['an unreachable toleration does not cover False', 'False', [unreachable], REASON_NOT_READY],
  ])('%s', (_what, ready, tolerations, reason) => {
    const pod = makePod().withContainer().withSpec({ tolerations }).obj()
    const node = ready === 'none' ? makeNode('n').withoutConditions().obj() : makeNode('n').withCondition('Ready', ready).obj()
    const status = nodeReady.filter(cycleStateFor(pod), pod, nodeInfo(node))
    expect(status?.reasons[0] ?? null).toBe(reason)
  })
})
