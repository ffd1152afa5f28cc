// NodeReady: a node whose Ready condition is not True takes no new pods, unless the pod tolerates
// the taint the node lifecycle puts on such nodes (node.kubernetes.io/not-ready for False,
// node.kubernetes.io/unreachable for Unknown or no condition yet) — so DaemonSet pods, which
// tolerate both, still land. This covers the gap between a node going bad and its taint appearing.

import type { FilterPlugin } from '../framework/types.ts'
import { unschedulable } from '../framework/types.ts'
import { tolerated } from '../framework/tolerations.ts'

export const NAME = 'NodeReady'
export const REASON_NOT_READY = 'node(s) were not ready'
export const REASON_UNREACHABLE = 'node(s) were unreachable'
export const NOT_READY_TAINT_KEY = 'node.kubernetes.io/not-ready'
export const UNREACHABLE_TAINT_KEY = 'node.kubernetes.io/unreachable'

export const nodeReady: FilterPlugin = {
  name: NAME,
  filter(_state, pod, node) {
    const ready = node.ready
    if (ready === 'True') return null
    const key = ready === 'False' ? NOT_READY_TAINT_KEY : UNREACHABLE_TAINT_KEY
    if (tolerated(pod.spec?.tolerations, { key, effect: 'NoSchedule' })) return null
    return unschedulable(ready === 'False' ? REASON_NOT_READY : REASON_UNREACHABLE)
  },
}
