// Bound pods filed by label and by controller, so a plugin that counts "pods of this group" walks
// the group, not the cluster: PodTopologySpread's counts cost O(group) per cycle instead of
// O(all pods). Kept by the cache (and by plain-list snapshots) as pods come and go.

import type { PodInfo } from './pod-info.ts'

export interface PlacedPod {
  info: PodInfo
  node: string
}

const labelKey = (namespace: string, key: string, value: string): string => `l\0${namespace}\0${key}\0${value}`
const ownerKey = (uid: string): string => `o\0${uid}`

export class PodIndex {
  private readonly sets = new Map<string, Map<string, PlacedPod>>()

  add(uid: string, placed: PlacedPod): void {
    for (const key of this.keysOf(placed.info)) {
      let set = this.sets.get(key)
      if (!set) this.sets.set(key, (set = new Map()))
      set.set(uid, placed)
    }
  }

  remove(uid: string, info: PodInfo): void {
    for (const key of this.keysOf(info)) {
      const set = this.sets.get(key)
      set?.delete(uid)
      if (set?.size === 0) this.sets.delete(key)
    }
  }

  /** Bound pods of `namespace` labelled key=value. */
  withLabel(namespace: string, key: string, value: string): Iterable<PlacedPod> {
    return this.sets.get(labelKey(namespace, key, value))?.values() ?? []
  }

  /** Bound pods whose controller has this UID. */
  ofController(uid: string): Iterable<PlacedPod> {
    return this.sets.get(ownerKey(uid))?.values() ?? []
  }

  private keysOf(info: PodInfo): string[] {
    const meta = info.pod.metadata
    const ns = meta.namespace ?? ''
    const keys = Object.entries(meta.labels ?? {}).map(([k, v]) => labelKey(ns, k, v))
    const controller = meta.ownerReferences?.find((o) => o.controller)?.uid
    if (controller) keys.push(ownerKey(controller))
    return keys
  }
}
