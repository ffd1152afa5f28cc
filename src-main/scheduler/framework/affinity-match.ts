// Whether a pod affinity term selects a pod: the pod's namespace is one the term covers (named, or
// chosen by the term's namespace selector) and its labels match the term's selector.

import type { Pod } from '../../api/index.ts'
import { matchesLabels } from '../../api/selectors/labels.ts'
import type { AffinityTerm } from './pod-info.ts'
import type { Snapshot } from './snapshot.ts'

export function termSelects(term: AffinityTerm, pod: Pod, snapshot: Snapshot): boolean {
  const ns = pod.metadata.namespace ?? ''
  const inNamespace =
    term.namespaces.has(ns) || (term.namespaceSelector !== null && matchesLabels(term.namespaceSelector, snapshot.namespaceLabels(ns) ?? {}))
  return inNamespace && matchesLabels(term.selector, pod.metadata.labels)
}
