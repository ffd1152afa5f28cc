// What one scheduling cycle reads of the cluster: the nodes with their pods, and the few
// cluster-wide facts plugins need. The scheduler's cache is one; the debug view and the unit tests
// build one from plain lists (fromLists).

import type { Namespace, Node, Pod, Service } from '../../api/index.ts'
import { matchesLabels, selectorFromSet } from '../../api/selectors/labels.ts'
import { NodeInfo, normalizeImage } from './node-info.ts'
import { podInfo } from './pod-info.ts'

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
}

/** True when a pod no longer holds node resources (Kubernetes frees them at Succeeded/Failed). */
export const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'

/**
 * Whether `other` belongs with `pod` for default spreading: the same controller (ReplicaSet,
 * StatefulSet, …) or a Service that selects both. Kubernetes builds one label selector from those
 * owners; asking membership directly gives the same groups without a ReplicaSet lister.
 */
export function sameSpreadGroup(pod: Pod, services: readonly Service[]): ((other: Pod) => boolean) | null {
  if (pod.metadata.namespace === undefined) return null
  const controller = pod.metadata.ownerReferences?.find((o) => o.controller)?.uid
  const selecting = services
    .filter((s) => s.spec?.selector && Object.keys(s.spec.selector).length > 0)
    .map((s) => selectorFromSet(s.spec?.selector))
    .filter((sel) => matchesLabels(sel, pod.metadata.labels))
  if (!controller && selecting.length === 0) return null
  return (other) =>
    other.metadata.namespace === pod.metadata.namespace &&
    ((controller !== undefined && other.metadata.ownerReferences?.some((o) => o.controller && o.uid === controller) === true) ||
      selecting.some((sel) => matchesLabels(sel, other.metadata.labels)))
}

/** A snapshot of plain lists, for the debug view and tests. Terminal and unbound pods are left out. */
export function snapshotFromLists(lists: { nodes: readonly Node[]; pods?: readonly Pod[]; namespaces?: readonly Namespace[]; services?: readonly Service[] }): Snapshot {
  const byName = new Map<string, NodeInfo>()
  for (const node of [...lists.nodes].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
    const info = new NodeInfo(node.metadata.name ?? '')
    info.setNode(node)
    byName.set(info.name, info)
  }
  for (const pod of lists.pods ?? []) {
    const nodeName = pod.spec?.nodeName
    if (!nodeName || isTerminal(pod)) continue
    byName.get(nodeName)?.addPod(podInfo(pod))
  }
  const imageCounts = new Map<string, number>()
  for (const info of byName.values()) for (const image of info.images.keys()) imageCounts.set(image, (imageCounts.get(image) ?? 0) + 1)
  const nodes = [...byName.values()]
  const namespaces = new Map((lists.namespaces ?? []).map((n) => [n.metadata.name ?? '', n.metadata.labels ?? {}]))
  return {
    nodes: () => nodes,
    node: (name) => byName.get(name),
    namespaceLabels: (ns) => namespaces.get(ns),
    imageNodeCount: (image) => imageCounts.get(normalizeImage(image)) ?? 0,
    services: (ns) => (lists.services ?? []).filter((s) => s.metadata.namespace === ns),
  }
}
