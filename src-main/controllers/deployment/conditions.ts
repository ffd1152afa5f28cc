// A Deployment's status and its Progressing and Available conditions, as deploymentutil and
// progress.go: complete when every replica is updated and available; progressing while updated,
// ready or available counts grow or old pods go; timed out when no progress was seen for
// progressDeadlineSeconds (ProgressDeadlineExceeded, which `kubectl rollout status` reports).

import type { Deployment, DeploymentStatus, ReplicaSet, WorkloadCondition } from '../../api/index.ts'
import { desiredReplicas, maxUnavailable, totalAvailable, totalReplicas } from './rollout-math.ts'

export const PROGRESSING = 'Progressing'
export const AVAILABLE = 'Available'
export const REPLICA_FAILURE = 'ReplicaFailure'
export const REASON_NEW_RS_CREATED = 'NewReplicaSetCreated'
export const REASON_FOUND_NEW_RS = 'FoundNewReplicaSet'
export const REASON_RS_UPDATED = 'ReplicaSetUpdated'
export const REASON_NEW_RS_AVAILABLE = 'NewReplicaSetAvailable'
export const REASON_TIMED_OUT = 'ProgressDeadlineExceeded'
export const REASON_PAUSED = 'DeploymentPaused'
export const REASON_RESUMED = 'DeploymentResumed'
export const REASON_MIN_AVAILABLE = 'MinimumReplicasAvailable'
export const REASON_MIN_UNAVAILABLE = 'MinimumReplicasUnavailable'

/** Kubernetes times: seconds, no fraction. */
export const timeString = (at: Date): string => at.toISOString().replace(/\.\d+Z$/, 'Z')

export function getCondition(status: DeploymentStatus | undefined, type: string): WorkloadCondition | undefined {
  return status?.conditions?.find((c) => c.type === type)
}

/**
 * Sets `condition` on `status`, keeping lastTransitionTime when the status did not change and
 * leaving everything alone when nothing but the times would change. Modifies `status`.
 */
export function setCondition(status: DeploymentStatus, condition: Omit<WorkloadCondition, 'lastUpdateTime' | 'lastTransitionTime'>, now: Date): void {
  const current = getCondition(status, condition.type)
  if (current && current.status === condition.status && current.reason === condition.reason && current.message === condition.message) return
  const at = timeString(now)
  const next: WorkloadCondition = {
    ...condition,
    lastUpdateTime: at,
    lastTransitionTime: current && current.status === condition.status ? (current.lastTransitionTime ?? at) : at,
  }
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next]
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return
  status.conditions = status.conditions.filter((c) => c.type !== type)
  if (status.conditions.length === 0) delete status.conditions
}

/** Status from the ReplicaSets (sync.go calculateStatus), with the Available condition. */
export function calculateStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: Date): DeploymentStatus {
  const available = totalAvailable(allRSs)
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: allRSs.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: allRSs.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, totalReplicas(allRSs) - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  }
  const terminating = allRSs.reduce((n, rs) => n + (rs.status?.terminatingReplicas ?? 0), 0)
  if (terminating > 0) status.terminatingReplicas = terminating
  if (d.status?.conditions) status.conditions = structuredClone(d.status.conditions)
  // A ReplicaSet that cannot create or delete pods: the Deployment says so too (sync.go getReplicaFailures).
  const failure = allRSs.map((rs) => rs.status?.conditions?.find((c) => c.type === REPLICA_FAILURE && c.status === 'True')).find((c) => c !== undefined)
  if (failure) setCondition(status, { type: REPLICA_FAILURE, status: 'True', reason: failure.reason ?? 'FailedCreate', message: failure.message ?? '' }, now)
  else removeCondition(status, REPLICA_FAILURE)
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, { type: AVAILABLE, status: 'True', reason: REASON_MIN_AVAILABLE, message: 'Deployment has minimum availability.' }, now)
  } else {
    setCondition(status, { type: AVAILABLE, status: 'False', reason: REASON_MIN_UNAVAILABLE, message: 'Deployment does not have minimum availability.' }, now)
  }
  return status
}

export function hasProgressDeadline(d: Deployment): boolean {
  const deadline = d.spec?.progressDeadlineSeconds
  return deadline !== undefined && deadline < 2 ** 31 - 1
}

/** Every replica updated and available, and the latest spec observed (deploymentutil.DeploymentComplete). */
export function isComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = desiredReplicas(d)
  return (
    status.updatedReplicas === replicas &&
    status.replicas === replicas &&
    status.availableReplicas === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  )
}

/** Something moved since the last status written (deploymentutil.DeploymentProgressing). */
export function isProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const old = d.status ?? {}
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0)
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0)
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  )
}

/** No progress seen for progressDeadlineSeconds (deploymentutil.DeploymentTimedOut). */
export function isTimedOut(d: Deployment, status: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false
  const condition = getCondition(status, PROGRESSING)
  if (!condition) return false
  if (condition.reason === REASON_NEW_RS_AVAILABLE) return false
  if (condition.reason === REASON_TIMED_OUT) return true
  const from = Date.parse(condition.lastUpdateTime ?? '')
  if (Number.isNaN(from)) return false
  return from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 < now.getTime()
}

/**
 * The Progressing condition after this sync (progress.go syncRolloutStatus). Modifies `status`.
 */
export function updateProgressing(d: Deployment, status: DeploymentStatus, newRS: ReplicaSet | undefined, now: Date): void {
  if (!hasProgressDeadline(d)) {
    removeCondition(status, PROGRESSING)
    return
  }
  const current = getCondition(status, PROGRESSING)
  // A finished rollout is not re-estimated on every resync.
  if (status.replicas === status.updatedReplicas && current?.reason === REASON_NEW_RS_AVAILABLE) return
  const rsName = newRS?.metadata.name ?? ''
  if (isComplete(d, status)) {
    setCondition(status, { type: PROGRESSING, status: 'True', reason: REASON_NEW_RS_AVAILABLE, message: `ReplicaSet "${rsName}" has successfully progressed.` }, now)
  } else if (isProgressing(d, status)) {
    const message = newRS ? `ReplicaSet "${rsName}" is progressing.` : 'Deployment is progressing.'
    // Progress refreshes lastUpdateTime even when the words are the same: the deadline counts from it.
    const at = timeString(now)
    const keepTransition = current?.status === 'True' ? current.lastTransitionTime : undefined
    status.conditions = [
      ...(status.conditions ?? []).filter((c) => c.type !== PROGRESSING),
      { type: PROGRESSING, status: 'True', reason: REASON_RS_UPDATED, message, lastUpdateTime: at, lastTransitionTime: keepTransition ?? at },
    ]
  } else if (isTimedOut(d, status, now)) {
    setCondition(status, { type: PROGRESSING, status: 'False', reason: REASON_TIMED_OUT, message: `ReplicaSet "${rsName}" has timed out progressing.` }, now)
  }
}

