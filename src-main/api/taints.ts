// Taints and tolerations: the well-known node taints and the matching rule every consumer shares
// (node lifecycle eviction, the scheduler's TaintToleration filter, DaemonSets). As
// k8s.io/api/core/v1's ToleratesTaint: an empty key with Exists matches every taint, an empty
// effect matches every effect, and Equal compares values ("" when absent).

import type { Taint } from './types/core.ts'
import type { Toleration } from './types/pod.ts'

/** Ready=False: the node agent reports the node cannot run pods (its container runtime is down, say). */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready'
/** Ready=Unknown: nothing is heard from the node (its connection or heartbeat is lost). */
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable'
/** spec.unschedulable (cordoned). */
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable'
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure'
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure'
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure'

export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false
  if (toleration.key && toleration.key !== taint.key) return false
  switch (toleration.operator || 'Equal') {
    case 'Exists':
      return true
    case 'Equal':
      // An empty key is only valid with Exists; such a toleration matches nothing here.
      return !!toleration.key && (toleration.value ?? '') === (taint.value ?? '')
    default:
      return false
  }
}

/** The tolerations that match `taint`. */
export function tolerationsFor(tolerations: readonly Toleration[] | undefined, taint: Taint): Toleration[] {
  return (tolerations ?? []).filter((t) => toleratesTaint(t, taint))
}

export function sameTaint(a: Pick<Taint, 'key' | 'effect'>, b: Pick<Taint, 'key' | 'effect'>): boolean {
  return a.key === b.key && a.effect === b.effect
}
