// InterPodAffinity: pods placed relative to other pods by topology domain (the nodes sharing a
// value of `topologyKey`: one node for kubernetes.io/hostname, a zone, a rack).
//
// Filter, as Kubernetes:
//   - required affinity: in the node's domain, for every term, some pod matches it — except that
//     the first pod of a group whose terms match itself may go anywhere the keys exist;
//   - required anti-affinity: in the node's domain, no pod matches any term;
//   - symmetry: no pod already in the node's domain has required anti-affinity matching this pod.
// Score: preferred terms of this pod (+weight for affinity, −weight for anti-affinity) and of the
// pods already placed towards this one, summed per domain, then min-max scaled to 0–100.

import type { Pod } from '../../api/index.ts'
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, CycleState } from '../framework/types.ts'
import { unresolvable, unschedulable } from '../framework/types.ts'
import type { NodeInfo } from '../framework/node-info.ts'
import type { AffinityTerm, PodInfo } from '../framework/pod-info.ts'
import type { Snapshot } from '../framework/snapshot.ts'
import { podsSelectedBy, termSelects } from '../framework/affinity-match.ts'
import { normalizeMinMax } from '../framework/normalize.ts'
import { POD_INFO_KEY } from './node-resources-fit.ts'

export const NAME = 'InterPodAffinity'
export const REASON_AFFINITY = "node(s) didn't match pod affinity rules"
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
/** Weight of an existing pod's required affinity towards the new pod when scoring (Kubernetes' hardPodAffinityWeight). */
export const HARD_POD_AFFINITY_WEIGHT = 1

/** `key=value` → count of matching pods in that domain. */
type DomainCounts = Map<string, number>

interface FilterState {
  /** Domains where an existing pod's required anti-affinity rejects this pod. */
  existingAntiAffinity: DomainCounts
  /** Per required affinity term (by index): domains holding a pod matching every term. */
  affinity: DomainCounts
  /** Domains holding a pod matching one of this pod's anti-affinity terms. */
  antiAffinity: DomainCounts
  /** Whether the pod matches all of its own affinity terms (the first pod of a group). */
  matchesOwnAffinity: boolean
}

const FILTER_KEY = `${NAME}/filter`
const SCORE_KEY = `${NAME}/score`

const domain = (key: string, value: string): string => `${key}=${value}`

function add(counts: DomainCounts, key: string, node: NodeInfo, by: number): void {
  const value = node.labels[key]
  if (value === undefined) return
  const d = domain(key, value)
  counts.set(d, (counts.get(d) ?? 0) + by)
}

function preFilterState(info: PodInfo, snapshot: Snapshot): FilterState {
  const pod = info.pod
  const state: FilterState = { existingAntiAffinity: new Map(), affinity: new Map(), antiAffinity: new Map(), matchesOwnAffinity: false }
  // Other pods' required anti-affinity towards this one: only pods whose terms may select it are read.
  for (const placed of snapshot.podIndex.withTermsTowards(pod.metadata.labels)) {
    const node = snapshot.node(placed.node)
    if (!node) continue
    for (const term of placed.info.requiredAntiAffinity) if (termSelects(term, pod, snapshot)) add(state.existingAntiAffinity, term.topologyKey, node, 1)
  }
  // This pod's required affinity: pods matching every term, found through the first.
  const [first] = info.requiredAffinity
  if (first) {
    for (const placed of podsSelectedBy(first, snapshot)) {
      const node = snapshot.node(placed.node)
      if (!node || !info.requiredAffinity.every((t) => termSelects(t, placed.info.pod, snapshot))) continue
      for (const term of info.requiredAffinity) add(state.affinity, term.topologyKey, node, 1)
    }
  }
  for (const term of info.requiredAntiAffinity) {
    for (const placed of podsSelectedBy(term, snapshot)) {
      const node = snapshot.node(placed.node)
      if (node && termSelects(term, placed.info.pod, snapshot)) add(state.antiAffinity, term.topologyKey, node, 1)
    }
  }
  state.matchesOwnAffinity = info.requiredAffinity.length > 0 && info.requiredAffinity.every((t) => termSelects(t, pod, snapshot))
  return state
}

