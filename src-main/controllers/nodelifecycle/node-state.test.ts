import { describe, expect, it } from 'vitest'
import type { Node, NodeCondition, Taint } from '../../api/index.ts'
import { deepFreeze } from '../../api/testing/builders.ts'
import { reconcileTaints, unknownConditions } from './node-state.ts'

const NOW = '2026-01-01T00:01:00Z'
const EARLIER = '2026-01-01T00:00:00Z'
const cond = (type: string, status: NodeCondition['status']): NodeCondition => ({ type, status, reason: 'R', lastHeartbeatTime: EARLIER, lastTransitionTime: EARLIER })

function node(ready: NodeCondition['status'] | undefined, extra: { taints?: Taint[]; unschedulable?: boolean; conditions?: NodeCondition[] } = {}): Node {
  const conditions = [...(ready ? [cond('Ready', ready)] : []), ...(extra.conditions ?? [])]
  return deepFreeze({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { taints: extra.taints, unschedulable: extra.unschedulable }, status: { conditions } })
}

describe('unknownConditions', () => {
  it('sets the agent’s conditions Unknown, keeps heartbeats and other conditions', () => {
    const given = [cond('Ready', 'True'), cond('MemoryPressure', 'False'), cond('NetworkUnavailable', 'False')]
    expect(unknownConditions(deepFreeze(given), 'NodeStatusUnknown', 'gone', NOW)).toEqual([
      { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'gone', lastHeartbeatTime: EARLIER, lastTransitionTime: NOW },
      { type: 'MemoryPressure', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'gone', lastHeartbeatTime: EARLIER, lastTransitionTime: NOW },
      cond('NetworkUnavailable', 'False'),
      { type: 'DiskPressure', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'gone', lastTransitionTime: NOW },
      { type: 'PIDPressure', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'gone', lastTransitionTime: NOW },
    ])
  })

  it('changes nothing when all are Unknown already', () => {
    const given = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((t) => cond(t, 'Unknown'))
    expect(unknownConditions(given, 'NodeStatusUnknown', 'gone', NOW)).toBeUndefined()
  })
})

describe('reconcileTaints', () => {
  const ur = (effect: Taint['effect'], timeAdded?: string): Taint => ({ key: 'node.kubernetes.io/unreachable', effect, ...(timeAdded ? { timeAdded } : {}) })
  const nr = (effect: Taint['effect'], timeAdded?: string): Taint => ({ key: 'node.kubernetes.io/not-ready', effect, ...(timeAdded ? { timeAdded } : {}) })
  const user: Taint = { key: 'dedicated', value: 'db', effect: 'NoExecute' }
  const cases: [string, Node, Taint[] | undefined, { hold?: boolean }?][] = [
    ['a ready node: nothing', node('True'), undefined],
    ['Ready=Unknown: unreachable, NoExecute stamped', node('Unknown'), [ur('NoSchedule'), ur('NoExecute', NOW)]],
    ['Ready=False: not-ready', node('False'), [nr('NoSchedule'), nr('NoExecute', NOW)]],
    ['Unknown → False swaps the taints', node('False', { taints: [ur('NoSchedule'), ur('NoExecute', EARLIER)] }), [nr('NoSchedule'), nr('NoExecute', NOW)]],
    ['a taint that stays keeps its timeAdded', node('Unknown', { taints: [ur('NoExecute', EARLIER)] }), [ur('NoExecute', EARLIER), ur('NoSchedule')]],
    ['back to Ready: managed taints go, the user’s stay', node('True', { taints: [user, ur('NoSchedule'), ur('NoExecute', EARLIER)] }), [user]],
    ['cordoned: unschedulable', node('True', { unschedulable: true }), [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]],
    ['memory pressure', node('True', { conditions: [cond('MemoryPressure', 'True')] }), [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }]],
    ['never posted a status: no taint until it is Unknown', node(undefined), undefined],
    ['evictions held: no unreachable NoExecute', node('Unknown', { taints: [ur('NoSchedule'), ur('NoExecute', EARLIER)] }), [ur('NoSchedule')], { hold: true }],
  ]
  it.each(cases)('%s', (_, given, want, options) => {
    expect(reconcileTaints(given, NOW, { holdUnreachableEviction: options?.hold })).toEqual(want)
  })
})
