// Deployments, ReplicaSets and DaemonSets: counts, images, and a Deployment's rollout status in
// the words of `kubectl rollout status`.

import type { DaemonSet, Deployment, ReplicaSet } from '../../../src-main/api/types/apps.ts'
import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import type { Container } from '../../../src-main/api/types/pod.ts'
import type { Tone } from '../connection.ts'
import type { ColumnSpec } from './columns.ts'
import { ageColumn, nameColumn, namespaceColumn } from './common.ts'

export const images = (containers: readonly Container[] | undefined): string => (containers ?? []).map((c) => c.image ?? '').join(', ')

/** ok when all wanted are ready, error when none of several are, pending in between. */
export function readinessTone(ready: number, desired: number): Tone {
  if (ready >= desired) return 'ok'
  return ready === 0 && desired > 0 ? 'error' : 'pending'
}

export interface RolloutStatus {
  /** The rollout finished (or there is nothing to roll out). */
  done: boolean
  message: string
  tone: Tone
}

/**
 * Where a Deployment's rollout stands, as `kubectl rollout status` judges it: paused, not yet
 * seen by the controller, past its progress deadline, or waiting on new, old or unavailable replicas.
 */
export function rolloutStatus(d: Deployment): RolloutStatus {
  const name = d.metadata.name ?? ''
  const wanted = d.spec?.replicas ?? 1
  const s = d.status ?? {}
  const updated = s.updatedReplicas ?? 0
  const total = s.replicas ?? 0
  const available = s.availableReplicas ?? 0
  if (d.spec?.paused) return { done: false, message: `deployment "${name}" is paused; resume it to continue the rollout`, tone: 'warning' }
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
    return { done: false, message: 'Waiting for deployment spec update to be observed...', tone: 'pending' }
  }
  const progressing = s.conditions?.find((c) => c.type === 'Progressing')
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { done: false, message: `deployment "${name}" exceeded its progress deadline`, tone: 'error' }
  if (updated < wanted) {
    return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${wanted} new replicas have been updated...`, tone: 'pending' }
  }
  if (total > updated) {
    return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...`, tone: 'pending' }
  }
  if (available < updated) {
    return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`, tone: 'pending' }
  }
  return { done: true, message: `deployment "${name}" successfully rolled out`, tone: 'ok' }
}

interface Readiness {
  ready: number
  desired: number
}

/**
 * "ready/desired" as a pill toned by readinessTone. With `sortable`, the column sorts by how many
 * are missing (the furthest from ready first when ascending).
 */
function readyColumn<T extends KubeObject>(readiness: (obj: T) => Readiness, options: { sortable?: boolean } = {}): ColumnSpec<T> {
  const column: ColumnSpec<T> = {
    id: 'ready',
    label: 'Ready',
    kind: 'pill',
    width: '6rem',
    text: (obj) => {
      const { ready, desired } = readiness(obj)
      return `${ready}/${desired}`
    },
    tone: (obj) => {
      const { ready, desired } = readiness(obj)
      return readinessTone(ready, desired)
    },
  }
  if (options.sortable) {
    column.sortValue = (obj) => {
      const { ready, desired } = readiness(obj)
      return ready - desired
    }
  }
  return column
}

/** The images of a workload's pod template, in container order. */
function imageColumn<T extends KubeObject>(containers: (obj: T) => readonly Container[] | undefined): ColumnSpec<T> {
  return { id: 'image', label: 'Image', width: 'minmax(8rem, 2fr)', text: (obj) => images(containers(obj)) }
}

export const deploymentColumns: ColumnSpec<Deployment>[] = [
  nameColumn(),
  namespaceColumn(),
  readyColumn((d) => ({ ready: d.status?.readyReplicas ?? 0, desired: d.spec?.replicas ?? 1 }), { sortable: true }),
  { id: 'uptodate', label: 'Up-to-date', width: '6rem', align: 'end', text: (d) => String(d.status?.updatedReplicas ?? 0), sortValue: (d) => d.status?.updatedReplicas ?? 0 },
  imageColumn((d) => d.spec?.template.spec?.containers),
  { id: 'scale', label: 'Replicas', kind: 'scale', width: '8.5rem', text: (d) => String(d.spec?.replicas ?? 1), sortValue: (d) => d.spec?.replicas ?? 1 },
  ageColumn(),
]

export const replicaSetColumns: ColumnSpec<ReplicaSet>[] = [
  nameColumn(),
  namespaceColumn(),
  readyColumn((r) => ({ ready: r.status?.readyReplicas ?? 0, desired: r.spec?.replicas ?? 1 })),
  { id: 'current', label: 'Current', width: '5rem', align: 'end', text: (r) => String(r.status?.replicas ?? 0), sortValue: (r) => r.status?.replicas ?? 0 },
  { id: 'owner', label: 'Owner', width: 'minmax(6rem, 1.2fr)', text: (r) => ownerText(r) },
  imageColumn((r) => r.spec?.template?.spec?.containers),
  ageColumn(),
]

export const daemonSetColumns: ColumnSpec<DaemonSet>[] = [
  nameColumn(),
  namespaceColumn(),
  readyColumn((d) => ({ ready: d.status?.numberReady ?? 0, desired: d.status?.desiredNumberScheduled ?? 0 })),
  { id: 'uptodate', label: 'Up-to-date', width: '6rem', align: 'end', text: (d) => String(d.status?.updatedNumberScheduled ?? 0) },
  { id: 'nodeSelector', label: 'Node selector', width: 'minmax(6rem, 1fr)', text: (d) => labelsText(d.spec?.template.spec?.nodeSelector) },
  imageColumn((d) => d.spec?.template.spec?.containers),
  ageColumn(),
]

function ownerText(obj: ReplicaSet): string {
  const owner = obj.metadata.ownerReferences?.find((o) => o.controller) ?? obj.metadata.ownerReferences?.[0]
  return owner ? `${owner.kind}/${owner.name}` : ''
}

export function labelsText(labels: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
}
