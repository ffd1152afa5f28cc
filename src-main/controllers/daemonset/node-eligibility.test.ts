import { describe, expect, it } from 'vitest'
import type { Node, PodSpec, Taint } from '../../api/index.ts'
import { eligibility } from './node-eligibility.ts'

const node = (labels: Record<string, string> = {}, taints: Taint[] = [], name = 'n1'): Node => ({ metadata: { name, labels }, spec: { taints } })
const spec = (extra: Partial<PodSpec> = {}): PodSpec => ({ containers: [{ name: 'c', image: 'busybox' }], ...extra })

describe('eligibility', () => {
  it.each([
    ['a plain node', spec(), node(), true, true],
    ['nodeSelector matches', spec({ nodeSelector: { disk: 'ssd' } }), node({ disk: 'ssd' }), true, true],
    ['nodeSelector does not match', spec({ nodeSelector: { disk: 'ssd' } }), node({ disk: 'hdd' }), false, false],
    ['NoSchedule taint: no new pod, an existing one stays', spec(), node({}, [{ key: 'dedicated', effect: 'NoSchedule' }]), false, true],
    ['NoExecute taint: neither', spec(), node({}, [{ key: 'dedicated', effect: 'NoExecute' }]), false, false],
    ['tolerated taint', spec({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute' }] }), node({}, [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]), true, true],
    ['unreachable node keeps its daemon (default toleration)', spec(), node({}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]), true, true],
    ['cordoned node still gets a daemon', spec(), node({}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), true, true],
    [
      'required node affinity by name (matchFields)',
      spec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } } }),
      node(),
      false,
      false,
    ],
    [
      'required node affinity by label, terms ORed',
      spec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }] } } } }),
      node({ gpu: 'yes' }),
      true,
      true,
    ],
  ])('%s', (_, podSpec, n, shouldRun, shouldContinueRunning) => {
    expect(eligibility(podSpec, n)).toEqual({ shouldRun, shouldContinueRunning })
  })
})
