// NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods, unless the pod
// tolerates the taint Kubernetes puts on cordoned nodes (DaemonSet pods do).

import type { FilterPlugin } from '../framework/types.ts'
import { unresolvable } from '../framework/types.ts'
import { TAINT_UNSCHEDULABLE } from '../../api/taints.ts'
import { tolerated } from '../framework/tolerations.ts'

export const NAME = 'NodeUnschedulable'
export const REASON = 'node(s) were unschedulable'
export const UNSCHEDULABLE_TAINT = { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' } as const

export const nodeUnschedulable: FilterPlugin = {
  name: NAME,
  filter(_state, pod, node) {
    if (!node.node?.spec?.unschedulable) return null
    return tolerated(pod.spec?.tolerations, UNSCHEDULABLE_TAINT) ? null : unresolvable(REASON)
  },
}
