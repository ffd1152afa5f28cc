// PodTopologySpread: spread pods of one group evenly over topology domains.
//
// A constraint counts the pods its selector matches (same namespace, not terminating) in each
// domain (node label value of topologyKey) of the eligible nodes — those matching the pod's node
// selector/affinity (nodeAffinityPolicy Honor, the default) and, with nodeTaintsPolicy Honor, whose
// taints the pod tolerates. Placing the pod in domain d gives skew = count(d) + self − min(count);
// DoNotSchedule constraints filter nodes whose skew would exceed maxSkew, ScheduleAnyway
// constraints score nodes with fewer matching pods higher.
//
// A pod with no constraints gets Kubernetes' system defaults when it belongs to a group (a
// controller, or a Service selecting it): ScheduleAnyway with maxSkew 3 per hostname and 5 per
// zone. This is what spreads a ReplicaSet's pods over nodes (the seed's SelectorSpread).

import type { Pod, TopologySpreadConstraint } from '../../api/index.ts'
import { labelSelectorAsSelector, matchesLabels, requirement, type Selector } from '../../api/selectors/labels.ts'
import type { CycleState, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/types.ts'
import { MAX_NODE_SCORE, unresolvable, unschedulable } from '../framework/types.ts'
import type { NodeInfo } from '../framework/node-info.ts'
import { sameSpreadGroup, type Snapshot } from '../framework/snapshot.ts'
import { unique, type PlacedPod } from '../framework/pod-index.ts'
import { podMatchesNodeSelectorAndAffinity } from '../../api/node-affinity.ts'
import { firstUntolerated } from '../framework/tolerations.ts'

export const NAME = 'PodTopologySpread'
export const REASON = "node(s) didn't match pod topology spread constraints"
export const REASON_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)"

export const ZONE_LABEL = 'topology.kubernetes.io/zone'
export const HOSTNAME_LABEL = 'kubernetes.io/hostname'
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly Pick<TopologySpreadConstraint, 'topologyKey' | 'maxSkew'>[] = [
  { topologyKey: HOSTNAME_LABEL, maxSkew: 3 },
  { topologyKey: ZONE_LABEL, maxSkew: 5 },
]

interface Constraint {
  topologyKey: string
  maxSkew: number
  minDomains: number
  matches: (pod: Pod) => boolean
  /** The bound pods that may match, through the index; null: look at every pod. */
  candidates: (snapshot: Snapshot) => Iterable<PlacedPod> | null
  honorAffinity: boolean
  honorTaints: boolean
}

interface FilterState {
  constraints: Constraint[]
  /** Per constraint: domain value → matching pods. */
  counts: Map<string, number>[]
  /** Per constraint: the smallest count over domains (0 when fewer domains than minDomains). */
  minimum: number[]
  selfMatch: boolean[]
}

interface ScoreState {
  constraints: Constraint[]
  counts: Map<string, number>[]
  weights: number[]
  /** Whether a node must have every topology key to be scored (false for system defaults). */
  requireAll: boolean
}

const FILTER_KEY = `${NAME}/filter`
const SCORE_KEY = `${NAME}/score`

function selectorFor(pod: Pod, c: TopologySpreadConstraint): Selector {
  const base = labelSelectorAsSelector(c.labelSelector)
  const labels = pod.metadata.labels ?? {}
  const extra = (c.matchLabelKeys ?? []).filter((k) => Object.hasOwn(labels, k)).map((k) => requirement(k, 'in', [labels[k] ?? '']))
  return extra.length > 0 ? { ...base, requirements: [...base.requirements, ...extra] } : base
}

