// VolumeRestrictions (the seed's NoDiskConflict), for the only node-local volume Coxswain has that
// two pods can fight over: hostPath. Kubernetes lets any pods share a hostPath; Coxswain lets a pod
// claim one for itself with the annotation scheduler.coxswain.dev/exclusive-host-paths (a database's
// data directory, say). Two pods conflict on a node when
//   - they mount overlapping hostPaths (the same path, or one inside the other), and
//   - at least one of the two mounts it read-write, and
//   - at least one of the two declares it exclusive.
// Read-only sharing is always allowed, as Kubernetes allows read-only sharing of a disk.

import type { FilterPlugin } from '../framework/types.ts'
import { unschedulable } from '../framework/types.ts'
import type { HostPathMount, PodInfo } from '../framework/pod-info.ts'
import { POD_INFO_KEY } from './node-resources-fit.ts'

export const NAME = 'VolumeRestrictions'
export const REASON = 'node(s) had no available disk'

const overlaps = (a: string, b: string): boolean => a === b || a === '/' || b === '/' || a.startsWith(b + '/') || b.startsWith(a + '/')

export function hostPathsConflict(a: HostPathMount, b: HostPathMount): boolean {
  return overlaps(a.path, b.path) && (a.readWrite || b.readWrite) && (a.exclusive || b.exclusive)
}

export const volumeRestrictions: FilterPlugin = {
  name: NAME,
  filter(state, _pod, node) {
    const mine = state.read<PodInfo>(POD_INFO_KEY)?.hostPaths ?? []
    if (mine.length === 0) return null
    for (const other of node.pods.values()) {
      for (const theirs of other.hostPaths) if (mine.some((m) => hostPathsConflict(m, theirs))) return unschedulable(REASON)
    }
    return null
  },
}
