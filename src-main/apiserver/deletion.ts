// What a delete does to an object, decided as kube-apiserver's generic store decides it
// (registry.Store.Delete, rest.BeforeDelete, deletionFinalizersForGarbageCollection):
//
//   graceful kinds (pods)  first delete sets deletionTimestamp = now + grace; a later delete may
//                          only shorten the grace; grace 0 (or a pod that never ran) removes it
//   propagation policy     Orphan adds the `orphan` finalizer, Foreground `foregroundDeletion`,
//                          Background (the default) neither — the garbage collector handles them
//   finalizers             an object with any stays, marked deleting (deletionTimestamp, grace 0),
//                          until updates remove the last one
//
// Pure: the API server reads the object, asks for a plan, and writes what the plan says.

import type { DeleteOptions, KubeObject, Pod } from '../api/index.ts'
import { formatTime } from './object-meta.ts'
import { podDeletionGracePeriod } from './strategy/index.ts'

export const ORPHAN_FINALIZER = 'orphan'
export const FOREGROUND_FINALIZER = 'foregroundDeletion'

export type PropagationPolicy = NonNullable<DeleteOptions['propagationPolicy']>

export type DeletionPlan =
  /** Remove the object from the store now. */
  | { action: 'delete'; object: KubeObject }
  /** Store this state (deletion in progress): the object stays. */
  | { action: 'update'; object: KubeObject }
  /** A graceful deletion is already under way and this request changes nothing. */
  | { action: 'pending'; object: KubeObject }

export interface DeletionContext {
  /** The kind deletes gracefully (pods). */
  graceful: boolean
  now: Date
}

/**
 * The finalizers a delete with `options` leaves on an object, or null when they stay as they are:
 * an explicit policy (or the deprecated orphanDependents) wins over the object's own GC finalizers.
 */
export function finalizersForPropagation(finalizers: readonly string[], options: DeleteOptions): string[] | null {
  const policy = options.orphanDependents !== undefined ? (options.orphanDependents ? 'Orphan' : 'Background') : options.propagationPolicy
  let orphan: boolean
  let foreground: boolean
  if (policy !== undefined) {
    orphan = policy === 'Orphan'
    foreground = policy === 'Foreground'
  } else {
    const first = finalizers.find((f) => f === ORPHAN_FINALIZER || f === FOREGROUND_FINALIZER)
    orphan = first === ORPHAN_FINALIZER
    foreground = first === FOREGROUND_FINALIZER
  }
  const next = finalizers.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER)
  if (orphan) next.push(ORPHAN_FINALIZER)
  if (foreground) next.push(FOREGROUND_FINALIZER)
  const same = next.length === finalizers.length && next.every((f) => finalizers.includes(f))
  return same ? null : next
}

function addSeconds(time: string, seconds: number): string {
  return formatTime(new Date(Date.parse(time) + seconds * 1000))
}

/** markAsDeleting: deletion requested now (or earlier), nothing left to wait for but finalizers. */
function markAsDeleting(obj: KubeObject, now: Date): void {
  const m = obj.metadata
  if (!m.deletionTimestamp && (m.generation ?? 0) > 0) m.generation = (m.generation ?? 0) + 1
  const nowText = formatTime(now)
  if (!m.deletionTimestamp || Date.parse(m.deletionTimestamp) > now.getTime()) m.deletionTimestamp = nowText
  m.deletionGracePeriodSeconds = 0
}

/** The plan for deleting `current` (a private copy, which the plan may return modified). */
export function planDeletion(current: KubeObject, options: DeleteOptions, ctx: DeletionContext): DeletionPlan {
  const obj = current
  const m = obj.metadata
  let graceful = false
  let grace = 0
  const requested = options.gracePeriodSeconds === undefined ? undefined : options.gracePeriodSeconds < 0 ? 1 : options.gracePeriodSeconds
  if (ctx.graceful) {
    if (m.deletionTimestamp) {
      const current = m.deletionGracePeriodSeconds ?? 0
      // Deleting already, with time left: only a shorter grace period changes anything.
      if (current > 0) {
        if (requested === undefined || requested >= current) return { action: 'pending', object: obj }
        m.deletionTimestamp = addSeconds(m.deletionTimestamp, requested - current)
        m.deletionGracePeriodSeconds = requested
        graceful = true
        grace = requested
      }
    } else {
      grace = podDeletionGracePeriod(obj as Pod, requested)
      m.deletionTimestamp = formatTime(new Date(ctx.now.getTime() + grace * 1000))
      m.deletionGracePeriodSeconds = grace
      if ((m.generation ?? 0) > 0) m.generation = (m.generation ?? 0) + 1
      graceful = true
    }
  }
  const finalizers = finalizersForPropagation(m.finalizers ?? [], options)
  if (finalizers) m.finalizers = finalizers
  if (m.finalizers?.length === 0) delete m.finalizers
  const pendingFinalizers = (m.finalizers?.length ?? 0) > 0
  if (!graceful) {
    if (!pendingFinalizers) return { action: 'delete', object: obj }
    markAsDeleting(obj, ctx.now)
    return { action: 'update', object: obj }
  }
  return pendingFinalizers || grace > 0 ? { action: 'update', object: obj } : { action: 'delete', object: obj }
}

/**
 * Whether an update leaves an object with nothing to wait for, so the API server removes it
 * (Kubernetes' ShouldDeleteDuringUpdate): it was being deleted with no grace left, and the update
 * took away the last finalizer.
 */
export function deletesOnUpdate(next: KubeObject, old: KubeObject): boolean {
  if ((next.metadata.finalizers?.length ?? 0) > 0) return false
  if (!old.metadata.deletionTimestamp) return false
  return (old.metadata.deletionGracePeriodSeconds ?? 0) === 0
}
