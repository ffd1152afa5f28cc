import { describe, expect, it } from 'vitest'
import type { Affinity, Namespace, Pod, PodAffinityTerm } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { snapshotFromLists } from '../framework/snapshot.ts'
import { filterEach, makeNode, scoreEach } from '../testing.ts'
import { interPodAffinity, REASON_AFFINITY, REASON_ANTI_AFFINITY, REASON_EXISTING_ANTI_AFFINITY } from './inter-pod-affinity.ts'

const ZONE = 'topology.kubernetes.io/zone'
const HOST = 'kubernetes.io/hostname'
const nodes = [
  makeNode('a1').withLabels({ [ZONE]: 'a' }).obj(),
  makeNode('a2').withLabels({ [ZONE]: 'a' }).obj(),
  makeNode('b1').withLabels({ [ZONE]: 'b' }).obj(),
  makeNode('nozone').obj(),
]
const running = (name: string, labels: Record<string, string>, node: string, namespace = 'default', affinity?: Affinity): Pod => {
  const pod = makePod(name, namespace).withLabels(labels).withContainer().onNode(node).obj()
  pod.metadata.uid = `uid-${name}`
  if (affinity && pod.spec) pod.spec.affinity = affinity
  return pod
}
const term = (labels: Record<string, string>, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchLabels: labels }, topologyKey, ...extra })
const wanting = (affinity: Affinity, labels: Record<string, string> = { app: 'new' }): Pod => makePod('new').withLabels(labels).withContainer().withSpec({ affinity }).obj()
const namespaces: Namespace[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { team: 'x' } } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other', labels: { team: 'y' } } },
]

