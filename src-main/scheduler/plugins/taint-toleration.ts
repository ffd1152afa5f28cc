// TaintToleration: a node's NoSchedule and NoExecute taints keep out pods that do not tolerate
// them (the node lifecycle's unreachable/not-ready taints included); among the nodes left, fewer
// untolerated PreferNoSchedule taints score higher.

import type { FilterPlugin, ScorePlugin } from '../framework/types.ts'
import { unresolvable } from '../framework/types.ts'
import { toleratesTaint } from '../../api/taints.ts'
import { firstUntolerated, formatTaint } from '../framework/tolerations.ts'
import { normalizeToMax } from '../framework/normalize.ts'

export const NAME = 'TaintToleration'
export const untoleratedTaintReason = (taint: { key: string; value?: string }): string => `node(s) had untolerated taint ${formatTaint(taint)}`

export const taintToleration: FilterPlugin & ScorePlugin = {
  name: NAME,
  filter(_state, pod, node) {
    const taint = firstUntolerated(node.node?.spec?.taints, pod.spec?.tolerations, ['NoSchedule', 'NoExecute'])
    return taint ? unresolvable(untoleratedTaintReason(taint)) : null
  },
  score(_state, pod, node) {
    const tolerations = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule')
    let count = 0
    for (const taint of node.node?.spec?.taints ?? []) {
      if (taint.effect === 'PreferNoSchedule' && !tolerations.some((t) => toleratesTaint(t, taint))) count++
    }
    return count
  },
  normalize(_state, _pod, scores) {
    normalizeToMax(scores, true)
  },
}
