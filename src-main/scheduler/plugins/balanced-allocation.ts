// NodeResourcesBalancedAllocation: prefer nodes where CPU and memory would be used in equal
// shares after placing the pod, so neither runs out while the other idles. Score =
// (1 − standard deviation of the two fractions) × MAX_NODE_SCORE, as Kubernetes computes it.

import type { ScorePlugin } from '../framework/types.ts'
import { MAX_NODE_SCORE } from '../framework/types.ts'
import type { PodInfo } from '../framework/pod-info.ts'
import { POD_INFO_KEY } from './node-resources-fit.ts'

export const NAME = 'NodeResourcesBalancedAllocation'

const fraction = (requested: number, capacity: number): number => (capacity <= 0 ? 1 : Math.min(1, requested / capacity))

export const balancedAllocation: ScorePlugin = {
  name: NAME,
  score(state, _pod, node) {
    const info = state.read<PodInfo>(POD_INFO_KEY)
    if (!info) return 0
    const cpu = fraction(node.nonZeroRequested.milliCPU + info.nonZero.milliCPU, node.allocatable.milliCPU)
    const memory = fraction(node.nonZeroRequested.memory + info.nonZero.memory, node.allocatable.memory)
    const std = Math.abs(cpu - memory) / 2
    return Math.floor((1 - std) * MAX_NODE_SCORE)
  },
}
