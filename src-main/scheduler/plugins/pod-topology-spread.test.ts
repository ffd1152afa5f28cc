import { describe, expect, it } from 'vitest'
import type { Pod, Service, TopologySpreadConstraint } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { snapshotFromLists } from '../framework/snapshot.ts'
import { filterEach, makeNode, scoreEach } from '../testing.ts'
import { podTopologySpread, REASON, REASON_MISSING_LABEL } from './pod-topology-spread.ts'

const ZONE = 'topology.kubernetes.io/zone'
const HOST = 'kubernetes.io/hostname'
const nodes = [
  makeNode('a1').withLabels({ [ZONE]: 'a' }).obj(),
  makeNode('a2').withLabels({ [ZONE]: 'a' }).obj(),
  makeNode('b1').withLabels({ [ZONE]: 'b' }).obj(),
]
const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-1', controller: true }
let n = 0
const web = (node: string, labels: Record<string, string> = { app: 'web' }): Pod => {
  const pod = makePod(`web-${++n}`).withLabels(labels).withContainer().onNode(node).obj()
  pod.metadata.uid = `uid-${n}`
  pod.metadata.ownerReferences = [owner]
  return pod
}
const spreading = (constraints: TopologySpreadConstraint[], labels: Record<string, string> = { app: 'web' }): Pod =>
  makePod('new').withLabels(labels).withContainer().withSpec({ topologySpreadConstraints: constraints }).obj()
const hard = (topologyKey: string, maxSkew = 1, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew,
  topologyKey,
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app: 'web' } },
  ...extra,
})

describe('PodTopologySpread filter', () => {
  it.each<[string, Pod[], Pod, Record<string, string | null>, typeof nodes?]>([
    ['an empty cluster: every node fits', [], spreading([hard(HOST)]), { a1: null, a2: null, b1: null }],
    ['maxSkew 1 per host: only the emptier nodes', [web('a1'), web('a2')], spreading([hard(HOST)]), { a1: REASON, a2: REASON, b1: null }],
    ['maxSkew 2 per host allows one more', [web('a1'), web('a2')], spreading([hard(HOST, 2)]), { a1: null, a2: null, b1: null }],
    ['per zone: zone a holds two, b none', [web('a1'), web('a2')], spreading([hard(ZONE)]), { a1: REASON, a2: REASON, b1: null }],
    ['only matching pods count', [web('a1', { app: 'db' }), web('a1', { app: 'db' })], spreading([hard(HOST)]), { a1: null, a2: null, b1: null }],
    [
      'a node without the key is refused as unresolvable',
      [],
      spreading([hard(ZONE)]),
      { a1: null, a2: null, b1: null, bare: REASON_MISSING_LABEL },
      [...nodes, makeNode('bare').obj()],
    ],
    [
      'minDomains above the domains there are makes the minimum 0',
      [web('b1')],
      spreading([hard(ZONE, 1, { minDomains: 3 })]),
      { a1: null, a2: null, b1: REASON },
    ],
    [
      'nodeAffinityPolicy Honor leaves unselected nodes out of the count',
      [web('a1')],
      { ...spreading([hard(HOST)]), spec: { containers: [], topologySpreadConstraints: [hard(HOST)], nodeSelector: { [ZONE]: 'a' } } },
      { a1: REASON, a2: null, b1: null },
    ],
    [
      'matchLabelKeys narrows the group to the same revision',
      [web('a1', { app: 'web', rev: 'old' }), web('a1', { app: 'web', rev: 'old' })],
      spreading([hard(HOST, 1, { matchLabelKeys: ['rev'] })], { app: 'web', rev: 'new' }),
      { a1: null, a2: null, b1: null },
    ],
  ])('%s', (_what, existing, pod, expected, nodeList = nodes) => {
    expect(filterEach(podTopologySpread, pod, snapshotFromLists({ nodes: nodeList, pods: existing }))).toEqual(expected)
  })
})

describe('PodTopologySpread score', () => {
  it('by default spreads a ReplicaSet’s pods over hosts (fewer of its pods → higher)', () => {
    const pod = web('a1')
    delete pod.spec?.nodeName
    const scores = scoreEach(podTopologySpread, pod, snapshotFromLists({ nodes, pods: [web('a1'), web('a1'), web('a2')] }))
    expect((scores.b1 ?? 0) > (scores.a2 ?? 0) && (scores.a2 ?? 0) > (scores.a1 ?? 0)).toBe(true)
  })

  it('by default spreads pods a Service selects, even without an owner', () => {
    const service: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'default' }, spec: { selector: { app: 'api' } } }
    const api = (node: string): Pod => ({ ...makePod(`api-${node}`).withLabels({ app: 'api' }).withContainer().onNode(node).obj(), metadata: { name: `api-${node}`, namespace: 'default', uid: `api-${node}`, labels: { app: 'api' } } })
    const pod = makePod('api-new').withLabels({ app: 'api' }).withContainer().obj()
    const scores = scoreEach(podTopologySpread, pod, snapshotFromLists({ nodes, pods: [api('a1')], services: [service] }))
    // a2 shares a zone with a1 (zone maxSkew 5), b1 shares neither.
    expect(scores).toEqual({ a1: 66, a2: 88, b1: 100 })
  })

  it('gives a lone pod (no owner, no Service, no constraints) equal scores', () => {
    const scores = scoreEach(podTopologySpread, makePod('solo').withContainer().obj(), snapshotFromLists({ nodes }))
    expect(new Set(Object.values(scores)).size).toBe(1)
  })

  it('scores ScheduleAnyway constraints and zeroes nodes missing their key', () => {
    const pod = spreading([{ ...hard(ZONE), whenUnsatisfiable: 'ScheduleAnyway' }])
    const scores = scoreEach(podTopologySpread, pod, snapshotFromLists({ nodes: [...nodes, makeNode('bare').obj()], pods: [web('a1')] }))
    expect(scores.bare).toBe(0)
    expect(scores.b1).toBe(100)
    expect(scores.a1).toBe(scores.a2)
    expect(scores.a1 ?? 100).toBeLessThan(100)
  })
})
