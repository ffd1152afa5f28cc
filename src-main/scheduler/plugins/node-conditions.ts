// NodeMemoryPressure, NodeDiskPressure, NodePIDPressure (the seed's CheckNode*Pressure predicates,
// one filter): under memory pressure a node takes no BestEffort pods (they would be evicted first);
// under disk or PID pressure it takes no pods. Pods tolerating the matching
// node.kubernetes.io/*-pressure taint pass, as they would with the taint in place.

import type { FilterPlugin } from '../framework/types.ts'
import { unschedulable } from '../framework/types.ts'
import { isBestEffort } from '../framework/resources.ts'
import { TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_PID_PRESSURE } from '../../api/taints.ts'
import { tolerated } from '../framework/tolerations.ts'

export const NAME = 'NodeConditions'
export const REASON_MEMORY_PRESSURE = 'node(s) had memory pressure'
export const REASON_DISK_PRESSURE = 'node(s) had disk pressure'
export const REASON_PID_PRESSURE = 'node(s) had pid pressure'

const PRESSURES = [
  { type: 'MemoryPressure', taint: TAINT_MEMORY_PRESSURE, reason: REASON_MEMORY_PRESSURE, bestEffortOnly: true },
  { type: 'DiskPressure', taint: TAINT_DISK_PRESSURE, reason: REASON_DISK_PRESSURE, bestEffortOnly: false },
  { type: 'PIDPressure', taint: TAINT_PID_PRESSURE, reason: REASON_PID_PRESSURE, bestEffortOnly: false },
] as const

export const nodeConditions: FilterPlugin = {
  name: NAME,
  filter(_state, pod, node) {
    if (node.trueConditions.size === 0) return null
    const reasons: string[] = []
    for (const p of PRESSURES) {
      if (!node.trueConditions.has(p.type)) continue
      if (p.bestEffortOnly && !isBestEffort(pod)) continue
      if (tolerated(pod.spec?.tolerations, { key: p.taint, effect: 'NoSchedule' })) continue
      reasons.push(p.reason)
    }
    return reasons.length > 0 ? unschedulable(...reasons) : null
  },
}
