// NodeReady: a node whose Ready condition is not True takes no new pods, unless the pod tolerates
// the taint the node lifecycle puts on such nodes (node.kubernetes.io/not-ready for False,
// node.kubernetes.io/unreachable for Unknown or no condition yet) — so DaemonSet pods, which
// tolerate both, still land. This covers the gap between a node going bad and its taint appearing.

import type { FilterPlugin } from '../framework/types.ts'
import { unschedulable } from '../framework/types.ts'
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../../api/taints.ts'
import { tolerated } from '../framework/tolerations.ts'

export const NAME = 'NodeReady'
export const REASON_NOT_READY = 'node(s) were not ready'
export const REASON_UNREACHABLE = 'node(s) were unreachable'

export const nodeReady: FilterPlugin = {
  name: NAME,
  filter(_state, pod, node) {
    const ready = node.ready
    if (ready === 'True') return null
    const key = ready === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE
    if (tolerated(pod.spec?.tolerations, { key, effect: 'NoSchedule' })) return null
    return unschedulable(ready === 'False' ? REASON_NOT_READY : REASON_UNREACHABLE)
  },
}
