// Container resources as cgroup settings, with the kubelet's formulas: CPU requests become shares
// (weights), CPU limits a CFS quota, memory limits a hard limit without swap, memory requests a soft
// reservation, and the pod's QoS class an OOM score adjustment.

import { quantityMilliValue, quantityValue } from '../../api/quantity.ts'
import type { Container, PodQOSClass } from '../../api/types/pod.ts'

const MIN_SHARES = 2
const MAX_SHARES = 262144
const SHARES_PER_CPU = 1024
/** Docker refuses NanoCpus below 0.01 CPU; the kubelet's minimum CFS quota (1 ms per 100 ms) is the same. */
const MIN_NANO_CPUS = 10_000_000

export const GUARANTEED_OOM_SCORE_ADJ = -997
export const BEST_EFFORT_OOM_SCORE_ADJ = 1000
/** The infra container is the last thing to kill: the pod's network dies with it. */
export const INFRA_OOM_SCORE_ADJ = -998

/** MilliCPUToShares: 1 CPU = 1024 shares, never below 2 (also for no request at all) nor above 262144. */
export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return MIN_SHARES
  const shares = Math.floor((milliCPU * SHARES_PER_CPU) / 1000)
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares))
}

export interface DockerResources {
  CpuShares: number
  NanoCpus?: number
  Memory?: number
  MemorySwap?: number
  MemoryReservation?: number
  OomScoreAdj?: number
}

export interface ResourceContext {
  /** The pod's QoS class (status.qosClass, set by the API server on create). */
  qosClass?: PodQOSClass
  /** The node's memory capacity in bytes: needed for a Burstable container's OOM score. */
  nodeMemoryCapacity?: number
  /**
   * Whether the node's runtime may lower OOM scores (needs CAP_SYS_RESOURCE: runc fails to start a
   * container asking for a negative score without it, e.g. rootless Docker or a restricted host).
   * Without it Guaranteed containers keep the default 0, still below every Burstable (≥ 3) and
   * BestEffort (1000) container. Raising a score needs no privilege.
   */
  lowerOomScores?: boolean
}

export function containerResources(container: Container, context: ResourceContext = {}): DockerResources {
  const limits = container.resources?.limits ?? {}
  const requests = container.resources?.requests ?? {}
  const cpuRequest = requests.cpu === undefined ? 0 : quantityMilliValue(requests.cpu)
  const cpuLimit = limits.cpu === undefined ? 0 : quantityMilliValue(limits.cpu)
  // A limit without a request asks for as much as it may use (the API server defaults it so too).
  const out: DockerResources = { CpuShares: milliCPUToShares(cpuRequest === 0 && cpuLimit > 0 ? cpuLimit : cpuRequest) }
  if (cpuLimit > 0) out.NanoCpus = Math.max(MIN_NANO_CPUS, cpuLimit * 1_000_000)
  if (limits.memory !== undefined) {
    const memory = quantityValue(limits.memory)
    if (memory > 0) {
      out.Memory = memory
      out.MemorySwap = memory
    }
  }
  if (requests.memory !== undefined) {
    const reservation = quantityValue(requests.memory)
    if (reservation > 0) out.MemoryReservation = reservation
  }
  const oom = oomScoreAdj(container, context)
  if (oom !== undefined) out.OomScoreAdj = oom
  return out
}

/**
 * GetContainerOOMScoreAdjust; undefined (Docker's 0) when the QoS class or, for Burstable, the
 * node's memory is unknown, and for Guaranteed when the node may not lower scores.
 */
export function oomScoreAdj(container: Container, context: ResourceContext): number | undefined {
  switch (context.qosClass) {
    case undefined:
      return undefined
    case 'Guaranteed':
      return context.lowerOomScores ? GUARANTEED_OOM_SCORE_ADJ : undefined
    case 'BestEffort':
      return BEST_EFFORT_OOM_SCORE_ADJ
    case 'Burstable': {
      const capacity = context.nodeMemoryCapacity
      if (!capacity) return undefined
      const request = container.resources?.requests?.memory
      const requestBytes = request === undefined ? 0 : quantityValue(request)
      const adj = 1000 - Math.trunc((1000 * requestBytes) / capacity)
      if (adj < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ
      if (adj === BEST_EFFORT_OOM_SCORE_ADJ) return adj - 1
      return adj
    }
  }
}