function constraintsOf(pod: Pod, want: TopologySpreadConstraint['whenUnsatisfiable']): Constraint[] {
  return (pod.spec?.topologySpreadConstraints ?? [])
    .filter((c) => c.whenUnsatisfiable === want)
    .map((c) => {
      const selector = selectorFor(pod, c)
      return {
        topologyKey: c.topologyKey,
        maxSkew: c.maxSkew,
        minDomains: c.minDomains ?? 1,
        matches: (other: Pod) => other.metadata.namespace === pod.metadata.namespace && matchesLabels(selector, other.metadata.labels),
        candidates: (snapshot: Snapshot) => candidatesFor(selector, pod.metadata.namespace ?? '', snapshot),
        honorAffinity: c.nodeAffinityPolicy !== 'Ignore',
        honorTaints: c.nodeTaintsPolicy === 'Honor',
      }
    })
}

function defaultConstraints(pod: Pod, snapshot: Snapshot): Constraint[] {
  const inGroup = sameSpreadGroup(pod, snapshot.services(pod.metadata.namespace ?? ''))
  if (!inGroup) return []
  return SYSTEM_DEFAULT_CONSTRAINTS.map((c) => ({
    ...c,
    minDomains: 1,
    matches: inGroup.matches,
    candidates: (snapshot: Snapshot) => inGroup.candidates(snapshot.podIndex),
    honorAffinity: true,
    honorTaints: false,
  }))
}

function eligible(c: Constraint, pod: Pod, node: NodeInfo): boolean {
  if (!node.node) return false
  if (c.honorAffinity && !podMatchesNodeSelectorAndAffinity(pod, node.node)) return false
  if (c.honorTaints && firstUntolerated(node.node.spec?.taints, pod.spec?.tolerations, ['NoSchedule', 'NoExecute'])) return false
  return true
}

/**
 * The pods a selector may match, from the index: those carrying the value(s) of its narrowest
 * equality or `in` requirement. Null when it has none (only Exists, NotIn…): scan everything.
 */
function candidatesFor(selector: Selector, namespace: string, snapshot: Snapshot): Iterable<PlacedPod> | null {
  let best: Iterable<PlacedPod>[] | null = null
  let bestSize = Infinity
  for (const r of selector.requirements) {
    if (r.operator !== '=' && r.operator !== '==' && r.operator !== 'in') continue
    const sources = r.values.map((v) => [...snapshot.podIndex.withLabel(namespace, r.key, v)])
    const size = sources.reduce((n, list) => n + list.length, 0)
    if (size < bestSize) {
      best = sources
      bestSize = size
    }
  }
  return best ? unique(best) : null
}

/** Whether every node is eligible for `c` whatever it is (no selector or affinity to honour, no taints). */
function everyNodeEligible(c: Constraint, pod: Pod): boolean {
  return !c.honorTaints && (!c.honorAffinity || (!pod.spec?.nodeSelector && !pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution))
}

/**
 * Matching pods per domain of `c` over `nodes` (the domains that count; 'all' for the whole
 * cluster); every eligible domain appears, with 0 when empty. Terminating pods are not counted,
 * as in Kubernetes.
 */
function countDomains(c: Constraint, pod: Pod, nodes: readonly NodeInfo[] | 'all', snapshot: Snapshot): Map<string, number> {
  const counts = new Map<string, number>()
  let domainOf: (node: string) => string | undefined
  if (nodes === 'all' && everyNodeEligible(c, pod)) {
    // The common case, kept O(domains + group) instead of O(nodes).
    for (const value of snapshot.domainValues(c.topologyKey)) counts.set(value, 0)
    domainOf = (name) => snapshot.node(name)?.labels[c.topologyKey]
  } else {
    const domains = new Map<string, string>()
    const all = everyNodeEligible(c, pod)
    for (const node of nodes === 'all' ? snapshot.nodes() : nodes) {
      const value = node.labels[c.topologyKey]
      if (value === undefined || (!all && !eligible(c, pod, node))) continue
      domains.set(node.name, value)
      if (!counts.has(value)) counts.set(value, 0)
    }
    domainOf = (name) => domains.get(name)
  }
  const counted = (other: Pod): boolean => !other.metadata.deletionTimestamp && c.matches(other)
  const add = (node: string, other: Pod): void => {
    const value = domainOf(node)
    if (value !== undefined && counted(other)) counts.set(value, (counts.get(value) ?? 0) + 1)
  }
  const candidates = c.candidates(snapshot)
  if (candidates === null) {
    for (const node of nodes === 'all' ? snapshot.nodes() : nodes) for (const other of node.pods.values()) add(node.name, other.pod)
  } else {
    for (const placed of candidates) add(placed.node, placed.info.pod)
  }
  return counts
}

