// Whether a pod affinity term selects a pod: the pod's namespace is one the term covers (named, or
// chosen by the term's namespace selector) and its labels match the term's selector.

import type { Pod } from '../../api/index.ts'
import { matchesLabels } from '../../api/selectors/labels.ts'
import type { AffinityTerm } from './pod-info.ts'
import type { Snapshot } from './snapshot.ts'
import { unique, type PlacedPod } from './pod-index.ts'

export function termSelects(term: AffinityTerm, pod: Pod, snapshot: Snapshot): boolean {
  const ns = pod.metadata.namespace ?? ''
  const inNamespace =
    term.namespaces.has(ns) || (term.namespaceSelector !== null && matchesLabels(term.namespaceSelector, snapshot.namespaceLabels(ns) ?? {}))
  return inNamespace && matchesLabels(term.selector, pod.metadata.labels)
}

/**
 * Every bound pod `term` may select (a superset, each once): through the pod index by the
 * selector's narrowest equality or `in` requirement when the term names its namespaces, else
 * every pod of every node.
 */
export function podsSelectedBy(term: AffinityTerm, snapshot: Snapshot): Iterable<PlacedPod> {
  if (term.selector.nothing) return []
  if (term.namespaceSelector === null) {
    let best: PlacedPod[][] | null = null
    let bestSize = Infinity
    for (const r of term.selector.requirements) {
      if (r.operator !== '=' && r.operator !== '==' && r.operator !== 'in') continue
      const sources = [...term.namespaces].flatMap((ns) => r.values.map((v) => [...snapshot.podIndex.withLabel(ns, r.key, v)]))
      const size = sources.reduce((n, list) => n + list.length, 0)
      if (size < bestSize) {
        best = sources
        bestSize = size
      }
    }
    if (best) return unique(best)
  }
  return everyPlacedPod(snapshot)
}

function* everyPlacedPod(snapshot: Snapshot): Iterable<PlacedPod> {
  for (const node of snapshot.nodes()) for (const info of node.pods.values()) yield { info, node: node.name }
}
