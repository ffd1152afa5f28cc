// What workload controllers ask of a pod: is it active, ready, available (ready for
// minReadySeconds)? As pkg/api/v1/pod and pkg/controller's helpers.

import type { Pod, PodCondition } from '../../api/index.ts'

export function podCondition(pod: Pod, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type)
}

/** Not finished and not being deleted: counts towards an owner's replicas. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp
}

/** Being deleted but not yet finished: Kubernetes' "terminating" replicas. */
export function isPodTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase
  return !!pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed'
}

export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True'
}

/** Ready for at least `minReadySeconds` by `now` (ready at all when minReadySeconds is 0). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  const ready = podCondition(pod, 'Ready')
  if (ready?.status !== 'True') return false
  if (minReadySeconds <= 0) return true
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now.getTime()
}

/**
 * When a ready pod becomes available (ms since epoch), for pods ready but not yet for
 * minReadySeconds — so a controller can look again then. Undefined when not applicable.
 */
export function availableAtMs(pod: Pod, minReadySeconds: number): number | undefined {
  const ready = podCondition(pod, 'Ready')
  if (ready?.status !== 'True' || minReadySeconds <= 0 || !ready.lastTransitionTime) return undefined
  return Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000
}
