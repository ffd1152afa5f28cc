// The arithmetic of a rollout, as pkg/controller/deployment (rolling.go, sync.go) and
// deploymentutil: pure functions over a Deployment and its ReplicaSets that say how big each
// ReplicaSet should be next. None of them modifies its arguments; the controller applies the answers.

import type { Deployment, ReplicaSet } from '../../api/index.ts'
import { resolveFenceposts } from '../workloads/int-or-percent.ts'
import { MAX_REPLICAS_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, replicasAnnotation, revisionOf } from './revisions.ts'

export const specReplicas = (rs: ReplicaSet | undefined): number => rs?.spec?.replicas ?? 0
export const desiredReplicas = (d: Deployment): number => d.spec?.replicas ?? 1
const created = (rs: ReplicaSet): number => Date.parse(rs.metadata.creationTimestamp ?? '') || 0

export const isRollingUpdate = (d: Deployment): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate'

/** maxSurge as a number of pods (0 for Recreate). */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0
  const r = d.spec?.strategy?.rollingUpdate
  return resolveFenceposts(r?.maxSurge, r?.maxUnavailable, desiredReplicas(d)).surge
}

/** maxUnavailable as a number of pods, never more than the replicas (0 for Recreate). */
export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d)
  if (!isRollingUpdate(d) || replicas === 0) return 0
  const r = d.spec?.strategy?.rollingUpdate
  return Math.min(resolveFenceposts(r?.maxSurge, r?.maxUnavailable, replicas).unavailable, replicas)
}

/** Oldest first; ties by name, so the order is stable. */
export function byCreation(replicaSets: readonly ReplicaSet[]): ReplicaSet[] {
  return [...replicaSets].sort((a, b) => created(a) - created(b) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1))
}

export const activeReplicaSets = (replicaSets: readonly (ReplicaSet | undefined)[]): ReplicaSet[] =>
  replicaSets.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0)

const sum = (replicaSets: readonly ReplicaSet[], of: (rs: ReplicaSet) => number): number => replicaSets.reduce((n, rs) => n + of(rs), 0)
export const totalReplicas = (replicaSets: readonly ReplicaSet[]): number => sum(replicaSets, specReplicas)
export const totalAvailable = (replicaSets: readonly ReplicaSet[]): number => sum(replicaSets, (rs) => rs.status?.availableReplicas ?? 0)

/** The size the new ReplicaSet may grow to now (deploymentutil.NewRSNewReplicas). */
export function newReplicaSetReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): number {
  const replicas = desiredReplicas(d)
  if (!isRollingUpdate(d)) return replicas
  const current = totalReplicas(allRSs)
  const maxTotal = replicas + maxSurge(d)
  if (current >= maxTotal) return specReplicas(newRS)
  const scaleUp = Math.min(maxTotal - current, replicas - specReplicas(newRS))
  return specReplicas(newRS) + Math.max(0, scaleUp)
}

/**
 * How many old pods may go now without dropping below the minimum available, counting the new
 * ReplicaSet's unavailable pods as already missing (rolling.go reconcileOldReplicaSets).
 */
export function maxScaledDown(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): number {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d)
  const newUnavailable = specReplicas(newRS) - (newRS?.status?.availableReplicas ?? 0)
  return totalReplicas(allRSs) - minAvailable - newUnavailable
}

/** New sizes for old ReplicaSets: first shed their unhealthy pods, oldest first, up to `budget` (cleanupUnhealthyReplicas). */
export function cleanupUnhealthy(oldRSs: readonly ReplicaSet[], budget: number): { sizes: Map<string, number>; removed: number } {
  const sizes = new Map<string, number>()
  let removed = 0
  for (const rs of byCreation(oldRSs)) {
    if (removed >= budget) break
    const replicas = specReplicas(rs)
    if (replicas === 0) continue
    const unhealthy = replicas - (rs.status?.availableReplicas ?? 0)
    if (unhealthy <= 0) continue
    const down = Math.min(budget - removed, unhealthy)
    sizes.set(rs.metadata.name ?? '', replicas - down)
    removed += down
  }
  return { sizes, removed }
}

