// Bound pods filed by label, by controller, and by the labels their affinity terms look for, so a
// plugin walks the pods that matter, not the cluster: PodTopologySpread's counts cost O(group) per
// cycle, and InterPodAffinity reads only the placed pods whose terms may select the new one. Kept
// by the cache (and by plain-list snapshots) as pods come and go.

import type { PodInfo } from './pod-info.ts'

export interface PlacedPod {
  info: PodInfo
  node: string
}

const labelKey = (namespace: string, key: string, value: string): string => `l\0${namespace}\0${key}\0${value}`
const ownerKey = (uid: string): string => `o\0${uid}`
const termKey = (key: string, value: string): string => `t\0${key}\0${value}`
/** Pods with a term that has no equality or `in` requirement to file it under. */
const ANY_TERM = 't\0*'

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

  /** Bound pods with an affinity or anti-affinity term that may select a pod labelled `labels` (a superset, each once). */
  withTermsTowards(labels: Readonly<Record<string, string>> | undefined): Iterable<PlacedPod> {
    const sources: Iterable<PlacedPod>[] = []
    for (const [k, v] of Object.entries(labels ?? {})) {
      const set = this.sets.get(termKey(k, v))
      if (set) sources.push(set.values())
    }
    const any = this.sets.get(ANY_TERM)
    if (any) sources.push(any.values())
    return unique(sources)
  }

  private keysOf(info: PodInfo): Set<string> {
    const meta = info.pod.metadata
    const ns = meta.namespace ?? ''
    const keys = new Set(Object.entries(meta.labels ?? {}).map(([k, v]) => labelKey(ns, k, v)))
    const controller = meta.ownerReferences?.find((o) => o.controller)?.uid
    if (controller) keys.add(ownerKey(controller))
    for (const term of [...info.requiredAffinity, ...info.requiredAntiAffinity, ...info.preferredAffinity, ...info.preferredAntiAffinity]) {
      if (term.selector.nothing) continue
      const r = term.selector.requirements.find((x) => x.operator === '=' || x.operator === '==' || x.operator === 'in')
      if (!r) keys.add(ANY_TERM)
      else for (const v of r.values) keys.add(termKey(r.key, v))
    }
    return keys
  }
}

/** The pods of several sources, each once (by uid). */
export function* unique(sources: readonly Iterable<PlacedPod>[]): Iterable<PlacedPod> {
  if (sources.length === 1) {
    yield* sources[0] ?? []
    return
  }
  const seen = new Set<PodInfo>()
  for (const source of sources) {
    for (const placed of source) {
      if (seen.has(placed.info)) continue
      seen.add(placed.info)
      yield placed
    }
  }
}

