// The scheduler's questions about taints, on the matching rule every consumer shares
// (src-main/api/taints.ts, as Kubernetes' v1helper.TolerationsTolerateTaint).

import type { Taint, TaintEffect, Toleration } from '../../api/index.ts'
import { toleratesTaint } from '../../api/taints.ts'

export function tolerated(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint))
}

/** The first taint with one of `effects` the pod does not tolerate, if any. */
export function firstUntolerated(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, effects: readonly TaintEffect[]): Taint | undefined {
  return (taints ?? []).find((taint) => effects.includes(taint.effect) && !tolerated(tolerations, taint))
}

/** How Kubernetes prints a taint in FailedScheduling: `{key: value}` (value may be empty). */
export const formatTaint = (taint: Pick<Taint, 'key' | 'value'>): string => `{${taint.key}: ${taint.value ?? ''}}`
