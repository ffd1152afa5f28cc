// NodeName: a pod that names its node (spec.nodeName) fits only there. Pods that arrive bound skip
// the scheduler entirely; this filter matters for the debug view and for a nodeName set while queued.

import type { FilterPlugin } from '../framework/types.ts'
import { unresolvable } from '../framework/types.ts'

export const NAME = 'NodeName'
export const REASON = "node(s) didn't match the requested node name"

export const nodeName: FilterPlugin = {
  name: NAME,
  filter(_state, pod, node) {
    const wanted = pod.spec?.nodeName
    return !wanted || wanted === node.name ? null : unresolvable(REASON)
  },
}