function filter(state: CycleState, node: NodeInfo): ReturnType<FilterPlugin['filter']> {
  const s = state.read<FilterState>(FILTER_KEY)
  if (!s) return null
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i]
    if (!c) continue
    const value = node.labels[c.topologyKey]
    if (value === undefined) return unresolvable(REASON_MISSING_LABEL)
    const skew = (s.counts[i]?.get(value) ?? 0) + (s.selfMatch[i] ? 1 : 0) - (s.minimum[i] ?? 0)
    if (skew > c.maxSkew) return unschedulable(REASON)
  }
  return null
}

export const podTopologySpread: PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin = {
  name: NAME,
  preFilter(state, pod, snapshot) {
    const constraints = constraintsOf(pod, 'DoNotSchedule')
    if (constraints.length === 0) return null
    const counts = constraints.map((c) => countDomains(c, pod, 'all', snapshot))
    const minimum = constraints.map((c, i) => {
      const values = [...(counts[i]?.values() ?? [])]
      if (values.length < c.minDomains) return 0
      return values.length === 0 ? 0 : Math.min(...values)
    })
    state.write(FILTER_KEY, { constraints, counts, minimum, selfMatch: constraints.map((c) => c.matches(pod)) } satisfies FilterState)
    return null
  },
  filter: (state, _pod, node) => filter(state, node),
  preScore(state, pod, nodes, snapshot) {
    const own = constraintsOf(pod, 'ScheduleAnyway')
    const requireAll = (pod.spec?.topologySpreadConstraints ?? []).length > 0
    const constraints = own.length > 0 || requireAll ? own : defaultConstraints(pod, snapshot)
    if (constraints.length === 0) return
    // Hostname domains are the nodes themselves: only the feasible ones need counting.
    const counts = constraints.map((c) => countDomains(c, pod, c.topologyKey === HOSTNAME_LABEL ? nodes : 'all', snapshot))
    const weights = counts.map((m) => Math.log(m.size + 2))
    state.write(SCORE_KEY, { constraints, counts, weights, requireAll } satisfies ScoreState)
  },
  score(state, _pod, node) {
    const s = state.read<ScoreState>(SCORE_KEY)
    if (!s) return 0
    let total = 0
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]
      const value = c ? node.labels[c.topologyKey] : undefined
      if (!c || value === undefined) {
        if (s.requireAll) return -1
        continue
      }
      // As Kubernetes' scoreForCount: the count weighted by the number of domains, plus maxSkew − 1.
      total += (s.counts[i]?.get(value) ?? 0) * (s.weights[i] ?? 1) + c.maxSkew - 1
    }
    return Math.round(total)
  },
  normalize(state, _pod, scores) {
    const s = state.read<ScoreState>(SCORE_KEY)
    if (!s) {
      for (const n of scores) n.score = MAX_NODE_SCORE
      return
    }
    // Nodes missing a required key (-1) score 0; the rest: fewer matching pods → higher.
    let max = 0
    let min = Infinity
    for (const n of scores) {
      if (n.score < 0) continue
      max = Math.max(max, n.score)
      min = Math.min(min, n.score)
    }
    for (const n of scores) {
      if (n.score < 0) n.score = 0
      else n.score = max === 0 ? MAX_NODE_SCORE : Math.floor((MAX_NODE_SCORE * (max + min - n.score)) / max)
    }
  },
}
