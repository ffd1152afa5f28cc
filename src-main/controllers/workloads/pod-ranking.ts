// Which pods a ReplicaSet deletes first when it has too many, as controller.ActivePodsWithRanks:
// the least valuable first — not yet scheduled, then pending, unknown, running; not ready before
// ready; pods doubled up on a node with more of their siblings; ready for less time; restarted
// more; newest.

import type { Pod } from '../../api/index.ts'
import { isPodReady, podCondition } from './pod-state.ts'

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 }

function restarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((max, s) => Math.max(max, s.restartCount ?? 0), 0)
}

function timeMs(time: string | undefined): number {
  const ms = time ? Date.parse(time) : NaN
  return Number.isNaN(ms) ? 0 : ms
}

/**
 * Negative when `a` should go before `b`. `rank` gives each pod's count of related pods on its node
 * (more doubled up goes first).
 */
export function compareForDeletion(a: Pod, b: Pod, rank: (pod: Pod) => number): number {
  const aAssigned = !!a.spec?.nodeName
  const bAssigned = !!b.spec?.nodeName
  if (aAssigned !== bAssigned) return aAssigned ? 1 : -1
  const aPhase = PHASE_ORDER[a.status?.phase ?? 'Pending'] ?? 0
  const bPhase = PHASE_ORDER[b.status?.phase ?? 'Pending'] ?? 0
  if (aPhase !== bPhase) return aPhase - bPhase
  const aReady = isPodReady(a)
  const bReady = isPodReady(b)
  if (aReady !== bReady) return aReady ? 1 : -1
  const aRank = rank(a)
  const bRank = rank(b)
  if (aRank !== bRank) return bRank - aRank
  if (aReady && bReady) {
    const aSince = timeMs(podCondition(a, 'Ready')?.lastTransitionTime)
    const bSince = timeMs(podCondition(b, 'Ready')?.lastTransitionTime)
    if (aSince !== bSince) return bSince - aSince
  }
  const aRestarts = restarts(a)
  const bRestarts = restarts(b)
  if (aRestarts !== bRestarts) return bRestarts - aRestarts
  const aCreated = timeMs(a.metadata.creationTimestamp)
  const bCreated = timeMs(b.metadata.creationTimestamp)
  if (aCreated !== bCreated) return bCreated - aCreated
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? 1 : -1
}

/**
 * The `count` pods of `pods` to delete first. `related` are all active pods of the owner's
 * family (for a Deployment: every ReplicaSet's), used to find nodes running several of them.
 * Does not modify its arguments.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number): Pod[] {
  if (count <= 0) return []
  const perNode = new Map<string, number>()
  for (const pod of related) {
    const node = pod.spec?.nodeName
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1)
  }
  const rank = (pod: Pod): number => (pod.spec?.nodeName ? (perNode.get(pod.spec.nodeName) ?? 0) : 0)
  return [...pods].sort((a, b) => compareForDeletion(a, b, rank)).slice(0, count)
}
