import { describe, expect, it } from 'vitest'
import type { Node } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { defaultProfile } from '../profile.ts'
import { explainFailure } from '../scheduler.ts'
import { makeNode, podRequesting } from '../testing.ts'
import { feasibleNodesToFind, runCycle } from './cycle.ts'
import { seededRandom } from './random.ts'
import { snapshotFromLists } from './snapshot.ts'

const profile = defaultProfile()
const equalNodes = (count: number): Node[] => Array.from({ length: count }, (_, i) => makeNode(`n${String(i).padStart(4, '0')}`).obj())

describe('runCycle', () => {
  it('answers no node, with the no-nodes message, in an empty cluster', () => {
    const result = runCycle(profile, makePod().withContainer().obj(), snapshotFromLists({ nodes: [] }), { random: seededRandom(1) })
    expect(result.node).toBeNull()
    expect(explainFailure(result)).toBe('no nodes available to schedule pods')
  })

  it('answers no node with every refusal when all nodes are filtered', () => {
    const nodes = [makeNode('small').withAllocatable({ memory: '100Mi' }).obj(), makeNode('tainted').withTaint('k', 'v', 'NoExecute').obj(), makeNode('cordoned').cordoned().obj()]
    const result = runCycle(profile, podRequesting('p', { memory: '1Gi' }), snapshotFromLists({ nodes }), { random: seededRandom(1) })
    expect(result.node).toBeNull()
    expect(explainFailure(result)).toBe('0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {k: v}, 1 node(s) were unschedulable.')
  })

  it('picks the best-scoring node', () => {
    const nodes = [makeNode('busy').obj(), makeNode('idle').obj()]
    const busyPods = [podRequesting('a', { cpu: '3', memory: '6Gi' })].map((p) => ({ ...p, spec: { ...p.spec, containers: p.spec?.containers ?? [], nodeName: 'busy' } }))
    const result = runCycle(profile, podRequesting('p', { cpu: '100m' }), snapshotFromLists({ nodes, pods: busyPods }), { random: seededRandom(1) })
    expect(result.node).toBe('idle')
  })

  it('breaks ties between equal nodes the same way for the same seed, and differently across seeds', () => {
    const snapshot = snapshotFromLists({ nodes: equalNodes(5) })
    const pod = makePod().withContainer().obj()
    const pick = (seed: number): (string | null)[] => {
      const random = seededRandom(seed)
      return Array.from({ length: 20 }, () => runCycle(profile, pod, snapshot, { random }).node)
    }
    expect(pick(7)).toEqual(pick(7))
    expect(new Set(pick(7)).size).toBeGreaterThan(1)
    expect(pick(7)).not.toEqual(pick(8))
  })

  it('in explain mode runs every filter on every node and scores every feasible one', () => {
    const nodes = [makeNode('both').cordoned().withTaint('k', 'v', 'NoSchedule').obj(), makeNode('ok').obj(), makeNode('ok2').obj()]
    const result = runCycle(profile, makePod().withContainer().obj(), snapshotFromLists({ nodes }), { random: seededRandom(1), explain: true })
    const both = result.verdicts.find((v) => v.node === 'both')
    expect(both?.refusals.map((r) => r.plugin)).toEqual(['NodeUnschedulable', 'TaintToleration'])
    const ok = result.verdicts.find((v) => v.node === 'ok')
    expect(ok?.scores?.map((s) => s.plugin)).toEqual(['TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation', 'ImageLocality'])
    expect(ok?.total).toBe(ok?.scores?.reduce((sum, s) => sum + s.score * s.weight, 0))
  })

  it('reports a pod it cannot read as an error, not as unschedulable', () => {
    const bad = podRequesting('bad', { cpu: 'lots' })
    const result = runCycle(profile, bad, snapshotFromLists({ nodes: equalNodes(1) }), { random: seededRandom(1) })
    expect(result.podRefusal?.code).toBe('Error')
  })

  it('in a large cluster stops filtering after enough feasible nodes and rotates where it starts', () => {
    const snapshot = snapshotFromLists({ nodes: equalNodes(1000) })
    const pod = makePod().withContainer().obj()
    const first = runCycle(profile, pod, snapshot, { random: seededRandom(1), startIndex: 0 })
    expect(first.verdicts).toHaveLength(feasibleNodesToFind(1000, undefined))
    const second = runCycle(profile, pod, snapshot, { random: seededRandom(1), startIndex: first.nextStartIndex })
    expect(second.verdicts[0]?.node).toBe('n0420')
  })
})

describe('feasibleNodesToFind', () => {
  it.each([
    [0, undefined, 0],
    [50, undefined, 50],
    [100, undefined, 100],
    [1000, undefined, 420],
    [5000, undefined, 500],
    [10000, undefined, 500],
    [1000, 100, 1000],
    [1000, 1, 100],
  ])('%d nodes at %s %% → %d', (all, pct, expected) => {
    expect(feasibleNodesToFind(all, pct)).toBe(expected)
  })
})