function inDomain(counts: DomainCounts, term: AffinityTerm, node: NodeInfo): boolean {
  const value = node.labels[term.topologyKey]
  return value !== undefined && (counts.get(domain(term.topologyKey, value)) ?? 0) > 0
}

/** In Kubernetes' order: the pod's affinity, its anti-affinity, then other pods' anti-affinity. */
function filter(state: CycleState, node: NodeInfo): ReturnType<FilterPlugin['filter']> {
  const info = state.read<PodInfo>(POD_INFO_KEY)
  const s = state.read<FilterState>(FILTER_KEY)
  if (!info || !s) return null
  if (info.requiredAffinity.length > 0 && !info.requiredAffinity.every((t) => inDomain(s.affinity, t, node))) {
    // No pod anywhere matches: the first of a group that selects itself may start it, where the keys exist.
    const firstOfGroup = s.affinity.size === 0 && s.matchesOwnAffinity && info.requiredAffinity.every((t) => node.labels[t.topologyKey] !== undefined)
    if (!firstOfGroup) return unresolvable(REASON_AFFINITY)
  }
  if (info.requiredAntiAffinity.some((t) => inDomain(s.antiAffinity, t, node))) return unschedulable(REASON_ANTI_AFFINITY)
  if (s.existingAntiAffinity.size > 0) {
    for (const [key, value] of Object.entries(node.labels)) {
      if ((s.existingAntiAffinity.get(domain(key, value)) ?? 0) > 0) return unschedulable(REASON_EXISTING_ANTI_AFFINITY)
    }
  }
  return null
}

function preScore(state: CycleState, pod: Pod, snapshot: Snapshot): void {
  const info = state.read<PodInfo>(POD_INFO_KEY)
  if (!info) return
  const scores: DomainCounts = new Map()
  // This pod's preferences, through the pods each term may select.
  const weighted = [...info.preferredAffinity.map((t) => ({ term: t, by: t.weight })), ...info.preferredAntiAffinity.map((t) => ({ term: t, by: -t.weight }))]
  for (const { term, by } of weighted) {
    for (const placed of podsSelectedBy(term, snapshot)) {
      const node = snapshot.node(placed.node)
      if (node && termSelects(term, placed.info.pod, snapshot)) add(scores, term.topologyKey, node, by)
    }
  }
  // Placed pods' affinity towards this one: only pods whose terms may select it are read.
  for (const placed of snapshot.podIndex.withTermsTowards(pod.metadata.labels)) {
    const node = snapshot.node(placed.node)
    if (!node) continue
    const other = placed.info
    for (const t of other.requiredAffinity) if (termSelects(t, pod, snapshot)) add(scores, t.topologyKey, node, HARD_POD_AFFINITY_WEIGHT)
    for (const t of other.preferredAffinity) if (termSelects(t, pod, snapshot)) add(scores, t.topologyKey, node, t.weight)
    for (const t of other.preferredAntiAffinity) if (termSelects(t, pod, snapshot)) add(scores, t.topologyKey, node, -t.weight)
  }
  state.write(SCORE_KEY, scores)
}

export const interPodAffinity: PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin = {
  name: NAME,
  preFilter(state, _pod, snapshot) {
    const info = state.read<PodInfo>(POD_INFO_KEY)
    if (info) state.write(FILTER_KEY, preFilterState(info, snapshot))
    return null
  },
  filter: (state, _pod, node) => filter(state, node),
  preScore: (state, pod, _nodes, snapshot) => preScore(state, pod, snapshot),
  score(state, _pod, node) {
    const scores = state.read<DomainCounts>(SCORE_KEY)
    if (!scores || scores.size === 0) return 0
    let total = 0
    for (const [key, value] of Object.entries(node.labels)) total += scores.get(domain(key, value)) ?? 0
    return total
  },
  normalize(_state, _pod, scores) {
    normalizeMinMax(scores)
  },
}
