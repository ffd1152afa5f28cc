import { describe, expect, it } from 'vitest'
import type { NodeSelectorRequirement, NodeSelectorTerm, Pod, PodSpec } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { CycleState } from '../framework/types.ts'
import { snapshotFromLists } from '../framework/snapshot.ts'
import { cycleStateFor, makeNode, nodeInfo } from '../testing.ts'
import { nodeAffinity, REASON } from './node-affinity.ts'

const node = nodeInfo(makeNode('n1').withLabels({ zone: 'a', disk: 'ssd', cores: '8' }).obj())
const withSpec = (spec: Partial<PodSpec>): Pod => makePod().withContainer().withSpec(spec).obj()
const required = (...terms: NodeSelectorTerm[]): Pod =>
  withSpec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } })
const expr = (key: string, operator: NodeSelectorRequirement['operator'], values?: string[]): NodeSelectorTerm => ({
  matchExpressions: [values ? { key, operator, values } : { key, operator }],
})

describe('NodeAffinity filter', () => {
  it.each<[string, Pod, boolean]>([
    ['no selector or affinity fits', withSpec({}), true],
    ['a matching nodeSelector fits', withSpec({ nodeSelector: { disk: 'ssd' } }), true],
    ['a nodeSelector with another value does not', withSpec({ nodeSelector: { disk: 'hdd' } }), false],
    ['a nodeSelector on a missing label does not', withSpec({ nodeSelector: { gpu: 'yes' } }), false],
    ['In', required(expr('zone', 'In', ['a', 'b'])), true],
    ['In, no value matching', required(expr('zone', 'In', ['b'])), false],
    ['NotIn', required(expr('zone', 'NotIn', ['b'])), true],
    ['NotIn on a missing label matches', required(expr('gpu', 'NotIn', ['x'])), true],
    ['Exists', required(expr('disk', 'Exists')), true],
    ['DoesNotExist', required(expr('disk', 'DoesNotExist')), false],
    ['Gt', required(expr('cores', 'Gt', ['4'])), true],
    ['Lt', required(expr('cores', 'Lt', ['4'])), false],
    ['Gt on a non-integer label does not match', required(expr('zone', 'Gt', ['1'])), false],
    ['terms are ORed', required(expr('zone', 'In', ['z']), expr('disk', 'In', ['ssd'])), true],
    ['requirements within a term are ANDed', required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'In', values: ['hdd'] }] }), false],
    ['an empty term matches nothing', required({}), false],
    ['no terms match nothing', required(), false],
    ['matchFields metadata.name', required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }), true],
    ['matchFields on another name', required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }), false],
    ['nodeSelector and affinity must both match', { ...required(expr('zone', 'In', ['a'])), spec: { ...required(expr('zone', 'In', ['a'])).spec, containers: [], nodeSelector: { disk: 'hdd' } } }, false],
  ])('%s', (_what, pod, fits) => {
    const status = nodeAffinity.filter(cycleStateFor(pod), pod, node)
    expect(status === null).toBe(fits)
    if (status) expect(status).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [REASON] })
  })

  it('narrows a DaemonSet-style pod to its one node at PreFilter', () => {
    const pod = required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] })
    const state = new CycleState()
    nodeAffinity.preFilter(state, pod, snapshotFromLists({ nodes: [] }))
    expect([...(state.nodeNames ?? [])]).toEqual(['n7'])
  })
})

describe('NodeAffinity score', () => {
  it('sums the weights of matching preferred terms, the best node scoring 100', () => {
    const pod = withSpec({
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 80, preference: expr('zone', 'In', ['a']) },
            { weight: 20, preference: expr('disk', 'In', ['ssd']) },
          ],
        },
      },
    })
    const state = cycleStateFor(pod)
    const nodes = [
      nodeInfo(makeNode('both').withLabels({ zone: 'a', disk: 'ssd' }).obj()),
      nodeInfo(makeNode('zone').withLabels({ zone: 'a' }).obj()),
      nodeInfo(makeNode('disk').withLabels({ disk: 'ssd' }).obj()),
      nodeInfo(makeNode('none').obj()),
    ]
    const scores = nodes.map((n) => ({ name: n.name, score: nodeAffinity.score(state, pod, n) }))
    expect(scores.map((s) => s.score)).toEqual([100, 80, 20, 0])
    nodeAffinity.normalize?.(state, pod, scores)
    expect(scores.map((s) => s.score)).toEqual([100, 80, 20, 0])
  })
})
