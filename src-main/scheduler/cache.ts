// The scheduler's view of the cluster, kept current from the informers: every node with the pods
// counted on it. Pods this scheduler has just placed are *assumed* here at once — before the
// binding is written and echoed back by the watch — so the next cycle, microseconds later, sees
// their requests, ports and labels (a burst of 30 pods spreads instead of landing on one node).
// The informer's echo confirms an assumed pod; a failed binding forgets it.
//
// Implements Snapshot: cycles read the cache directly (the scheduler runs one cycle at a time and
// the cache only changes between cycles).

import type { Namespace, Node, Pod, Service } from '../api/index.ts'
import { NodeInfo, normalizeImage } from './framework/node-info.ts'
import { podInfo, type PodInfo } from './framework/pod-info.ts'
import { DomainValues, isTerminal, type Snapshot } from './framework/snapshot.ts'
import { PodIndex } from './framework/pod-index.ts'

interface PodState {
  info: PodInfo
  node: string
  assumed: boolean
}

export class SchedulerCache implements Snapshot {
  private readonly infos = new Map<string, NodeInfo>()
  private readonly podStates = new Map<string, PodState>()
  private readonly imageCounts = new Map<string, number>()
  private readonly namespaceLabelsByName = new Map<string, Readonly<Record<string, string>>>()
  private readonly servicesByNamespace = new Map<string, Map<string, Service>>()
  private list: NodeInfo[] | null = null
  readonly podIndex = new PodIndex()
  private readonly domains = new DomainValues(() => this.nodes())

  // --- Snapshot ---------------------------------------------------------------------------------

  nodes(): readonly NodeInfo[] {
    if (!this.list) this.list = [...this.infos.values()].filter((n) => n.node !== null).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    return this.list
  }

  node(name: string): NodeInfo | undefined {
    const info = this.infos.get(name)
    return info?.node ? info : undefined
  }

  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined {
    return this.namespaceLabelsByName.get(namespace)
  }

  imageNodeCount(image: string): number {
    return this.imageCounts.get(normalizeImage(image)) ?? 0
  }

  domainValues(key: string): ReadonlySet<string> {
    return this.domains.get(key)
  }

  services(namespace: string): readonly Service[] {
    return [...(this.servicesByNamespace.get(namespace)?.values() ?? [])]
  }

  // --- Nodes ------------------------------------------------------------------------------------

  setNode(node: Node): void {
    const name = node.metadata.name ?? ''
    let info = this.infos.get(name)
    if (!info) this.infos.set(name, (info = new NodeInfo(name)))
    if (!info.node) this.list = null
    // Heartbeats change nothing here; only new labels change the topology domains.
    if (!info.node || JSON.stringify(info.node.metadata.labels) !== JSON.stringify(node.metadata.labels)) this.domains.reset()
    this.countImages(info, -1)
    info.setNode(node)
    this.countImages(info, 1)
  }

  removeNode(name: string): void {
    const info = this.infos.get(name)
    if (!info) return
    this.countImages(info, -1)
    this.list = null
    this.domains.reset()
    // Pods still bound there keep their entry until they go, as Kubernetes' cache keeps a ghost node.
    if (info.pods.size === 0) this.infos.delete(name)
    else info.node = null
  }

  private countImages(info: NodeInfo, by: number): void {
    if (!info.node) return
    for (const image of info.images.keys()) {
      const n = (this.imageCounts.get(image) ?? 0) + by
      if (n > 0) this.imageCounts.set(image, n)
      else this.imageCounts.delete(image)
    }
  }

  // --- Pods -------------------------------------------------------------------------------------

  /** A pod as the informer reports it: counted on its node while bound and not terminal. */
  setPod(pod: Pod): void {
    const uid = pod.metadata.uid ?? ''
    const nodeName = pod.spec?.nodeName
    if (isTerminal(pod)) {
      this.removePod(uid)
      return
    }
    // Unbound in the informer but assumed here: an older event than our binding; keep the assumption.
    if (!nodeName) {
      if (!this.isAssumed(uid)) this.removePod(uid)
      return
    }
    let info: PodInfo
    try {
      info = podInfo(pod)
    } catch {
      // A pod the API should have refused: count nothing rather than stop the cache.
      this.removePod(uid)
      return
    }
    this.place(uid, { info, node: nodeName, assumed: false })
  }

  /** Stops counting a pod; true when it was counted somewhere. */
  removePod(uid: string): boolean {
    const state = this.podStates.get(uid)
    if (!state) return false
    this.podStates.delete(uid)
    this.podIndex.remove(uid, state.info)
    const node = this.infos.get(state.node)
    node?.removePod(uid)
    if (node && !node.node && node.pods.size === 0) this.infos.delete(state.node)
    return true
  }

  /** Counts `info`'s pod on `nodeName` before its binding is echoed. */
  assume(info: PodInfo, nodeName: string): void {
    const uid = info.pod.metadata.uid ?? ''
    const pod: Pod = { ...info.pod, spec: { ...info.pod.spec, containers: info.pod.spec?.containers ?? [], nodeName } }
    this.place(uid, { info: { ...info, pod }, node: nodeName, assumed: true })
  }

  /** Drops an assumed pod whose binding failed (a confirmed one stays). */
  forget(uid: string): void {
    if (this.podStates.get(uid)?.assumed) this.removePod(uid)
  }

  isAssumed(uid: string): boolean {
    return this.podStates.get(uid)?.assumed === true
  }

  private place(uid: string, state: PodState): void {
    const previous = this.podStates.get(uid)
    if (previous) {
      if (previous.node !== state.node) this.infos.get(previous.node)?.removePod(uid)
      this.podIndex.remove(uid, previous.info)
    }
    this.podStates.set(uid, state)
    this.podIndex.add(uid, { info: state.info, node: state.node })
    let node = this.infos.get(state.node)
    if (!node) this.infos.set(state.node, (node = new NodeInfo(state.node)))
    node.addPod(state.info)
  }

  // --- Namespaces and services --------------------------------------------------------------------

  setNamespace(ns: Namespace): void {
    this.namespaceLabelsByName.set(ns.metadata.name ?? '', ns.metadata.labels ?? {})
  }

  removeNamespace(name: string): void {
    this.namespaceLabelsByName.delete(name)
  }

  setService(service: Service): void {
    const ns = service.metadata.namespace ?? ''
    let byName = this.servicesByNamespace.get(ns)
    if (!byName) this.servicesByNamespace.set(ns, (byName = new Map()))
    byName.set(service.metadata.name ?? '', service)
  }

  removeService(service: Service): void {
    this.servicesByNamespace.get(service.metadata.namespace ?? '')?.delete(service.metadata.name ?? '')
  }
}
