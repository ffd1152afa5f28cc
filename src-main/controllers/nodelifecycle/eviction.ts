// When a pod must leave a node with NoExecute taints (Kubernetes' taint eviction): at once when
// some NoExecute taint is not tolerated; else when the shortest tolerationSeconds among the
// tolerations in use runs out, counted from when each taint was added; never when every such
// toleration is unbounded. Pure.
//
// Counting from the taint's timeAdded (not from when this process first saw it, as the kube
// controller does) keeps the deadline across a control-plane restart: a node that went away
// 20 s before the restart does not get its pods a fresh toleration.

import { tolerationsFor } from '../../api/taints.ts'
import type { Taint } from '../../api/types/core.ts'
import type { Toleration } from '../../api/types/pod.ts'

export interface TaintSince {
  taint: Taint
  /** When the taint was added (ms since the epoch). */
  sinceMs: number
}

export type EvictionPlan =
  | { kind: 'never' }
  | { kind: 'now'; taint: Taint }
  | { kind: 'at'; atMs: number; taint: Taint }

/** `taints` must be the node's NoExecute taints only. */
export function planEviction(tolerations: readonly Toleration[] | undefined, taints: readonly TaintSince[]): EvictionPlan {
  let plan: EvictionPlan = { kind: 'never' }
  for (const { taint, sinceMs } of taints) {
    const used = tolerationsFor(tolerations, taint)
    if (used.length === 0) return { kind: 'now', taint }
    const seconds = shortestToleration(used)
    if (seconds === undefined) continue
    const atMs = sinceMs + seconds * 1000
    if (plan.kind === 'never' || (plan.kind === 'at' && atMs < plan.atMs)) plan = { kind: 'at', atMs, taint }
  }
  return plan
}

/** The shortest bound among `used`, in seconds (≤ 0 counts as 0); undefined when all are unbounded. */
function shortestToleration(used: readonly Toleration[]): number | undefined {
  let min: number | undefined
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue
    const s = Math.max(0, t.tolerationSeconds)
    if (min === undefined || s < min) min = s
  }
  return min
}