/**
 * New sizes for old ReplicaSets scaled down while available pods stay at or above the minimum
 * (scaleDownOldReplicaSetsForRollingUpdate). `allRSs` must reflect any cleanup already planned.
 */
export function scaleDownOld(d: Deployment, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[]): Map<string, number> {
  const sizes = new Map<string, number>()
  const minAvailable = desiredReplicas(d) - maxUnavailable(d)
  const available = totalAvailable(allRSs)
  if (available <= minAvailable) return sizes
  const total = available - minAvailable
  let done = 0
  for (const rs of byCreation(oldRSs)) {
    if (done >= total) break
    const replicas = specReplicas(rs)
    if (replicas === 0) continue
    const down = Math.min(replicas, total - done)
    sizes.set(rs.metadata.name ?? '', replicas - down)
    done += down
  }
  return sizes
}

/** The new ReplicaSet is at full size and fully available (deploymentutil.IsSaturated). */
export function isSaturated(d: Deployment, newRS: ReplicaSet | undefined): boolean {
  if (!newRS) return false
  const replicas = desiredReplicas(d)
  return specReplicas(newRS) === replicas && replicasAnnotation(newRS, DESIRED_REPLICAS_ANNOTATION) === replicas && (newRS.status?.availableReplicas ?? 0) === replicas
}

/** The only active ReplicaSet, or the newest when none is active; undefined when several are. */
export function activeOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  const all = [...(newRS ? [newRS] : []), ...oldRSs]
  const active = activeReplicaSets(all)
  if (active.length === 1) return active[0]
  if (active.length === 0) return newRS ?? byCreation(oldRSs).at(-1)
  return undefined
}

/**
 * Proportional scaling (sync.go scale): when the Deployment is resized mid-rollout, every active
 * ReplicaSet takes a share of the change in proportion to its size, so the rollout's shape is
 * kept; the rounding leftover goes to the largest (newest on ties when growing, oldest when
 * shrinking). Returns the new size of every active ReplicaSet that changes.
 */
export function proportionalSizes(d: Deployment, active: readonly ReplicaSet[]): Map<string, number> {
  const replicas = desiredReplicas(d)
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0
  const toAdd = allowed - totalReplicas(active)
  const sizes = new Map<string, number>()
  if (toAdd === 0 || active.length === 0) return sizes
  const ordered = [...active].sort((a, b) => {
    const bySize = specReplicas(b) - specReplicas(a)
    if (bySize !== 0) return bySize
    return toAdd > 0 ? created(b) - created(a) : created(a) - created(b)
  })
  let added = 0
  for (const rs of ordered) {
    let share = 0
    if (toAdd !== added && specReplicas(rs) > 0) {
      const fraction = replicaSetFraction(d, rs)
      share = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added)
    }
    sizes.set(rs.metadata.name ?? '', specReplicas(rs) + share)
    added += share
  }
  const first = ordered[0]
  if (first && added !== toAdd) {
    const name = first.metadata.name ?? ''
    sizes.set(name, Math.max(0, (sizes.get(name) ?? 0) + toAdd - added))
  }
  for (const rs of ordered) if (sizes.get(rs.metadata.name ?? '') === specReplicas(rs)) sizes.delete(rs.metadata.name ?? '')
  return sizes
}

function replicaSetFraction(d: Deployment, rs: ReplicaSet): number {
  const replicas = desiredReplicas(d)
  if (replicas === 0) return -specReplicas(rs)
  const deploymentMax = replicas + maxSurge(d)
  const annotated = replicasAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? d.status?.replicas ?? 0
  if (annotated === 0) return 0
  return Math.round((specReplicas(rs) * deploymentMax) / annotated) - specReplicas(rs)
}

/** Old ReplicaSets beyond revisionHistoryLimit that may be deleted: of the oldest revisions over the limit, the empty ones. */
export function historyToDelete(d: Deployment, oldRSs: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec?.revisionHistoryLimit ?? 10
  const candidates = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp)
  const excess = candidates.length - limit
  if (excess <= 0) return []
  return [...candidates]
    .sort((a, b) => revisionOf(a) - revisionOf(b) || created(a) - created(b))
    .slice(0, excess)
    .filter((rs) => specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0))
}
