// maxSurge / maxUnavailable: an absolute number or a percentage of the replicas, as
// intstr.GetScaledValueFromIntOrPercent (surge rounds up, unavailable rounds down).

import type { IntOrString } from '../../api/index.ts'

export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean, fallback: IntOrString): number {
  const v = value ?? fallback
  if (typeof v === 'number') return v
  const match = /^(\d+)%$/.exec(v)
  if (!match) {
    const n = Number(v)
    return Number.isInteger(n) ? n : 0
  }
  const exact = (Number(match[1]) * total) / 100
  return roundUp ? Math.ceil(exact) : Math.floor(exact)
}

/**
 * The surge and unavailability a rollout of `replicas` may use, as deploymentutil.ResolveFenceposts:
 * both zero would stall a rollout, so unavailability becomes 1 then.
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, replicas: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, replicas, true, '25%')
  let unavailable = scaledValue(maxUnavailable, replicas, false, '25%')
  if (surge === 0 && unavailable === 0) unavailable = 1
  return { surge, unavailable }
}
