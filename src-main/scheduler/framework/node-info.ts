// One node as the scheduler sees it: the Node object and the pods the scheduler counts on it (bound
// by the API, or assumed by this scheduler and not yet echoed back), with their sums kept current
// as pods come and go so no cycle has to add them up again.

import type { Node } from '../../api/index.ts'
import { quantityValue } from '../../api/quantity.ts'
import type { PodInfo, HostPort } from './pod-info.ts'
import { addResources, emptyResources, resourcesOf, type Resources } from './resources.ts'

export const HOSTNAME_LABEL = 'kubernetes.io/hostname'

export class NodeInfo {
  readonly name: string
  /** Null while pods name a node the cache has not seen (or no longer has). */
  node: Node | null = null
  allocatable: Resources = emptyResources()
  allowedPods = 0
  /** Image name (normalized, see normalizeImage) → size in bytes, from status.images. */
  images = new Map<string, number>()
  readonly pods = new Map<string, PodInfo>()
  readonly requested: Resources = emptyResources()
  readonly nonZeroRequested = { milliCPU: 0, memory: 0 }
  readonly usedPorts: HostPort[] = []

  constructor(name: string) {
    this.name = name
  }

  /** The node's labels, with kubernetes.io/hostname always present (kubelet always sets it). */
  labels: Readonly<Record<string, string>> = {}
  /** The Ready condition's status; undefined while the node has reported none. */
  ready: string | undefined
  /** Condition types whose status is True (MemoryPressure, DiskPressure, …), Ready aside. */
  trueConditions: ReadonlySet<string> = new Set()

  setNode(node: Node): void {
    this.node = node
    this.labels = { [HOSTNAME_LABEL]: this.name, ...node.metadata.labels }
    this.ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status
    this.trueConditions = new Set((node.status?.conditions ?? []).filter((c) => c.status === 'True' && c.type !== 'Ready').map((c) => c.type))
    const allocatable = node.status?.allocatable ?? {}
    this.allocatable = resourcesOf(allocatable)
    this.allowedPods = allocatable.pods !== undefined ? quantityValue(allocatable.pods) : 0
    this.images = new Map()
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) this.images.set(normalizeImage(name), image.sizeBytes ?? 0)
    }
  }

  addPod(info: PodInfo): void {
    const uid = info.pod.metadata.uid ?? info.key
    if (this.pods.has(uid)) this.removePod(uid)
    this.pods.set(uid, info)
    this.account(info, 1)
  }

  removePod(uid: string): PodInfo | undefined {
    const info = this.pods.get(uid)
    if (!info) return undefined
    this.pods.delete(uid)
    this.account(info, -1)
    return info
  }

  private account(info: PodInfo, sign: 1 | -1): void {
    addResources(this.requested, info.requests, sign)
    this.nonZeroRequested.milliCPU += sign * info.nonZero.milliCPU
    this.nonZeroRequested.memory += sign * info.nonZero.memory
    for (const port of info.hostPorts) {
      if (sign > 0) this.usedPorts.push(port)
      else {
        const i = this.usedPorts.indexOf(port)
        if (i >= 0) this.usedPorts.splice(i, 1)
      }
    }
  }
}

/**
 * Docker's and Kubernetes' spellings of one image made equal: `nginx` = `nginx:latest` =
 * `docker.io/library/nginx:latest`. Digests are kept as written.
 */
export function normalizeImage(image: string): string {
  let name = image
  const lastSlash = name.lastIndexOf('/')
  if (!name.includes('@') && !name.slice(lastSlash + 1).includes(':')) name += ':latest'
  if (name.startsWith('docker.io/')) name = name.slice('docker.io/'.length)
  if (name.startsWith('library/')) name = name.slice('library/'.length)
  return name
}
