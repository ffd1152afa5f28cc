// What one scheduling cycle reads of the cluster: the nodes with their pods, and the few
// cluster-wide facts plugins need. The scheduler's cache is one; the debug view and the unit tests
// build one from plain lists (snapshotFromLists).

import type { Namespace, Node, Pod, Service } from '../../api/index.ts'
import { matchesLabels, selectorFromSet } from '../../api/selectors/labels.ts'
import { NodeInfo, normalizeImage } from './node-info.ts'
import { podInfo } from './pod-info.ts'
import { PodIndex, unique, type PlacedPod } from './pod-index.ts'

export interface Snapshot {
  /** Every node the cluster has, in a stable order (by name). */
  nodes(): readonly NodeInfo[]
  node(name: string): NodeInfo | undefined
  /** A namespace's labels, for affinity terms with a namespaceSelector; undefined when unknown. */
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined
  /** How many nodes hold `image` (normalized). */
  imageNodeCount(image: string): number
  /** Services of `namespace`, for default spreading (pods of one Service spread out). */
  services(namespace: string): readonly Service[]
  /** Bound pods by label, by controller, and by the labels their affinity terms look for. */
  readonly podIndex: PodIndex
  /** Every value nodes carry for label `key` (kubernetes.io/hostname always present). */
  domainValues(key: string): ReadonlySet<string>
}

/** domainValues for a list of nodes, remembered per key until `reset()` (when nodes change). */
export class DomainValues {
  private readonly byKey = new Map<string, Set<string>>()
  private readonly nodes: () => readonly NodeInfo[]

  constructor(nodes: () => readonly NodeInfo[]) {
    this.nodes = nodes
  }

  get(key: string): ReadonlySet<string> {
    let values = this.byKey.get(key)
    if (!values) {
      values = new Set()
      for (const node of this.nodes()) {
        const value = node.labels[key]
        if (value !== undefined) values.add(value)
      }
      this.byKey.set(key, values)
    }
    return values
  }

  reset(): void {
    this.byKey.clear()
  }
}

/** True when a pod no longer holds node resources (Kubernetes frees them at Succeeded/Failed). */
export const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'

/**
 * Whether `other` belongs with `pod` for default spreading: the same controller (ReplicaSet,
 * StatefulSet, …) or a Service that selects both. Kubernetes builds one label selector from those
 * owners; asking membership directly gives the same groups without a ReplicaSet lister.
 */
export interface SpreadGroup {
  matches(other: Pod): boolean
  /** Every bound pod that may belong (a superset, each pod once), found through the index. */
  candidates(index: PodIndex): Iterable<PlacedPod>
}

export function sameSpreadGroup(pod: Pod, services: readonly Service[]): SpreadGroup | null {
  const namespace = pod.metadata.namespace
  if (namespace === undefined) return null
  const controller = pod.metadata.ownerReferences?.find((o) => o.controller)?.uid
  const selectors = services
    .map((s) => s.spec?.selector ?? {})
    .filter((selector) => Object.keys(selector).length > 0 && matchesLabels(selectorFromSet(selector), pod.metadata.labels))
  const selecting = selectors.map((selector) => selectorFromSet(selector))
  if (!controller && selecting.length === 0) return null
  return {
    matches: (other) =>
      other.metadata.namespace === namespace &&
      ((controller !== undefined && other.metadata.ownerReferences?.some((o) => o.controller && o.uid === controller) === true) ||
        selecting.some((sel) => matchesLabels(sel, other.metadata.labels))),
    candidates(index) {
      const sources: Iterable<PlacedPod>[] = []
      if (controller) sources.push(index.ofController(controller))
      for (const selector of selectors) {
        const [key, value] = Object.entries(selector)[0] ?? ['', '']
        sources.push(index.withLabel(namespace, key, value))
      }
      return unique(sources)
    },
  }
}


/** A snapshot of plain lists, for the debug view and tests. Terminal and unbound pods are left out. */
export function snapshotFromLists(lists: { nodes: readonly Node[]; pods?: readonly Pod[]; namespaces?: readonly Namespace[]; services?: readonly Service[] }): Snapshot {
  const byName = new Map<string, NodeInfo>()
  for (const node of [...lists.nodes].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
    const info = new NodeInfo(node.metadata.name ?? '')
    info.setNode(node)
    byName.set(info.name, info)
  }
  const podIndex = new PodIndex()
  for (const [i, pod] of (lists.pods ?? []).entries()) {
    const nodeName = pod.spec?.nodeName
    const node = nodeName ? byName.get(nodeName) : undefined
    if (!node || isTerminal(pod)) continue
    const info = podInfo(pod)
    node.addPod(info)
    podIndex.add(pod.metadata.uid ?? `pod-${i}`, { info, node: node.name })
  }
  const imageCounts = new Map<string, number>()
  for (const info of byName.values()) for (const image of info.images.keys()) imageCounts.set(image, (imageCounts.get(image) ?? 0) + 1)
  const nodes = [...byName.values()]
  const domains = new DomainValues(() => nodes)
  const namespaces = new Map((lists.namespaces ?? []).map((n) => [n.metadata.name ?? '', n.metadata.labels ?? {}]))
  return {
    nodes: () => nodes,
    node: (name) => byName.get(name),
    namespaceLabels: (ns) => namespaces.get(ns),
    imageNodeCount: (image) => imageCounts.get(normalizeImage(image)) ?? 0,
    services: (ns) => (lists.services ?? []).filter((s) => s.metadata.namespace === ns),
    podIndex,
    domainValues: (key) => domains.get(key),
  }
}
