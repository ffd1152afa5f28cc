import { describe, expect, it } from 'vitest'
import { makePod } from '../../api/testing/builders.ts'
import { cycleStateFor, makeNode, nodeInfo } from '../testing.ts'
import { nodeName, REASON } from './node-name.ts'

describe('NodeName', () => {
  it.each([
    ['no nodeName fits anywhere', undefined, 'n1', null],
    ['the named node fits', 'n1', 'n1', null],
    ['another node does not', 'n2', 'n1', REASON],
  ])('%s', (_what, wanted, node, reason) => {
    const pod = makePod().withContainer().obj()
    if (wanted && pod.spec) pod.spec.nodeName = wanted
    const status = nodeName.filter(cycleStateFor(pod), pod, nodeInfo(makeNode(node).obj()))
    expect(status?.reasons[0] ?? null).toBe(reason)
    if (status) expect(status.code).toBe('UnschedulableAndUnresolvable')
  })
})