describe('InterPodAffinity filter', () => {
  it.each<[string, Pod[], Pod, Record<string, string | null>]>([
    [
      'required affinity: only the domain holding a match (zone a)',
      [running('cache', { app: 'cache' }, 'a1')],
      wanting({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'cache' }, ZONE)] } }),
      { a1: null, a2: null, b1: REASON_AFFINITY, nozone: REASON_AFFINITY },
    ],
    [
      'required affinity with no match anywhere refuses every node',
      [],
      wanting({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'cache' }, ZONE)] } }),
      { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: REASON_AFFINITY, nozone: REASON_AFFINITY },
    ],
    [
      'affinity to itself: the first pod of a group may start it wherever the key exists',
      [],
      wanting({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, ZONE)] } }, { app: 'web' }),
      { a1: null, a2: null, b1: null, nozone: REASON_AFFINITY },
    ],
    [
      'affinity to itself: later pods follow the first',
      [running('web-0', { app: 'web' }, 'b1')],
      wanting({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, ZONE)] } }, { app: 'web' }),
      { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: null, nozone: REASON_AFFINITY },
    ],
    [
      'required anti-affinity per host keeps replicas apart',
      [running('web-0', { app: 'web' }, 'a1')],
      wanting({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, HOST)] } }, { app: 'web' }),
      { a1: REASON_ANTI_AFFINITY, a2: null, b1: null, nozone: null },
    ],
    [
      'required anti-affinity per zone rules out the whole zone',
      [running('web-0', { app: 'web' }, 'a1')],
      wanting({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, ZONE)] } }, { app: 'web' }),
      { a1: REASON_ANTI_AFFINITY, a2: REASON_ANTI_AFFINITY, b1: null, nozone: null },
    ],
    [
      "an existing pod's anti-affinity keeps matching newcomers out (symmetry)",
      [running('loner', { app: 'loner' }, 'b1', 'default', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'new' }, HOST)] } })],
      wanting({}),
      { a1: null, a2: null, b1: REASON_EXISTING_ANTI_AFFINITY, nozone: null },
    ],
    [
      "mutually repelling replicas: the pod's own anti-affinity is named first, as Kubernetes does",
      [running('db-0', { app: 'db' }, 'a1', 'default', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, HOST)] } })],
      wanting({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, HOST)] } }, { app: 'db' }),
      { a1: REASON_ANTI_AFFINITY, a2: null, b1: null, nozone: null },
    ],
    [
      'a selector with only Exists finds its pods without the label index',
      [running('cache', { tier: 'cache' }, 'b1')],
      wanting({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, topologyKey: ZONE }] } }),
      { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: null, nozone: REASON_AFFINITY },
    ],
    [
      'an In selector with several values finds each value’s pods, once',
      [running('x', { app: 'x' }, 'a1'), running('y', { app: 'y' }, 'b1')],
      wanting({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['x', 'y'] }] }, topologyKey: HOST }] } }),
      { a1: REASON_ANTI_AFFINITY, a2: null, b1: REASON_ANTI_AFFINITY, nozone: null },
    ],
    [
      'a term without a label selector selects nothing',
      [running('x', { app: 'x' }, 'a1')],
      wanting({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOST }] } }),
      { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: REASON_AFFINITY, nozone: REASON_AFFINITY },
    ],
    [
      'terms only see their namespaces (the pod’s own by default)',
      [running('cache', { app: 'cache' }, 'a1', 'other')],
      wanting({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'cache' }, ZONE)] } }),
      { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: REASON_AFFINITY, nozone: REASON_AFFINITY },
    ],
    [
      'named namespaces widen the term',
      [running('cache', { app: 'cache' }, 'b1', 'other')],
      wanting({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'cache' }, ZONE, { namespaces: ['other'] })] } }),
      { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: null, nozone: REASON_AFFINITY },
    ],
    [
      'a namespace selector picks namespaces by label',
      [running('cache', { app: 'cache' }, 'b1', 'other')],
      wanting({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'cache' }, ZONE, { namespaceSelector: { matchLabels: { team: 'y' } } })] } }),
      { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: null, nozone: REASON_AFFINITY },
    ],
    [
      'an empty namespace selector means every namespace',
      [running('cache', { app: 'cache' }, 'a2', 'other')],
      wanting({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'cache' }, HOST, { namespaceSelector: {} })] } }),
      { a1: REASON_AFFINITY, a2: null, b1: REASON_AFFINITY, nozone: REASON_AFFINITY },
    ],
    [
      'mismatchLabelKeys: anti-affinity only against other tenants',
      [running('t1', { app: 'x', tenant: 't1' }, 'a1'), running('t2', { app: 'x', tenant: 't2' }, 'b1')],
      wanting({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'x' }, HOST, { mismatchLabelKeys: ['tenant'] })] } }, { app: 'x', tenant: 't1' }),
      { a1: null, a2: null, b1: REASON_ANTI_AFFINITY, nozone: null },
    ],
  ])('%s', (_what, existing, pod, expected) => {
    expect(filterEach(interPodAffinity, pod, snapshotFromLists({ nodes, pods: existing, namespaces }))).toEqual(expected)
  })
})

describe('InterPodAffinity score', () => {
  it('adds preferred affinity and subtracts preferred anti-affinity per domain, scaled 0–100', () => {
    const pod = wanting({
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'cache' }, ZONE) }] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term({ app: 'noisy' }, HOST) }] },
    })
    const pods = [running('cache', { app: 'cache' }, 'a1'), running('noisy', { app: 'noisy' }, 'a2')]
    expect(scoreEach(interPodAffinity, pod, snapshotFromLists({ nodes, pods }))).toEqual({ a1: 100, a2: 50, b1: 0, nozone: 0 })
  })

  it("counts existing pods' preferences towards the newcomer", () => {
    const friendly = running('friend', { app: 'friend' }, 'b1', 'default', {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term({ app: 'new' }, ZONE) }] },
    })
    expect(scoreEach(interPodAffinity, wanting({}), snapshotFromLists({ nodes, pods: [friendly] }))).toEqual({ a1: 0, a2: 0, b1: 100, nozone: 0 })
  })

  it('scores every node 0 when nothing matters', () => {
    expect(scoreEach(interPodAffinity, wanting({}), snapshotFromLists({ nodes }))).toEqual({ a1: 0, a2: 0, b1: 0, nozone: 0 })
  })
})
