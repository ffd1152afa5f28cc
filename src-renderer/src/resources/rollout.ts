// A Deployment's rollout actions as the API writes `kubectl rollout` makes: history from its
// ReplicaSets' revision annotations, undo (copy an old ReplicaSet's pod template back), pause,
// resume, restart (a template annotation with the time, so every pod is replaced).

import type { Deployment, ReplicaSet } from '../../../src-main/api/types/apps.ts'
import type { PodTemplateSpec } from '../../../src-main/api/types/pod.ts'
import { images } from './workloads.ts'

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision'
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause'
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt'
const POD_TEMPLATE_HASH = 'pod-template-hash'

export interface RevisionEntry {
  revision: number
  replicaSet: string
  images: string
  changeCause: string
  replicas: number
  /** The revision the Deployment runs now (the highest). */
  current: boolean
}

export function revisionOf(rs: ReplicaSet): number {
  const n = Number(rs.metadata.annotations?.[REVISION_ANNOTATION])
  return Number.isInteger(n) && n > 0 ? n : 0
}

/** The ReplicaSets the Deployment controls (by controller ownerReference uid). Does not modify its inputs. */
export function ownedReplicaSets(d: Deployment, replicaSets: readonly ReplicaSet[]): ReplicaSet[] {
  return replicaSets.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === d.metadata.uid))
}

/** Revisions newest first; ReplicaSets without a revision are left out. */
export function rolloutHistory(d: Deployment, replicaSets: readonly ReplicaSet[]): RevisionEntry[] {
  const entries = ownedReplicaSets(d, replicaSets)
    .filter((rs) => revisionOf(rs) > 0)
    .map((rs) => ({
      revision: revisionOf(rs),
      replicaSet: rs.metadata.name ?? '',
      images: images(rs.spec?.template?.spec?.containers),
      changeCause: rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '',
      replicas: rs.status?.replicas ?? 0,
      current: false,
    }))
    .sort((a, b) => b.revision - a.revision)
  if (entries[0]) entries[0].current = true
  return entries
}

/**
 * The patch that rolls back to `rs`: its pod template without the controller's pod-template-hash
 * label, as `kubectl rollout undo` writes it. A JSON merge patch would merge maps, so a
 * replacement of spec.template is sent as a JSON patch.
 */
export function undoPatch(rs: ReplicaSet): { op: 'replace'; path: '/spec/template'; value: PodTemplateSpec }[] {
  const template = structuredClone(rs.spec?.template ?? {}) as PodTemplateSpec
  if (template.metadata?.labels) {
    const labels = Object.fromEntries(Object.entries(template.metadata.labels).filter(([k]) => k !== POD_TEMPLATE_HASH))
    template.metadata = { ...template.metadata, labels }
  }
  return [{ op: 'replace', path: '/spec/template', value: template }]
}

/** The previous revision's ReplicaSet (for a plain "Undo"), or null when there is none. */
export function previousRevision(d: Deployment, replicaSets: readonly ReplicaSet[]): ReplicaSet | null {
  const history = rolloutHistory(d, replicaSets)
  const previous = history[1]
  if (!previous) return null
  return replicaSets.find((rs) => rs.metadata.name === previous.replicaSet) ?? null
}

export const pausePatch = (paused: boolean): { spec: { paused: boolean } } => ({ spec: { paused } })

export function restartPatch(now: Date): { spec: { template: { metadata: { annotations: Record<string, string> } } } } {
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: now.toISOString() } } } } }
}
