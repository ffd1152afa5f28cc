// The annotations a Deployment and its ReplicaSets carry, as deploymentutil: the revision
// (`kubectl rollout history` lists it, `kubectl rollout undo` picks by it), the revisions a reused
// ReplicaSet held before, and the replica counts proportional scaling reads.

import type { Deployment, ReplicaSet } from '../../api/index.ts'

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision'
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history'
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas'
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas'
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration'
const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to'

/** Annotations of the Deployment that are its own and are not copied to its ReplicaSets. */
const NOT_COPIED = new Set([LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, ROLLBACK_TO_ANNOTATION])

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const value = Number(obj.metadata.annotations?.[REVISION_ANNOTATION] ?? '0')
  return Number.isInteger(value) && value >= 0 ? value : 0
}

export function maxRevision(replicaSets: readonly ReplicaSet[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0)
}

/**
 * Copies the Deployment's own annotations onto `rs` (change-cause and the like) and sets its
 * revision to `revision` when that is newer, keeping the old revision in revision-history.
 * Returns whether anything changed. Modifies `rs`.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, revision: number): boolean {
  const annotations = { ...rs.metadata.annotations }
  let changed = false
  for (const [key, value] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(key) || annotations[key] === value) continue
    annotations[key] = value
    changed = true
  }
  const old = revisionOf(rs)
  if (old < revision) {
    if (old > 0) {
      const history = annotations[REVISION_HISTORY_ANNOTATION]
      annotations[REVISION_HISTORY_ANNOTATION] = history ? `${history},${old}` : String(old)
    }
    annotations[REVISION_ANNOTATION] = String(revision)
    changed = true
  }
  if (changed) rs.metadata.annotations = annotations
  return changed
}

/** The replica annotations proportional scaling reads later. Modifies `rs`; returns whether it changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata.annotations ?? {}
  if (annotations[DESIRED_REPLICAS_ANNOTATION] === String(desired) && annotations[MAX_REPLICAS_ANNOTATION] === String(max)) return false
  rs.metadata.annotations = { ...annotations, [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(max) }
  return true
}

export function replicasAnnotation(rs: ReplicaSet, name: typeof DESIRED_REPLICAS_ANNOTATION | typeof MAX_REPLICAS_ANNOTATION): number | undefined {
  const raw = rs.metadata.annotations?.[name]
  if (raw === undefined) return undefined
  const value = Number(raw)
  return Number.isInteger(value) ? value : undefined
}
