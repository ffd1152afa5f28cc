// apps/v1 defaulting (pkg/apis/apps/v1/defaults.go). Pure: each returns a copy.

import type { DaemonSet, Deployment, ReplicaSet } from '../types/apps.ts'
import type { PodTemplateSpec } from '../types/pod.ts'
import { defaultPodTemplateSpec } from './pod.ts'

export const DEFAULT_REVISION_HISTORY_LIMIT = 10
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600
export const DEFAULT_MAX_UNAVAILABLE = '25%'
export const DEFAULT_MAX_SURGE = '25%'

const template = (t: PodTemplateSpec | undefined): PodTemplateSpec | undefined => (t ? defaultPodTemplateSpec(t) : t)

/** SetDefaults_Deployment: 1 replica, RollingUpdate 25%/25%, 10 revisions, 600 s deadline. */
export function defaultDeployment(d: Deployment): Deployment {
  const out = structuredClone(d)
  if (!out.spec) return out
  const spec = out.spec
  spec.replicas ??= 1
  spec.strategy ??= {}
  spec.strategy.type ||= 'RollingUpdate'
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {}
    spec.strategy.rollingUpdate.maxUnavailable ??= DEFAULT_MAX_UNAVAILABLE
    spec.strategy.rollingUpdate.maxSurge ??= DEFAULT_MAX_SURGE
  }
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT
  spec.progressDeadlineSeconds ??= DEFAULT_PROGRESS_DEADLINE_SECONDS
  const t = template(spec.template)
  if (t) spec.template = t
  return out
}

/** SetDefaults_ReplicaSet: 1 replica. */
export function defaultReplicaSet(rs: ReplicaSet): ReplicaSet {
  const out = structuredClone(rs)
  if (!out.spec) return out
  out.spec.replicas ??= 1
  const t = template(out.spec.template)
  if (t) out.spec.template = t
  return out
}

/** SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, 10 revisions. */
export function defaultDaemonSet(ds: DaemonSet): DaemonSet {
  const out = structuredClone(ds)
  if (!out.spec) return out
  const spec = out.spec
  spec.updateStrategy ??= {}
  spec.updateStrategy.type ||= 'RollingUpdate'
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {}
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0
  }
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT
  const t = template(spec.template)
  if (t) spec.template = t
  return out
}
