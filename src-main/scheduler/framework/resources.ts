// What a pod asks of a node, in the units the scheduler compares: millicores, bytes, pods, and
// any other (extended) resource by name. As Kubernetes' computePodResourceRequest: the containers
// run together, so their requests add up; init containers run one at a time before them, so the
// pod needs the larger of that sum and each init container's request.

import type { Container, Pod, ResourceList } from '../../api/index.ts'
import { quantityMilliValue, quantityValue } from '../../api/quantity.ts'

export interface Resources {
  milliCPU: number
  memory: number
  ephemeralStorage: number
  /** Extended resources (`example.com/gpu`), in whole units. */
  scalar: Record<string, number>
}

/** Kubernetes' defaults for scoring pods that request nothing (so BestEffort pods still spread). */
export const DEFAULT_MILLI_CPU_REQUEST = 100
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024

export const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {} })

/** Resources a ResourceList names; `pods` is left to the caller (it is a count, not a request). */
export function resourcesOf(list: ResourceList | undefined): Resources {
  const r = emptyResources()
  for (const [name, q] of Object.entries(list ?? {})) {
    if (name === 'cpu') r.milliCPU = quantityMilliValue(q)
    else if (name === 'memory') r.memory = quantityValue(q)
    else if (name === 'ephemeral-storage') r.ephemeralStorage = quantityValue(q)
    else if (name !== 'pods' && !name.startsWith('hugepages-')) r.scalar[name] = quantityValue(q)
  }
  return r
}

export function addResources(into: Resources, r: Resources, sign = 1): void {
  into.milliCPU += sign * r.milliCPU
  into.memory += sign * r.memory
  into.ephemeralStorage += sign * r.ephemeralStorage
  for (const [name, v] of Object.entries(r.scalar)) into.scalar[name] = (into.scalar[name] ?? 0) + sign * v
}

function maxInto(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU)
  into.memory = Math.max(into.memory, r.memory)
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage)
  for (const [name, v] of Object.entries(r.scalar)) into.scalar[name] = Math.max(into.scalar[name] ?? 0, v)
}

const requestsOf = (c: Container): Resources => resourcesOf(c.resources?.requests)

/** The pod's effective requests. Throws QuantityError for a quantity the API should have refused. */
export function podRequests(pod: Pod): Resources {
  const total = emptyResources()
  for (const c of pod.spec?.containers ?? []) addResources(total, requestsOf(c))
  for (const c of pod.spec?.initContainers ?? []) maxInto(total, requestsOf(c))
  return total
}

/** CPU and memory for scoring: a container that requests none counts Kubernetes' defaults. */
export function nonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  const sum = (cs: readonly Container[] | undefined): { milliCPU: number; memory: number }[] =>
    (cs ?? []).map((c) => {
      const req = c.resources?.requests ?? {}
      return {
        milliCPU: req.cpu !== undefined ? quantityMilliValue(req.cpu) : DEFAULT_MILLI_CPU_REQUEST,
        memory: req.memory !== undefined ? quantityValue(req.memory) : DEFAULT_MEMORY_REQUEST,
      }
    })
  const total = { milliCPU: 0, memory: 0 }
  for (const c of sum(pod.spec?.containers)) {
    total.milliCPU += c.milliCPU
    total.memory += c.memory
  }
  for (const c of sum(pod.spec?.initContainers)) {
    total.milliCPU = Math.max(total.milliCPU, c.milliCPU)
    total.memory = Math.max(total.memory, c.memory)
  }
  return total
}

/** BestEffort QoS: no container or init container requests or limits CPU or memory. */
export function isBestEffort(pod: Pod): boolean {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]
  return all.every((c) => {
    const { requests = {}, limits = {} } = c.resources ?? {}
    return requests.cpu === undefined && requests.memory === undefined && limits.cpu === undefined && limits.memory === undefined
  })
}
