// NodeAffinity (with NodeSelector): spec.nodeSelector and required node affinity must match the
// node's labels (or, by matchFields, its name); preferred terms add their weights to the score.
// A pod pinned to one node by `matchFields metadata.name In [x]` (how DaemonSet controllers place
// pods) is only filtered against that node.

import type { FilterPlugin, PreFilterPlugin, ScorePlugin } from '../framework/types.ts'
import { unresolvable } from '../framework/types.ts'
import { pinnedNodeName, podMatchesNodeSelectorAndAffinity, termMatches } from '../../api/node-affinity.ts'
import { normalizeToMax } from '../framework/normalize.ts'

export const NAME = 'NodeAffinity'
export const REASON = "node(s) didn't match Pod's node affinity/selector"

export const nodeAffinity: PreFilterPlugin & FilterPlugin & ScorePlugin = {
  name: NAME,
  preFilter(state, pod) {
    const pinned = pinnedNodeName(pod)
    if (pinned !== undefined) {
      state.nodeNames = new Set([pinned])
      state.nodeNamesBy = { plugin: NAME, reason: REASON }
    }
    return null
  },
  filter(_state, pod, node) {
    if (!node.node) return unresolvable(REASON)
    return podMatchesNodeSelectorAndAffinity(pod, node.node) ? null : unresolvable(REASON)
  },
  score(_state, pod, node) {
    let total = 0
    for (const term of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (node.node && termMatches(term.preference, node.node)) total += term.weight
    }
    return total
  },
  normalize(_state, _pod, scores) {
    normalizeToMax(scores)
  },
}
