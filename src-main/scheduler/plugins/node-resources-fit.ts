// NodeResourcesFit: the pod's requests must fit in the node's allocatable minus what the pods
// already counted there request (bound pods that are not Succeeded/Failed, and pods this scheduler
// just placed). Pod count included. Scoring by strategy: LeastAllocated spreads load (default),
// MostAllocated packs it; both over CPU and memory, counting Kubernetes' defaults for pods that
// request nothing so they spread too.

import type { FilterPlugin, ScorePlugin } from '../framework/types.ts'
import { MAX_NODE_SCORE, unschedulable } from '../framework/types.ts'
import type { NodeInfo } from '../framework/node-info.ts'
import type { PodInfo } from '../framework/pod-info.ts'

export const NAME = 'NodeResourcesFit'
export const REASON_TOO_MANY_PODS = 'Too many pods'
export const insufficient = (resource: string): string => `Insufficient ${resource}`

export type ScoringStrategy = 'LeastAllocated' | 'MostAllocated'

/** The PodInfo of the pod being scheduled, written by the scheduler before filtering. */
export const POD_INFO_KEY = 'podInfo'

/** Every resource the pod lacks on `node`, as Kubernetes' fitsRequest lists them. */
export function insufficientResources(info: PodInfo, node: NodeInfo): string[] {
  const reasons: string[] = []
  if (node.pods.size + 1 > node.allowedPods) reasons.push(REASON_TOO_MANY_PODS)
  const req = info.requests
  const used = node.requested
  const alloc = node.allocatable
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) reasons.push(insufficient('cpu'))
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) reasons.push(insufficient('memory'))
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) reasons.push(insufficient('ephemeral-storage'))
  for (const [name, want] of Object.entries(req.scalar)) {
    if (want > 0 && want > (alloc.scalar[name] ?? 0) - (used.scalar[name] ?? 0)) reasons.push(insufficient(name))
  }
  return reasons
}

function resourceScore(strategy: ScoringStrategy, requested: number, capacity: number): number {
  if (capacity <= 0 || requested > capacity) return 0
  const share = strategy === 'LeastAllocated' ? capacity - requested : requested
  return Math.floor((share * MAX_NODE_SCORE) / capacity)
}

export function nodeResourcesFit(strategy: ScoringStrategy = 'LeastAllocated'): FilterPlugin & ScorePlugin {
  return {
    name: NAME,
    filter(state, _pod, node) {
      const info = state.read<PodInfo>(POD_INFO_KEY)
      if (!info) return null
      const reasons = insufficientResources(info, node)
      return reasons.length > 0 ? unschedulable(...reasons) : null
    },
    score(state, _pod, node) {
      const info = state.read<PodInfo>(POD_INFO_KEY)
      if (!info) return 0
      const cpu = resourceScore(strategy, node.nonZeroRequested.milliCPU + info.nonZero.milliCPU, node.allocatable.milliCPU)
      const memory = resourceScore(strategy, node.nonZeroRequested.memory + info.nonZero.memory, node.allocatable.memory)
      return Math.floor((cpu + memory) / 2)
    },
  }
}
