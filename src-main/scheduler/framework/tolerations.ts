// Taints and tolerations, as Kubernetes' v1helper.TolerationsTolerateTaint: an empty key with
// Exists tolerates everything; an empty effect matches every effect; Equal compares values.

import type { Taint, TaintEffect, Toleration } from '../../api/index.ts'

export function tolerates(toleration: Toleration, taint: Pick<Taint, 'key' | 'value' | 'effect'>): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false
  if (toleration.key && toleration.key !== taint.key) return false
  if (toleration.operator === 'Exists') return true
  if (!toleration.key) return false
  return (toleration.value ?? '') === (taint.value ?? '')
}

export function tolerated(tolerations: readonly Toleration[] | undefined, taint: Pick<Taint, 'key' | 'value' | 'effect'>): boolean {
  return (tolerations ?? []).some((t) => tolerates(t, taint))
}

/** The first taint with one of `effects` the pod does not tolerate, if any. */
export function firstUntolerated(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, effects: readonly TaintEffect[]): Taint | undefined {
  return (taints ?? []).find((taint) => effects.includes(taint.effect) && !tolerated(tolerations, taint))
}

/** How Kubernetes prints a taint in FailedScheduling: `{key: value}` (value may be empty). */
export const formatTaint = (taint: Pick<Taint, 'key' | 'value'>): string => `{${taint.key}: ${taint.value ?? ''}}`
