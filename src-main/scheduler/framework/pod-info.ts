// A pod as the scheduler reads it, with what every cycle would otherwise recompute parsed once:
// requests, host ports, hostPath mounts and affinity terms. Built when a pod enters the cache or
// the queue; never mutated.

import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../../api/index.ts'
import { labelSelectorAsSelector, requirement, type Requirement, type Selector } from '../../api/selectors/labels.ts'
import { nonZeroRequests, podRequests, type Resources } from './resources.ts'

export interface HostPort {
  protocol: string
  /** '0.0.0.0' when the port binds every address. */
  ip: string
  port: number
}

/** A hostPath volume a pod mounts: whether any container may write it, and whether it claims it alone. */
export interface HostPathMount {
  path: string
  readWrite: boolean
  exclusive: boolean
}

/** A pod affinity term ready to match: namespaces resolved (or a namespace selector), selector parsed. */
export interface AffinityTerm {
  topologyKey: string
  /** Namespaces named by the term, or the pod's own when neither these nor a selector are given. */
  namespaces: ReadonlySet<string>
  /** The namespace selector (EVERYTHING for `{}`), or null when the term has none. */
  namespaceSelector: Selector | null
  selector: Selector
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number
}

export interface PodInfo {
  pod: Pod
  key: string
  requests: Resources
  nonZero: { milliCPU: number; memory: number }
  hostPorts: HostPort[]
  hostPaths: HostPathMount[]
  requiredAffinity: AffinityTerm[]
  requiredAntiAffinity: AffinityTerm[]
  preferredAffinity: WeightedAffinityTerm[]
  preferredAntiAffinity: WeightedAffinityTerm[]
}

/**
 * Annotation naming the hostPath paths a pod must have to itself on its node (comma-separated).
 * See README "NoDiskConflict": two pods conflict when they mount overlapping hostPaths, at least
 * one of them writes, and at least one of them declares the path exclusive.
 */
export const EXCLUSIVE_HOST_PATHS_ANNOTATION = 'scheduler.coxswain.dev/exclusive-host-paths'

export const podKey = (pod: Pod): string => `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`

/** `/data/./db/` → `/data/db`: hostPaths compared as the kernel would resolve them (no symlinks). */
export function normalizePath(path: string): string {
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') parts.pop()
    else parts.push(part)
  }
  return '/' + parts.join('/')
}

function hostPortsOf(pod: Pod): HostPort[] {
  const ports: HostPort[] = []
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue
      ports.push({ protocol: p.protocol ?? 'TCP', ip: p.hostIP || '0.0.0.0', port: p.hostPort })
    }
  }
  return ports
}

function hostPathsOf(pod: Pod): HostPathMount[] {
  const exclusive = new Set(
    (pod.metadata.annotations?.[EXCLUSIVE_HOST_PATHS_ANNOTATION] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map(normalizePath),
  )
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
  const mounts: HostPathMount[] = []
  for (const v of pod.spec?.volumes ?? []) {
    if (!v.hostPath) continue
    const path = normalizePath(v.hostPath.path)
    const uses = containers.flatMap((c) => (c.volumeMounts ?? []).filter((m) => m.name === v.name))
    mounts.push({ path, readWrite: uses.some((m) => !m.readOnly), exclusive: exclusive.has(path) })
  }
  return mounts
}

/** Parses a term of `pod`, folding matchLabelKeys / mismatchLabelKeys into the selector as Kubernetes does. */
export function affinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const base = labelSelectorAsSelector(term.labelSelector)
  const labels = pod.metadata.labels ?? {}
  const extra: Requirement[] = []
  for (const key of term.matchLabelKeys ?? []) if (Object.hasOwn(labels, key)) extra.push(requirement(key, 'in', [labels[key] ?? '']))
  for (const key of term.mismatchLabelKeys ?? []) if (Object.hasOwn(labels, key)) extra.push(requirement(key, 'notin', [labels[key] ?? '']))
  const selector: Selector = extra.length > 0 ? { ...base, requirements: [...base.requirements, ...extra] } : base
  const namespaceSelector = term.namespaceSelector ? labelSelectorAsSelector(term.namespaceSelector) : null
  const named = term.namespaces ?? []
  const namespaces = new Set(named.length === 0 && !namespaceSelector ? [pod.metadata.namespace ?? 'default'] : named)
  return { topologyKey: term.topologyKey, namespaces, namespaceSelector, selector }
}

const weighted = (pod: Pod, terms: WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] =>
  (terms ?? []).map((t) => ({ ...affinityTerm(pod, t.podAffinityTerm), weight: t.weight }))

/** Throws (QuantityError, SelectorError) for input the API should have refused; callers report it. */
export function podInfo(pod: Pod): PodInfo {
  const affinity = pod.spec?.affinity
  return {
    pod,
    key: podKey(pod),
    requests: podRequests(pod),
    nonZero: nonZeroRequests(pod),
    hostPorts: hostPortsOf(pod),
    hostPaths: hostPathsOf(pod),
    requiredAffinity: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    requiredAntiAffinity: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    preferredAffinity: weighted(pod, affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(pod, affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  }
}
