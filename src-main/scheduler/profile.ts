// Scheduler profiles: which plugins run, in which order, with which score weights. The default
// profile is Kubernetes' default one (weights included) plus Coxswain's NodeReady and
// NodeConditions filters, which stand in for the taints a node lifecycle adds.

import type { Plugin } from './framework/types.ts'
import { nodeName } from './plugins/node-name.ts'
import { nodeUnschedulable } from './plugins/node-unschedulable.ts'
import { nodeReady } from './plugins/node-ready.ts'
import { nodeConditions } from './plugins/node-conditions.ts'
import { taintToleration } from './plugins/taint-toleration.ts'
import { nodeAffinity } from './plugins/node-affinity.ts'
import { nodePorts } from './plugins/node-ports.ts'
import { nodeResourcesFit, type ScoringStrategy } from './plugins/node-resources-fit.ts'
import { volumeRestrictions } from './plugins/volume-restrictions.ts'
import { podTopologySpread } from './plugins/pod-topology-spread.ts'
import { interPodAffinity } from './plugins/inter-pod-affinity.ts'
import { balancedAllocation } from './plugins/balanced-allocation.ts'
import { imageLocality } from './plugins/image-locality.ts'

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler'
/** The second built-in profile: MostAllocated packs pods onto as few machines as fit them. */
export const BIN_PACKING_SCHEDULER_NAME = 'bin-packing-scheduler'

export interface Profile {
  /** The spec.schedulerName pods pick this profile by. */
  schedulerName: string
  /** In run order: PreFilter, Filter, PreScore and Score each go through this list. */
  plugins: readonly Plugin[]
  /** Score weight per plugin name; a score plugin without one weighs 1. */
  weights: Readonly<Record<string, number>>
  /**
   * Share of nodes to find feasible before scoring (Kubernetes' percentageOfNodesToScore); 0 or
   * unset: adaptive, 50 % at 100 nodes falling to 5 % at 5,625 and beyond, never under 100 nodes.
   */
  percentageOfNodesToScore?: number
}

export const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = {
  TaintToleration: 3,
  NodeAffinity: 2,
  NodeResourcesFit: 1,
  PodTopologySpread: 2,
  InterPodAffinity: 2,
  NodeResourcesBalancedAllocation: 1,
  ImageLocality: 1,
}

export interface ProfileOptions {
  schedulerName?: string
  /** LeastAllocated (spread load, default) or MostAllocated (pack nodes, free whole machines). */
  scoring?: ScoringStrategy
  /** Plugin names to leave out. */
  disabled?: readonly string[]
  /** Weights overriding DEFAULT_WEIGHTS. */
  weights?: Readonly<Record<string, number>>
  percentageOfNodesToScore?: number
}

export function defaultProfile(options: ProfileOptions = {}): Profile {
  const all: Plugin[] = [
    nodeUnschedulable,
    nodeName,
    taintToleration,
    nodeReady,
    nodeConditions,
    nodeAffinity,
    nodePorts,
    nodeResourcesFit(options.scoring ?? 'LeastAllocated'),
    volumeRestrictions,
    podTopologySpread,
    interPodAffinity,
    balancedAllocation,
    imageLocality,
  ]
  const disabled = new Set(options.disabled ?? [])
  return {
    schedulerName: options.schedulerName ?? DEFAULT_SCHEDULER_NAME,
    plugins: all.filter((p) => !disabled.has(p.name)),
    weights: { ...DEFAULT_WEIGHTS, ...options.weights },
    ...(options.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: options.percentageOfNodesToScore } : {}),
  }
}

/**
 * The profiles the scheduler runs by default, picked by `spec.schedulerName`: `default-scheduler`
 * (empty too) spreads load; `bin-packing-scheduler` fills the busiest machine that fits first, so
 * others stay free (or can be switched off).
 */
export const DEFAULT_PROFILES: readonly Profile[] = [defaultProfile(), defaultProfile({ schedulerName: BIN_PACKING_SCHEDULER_NAME, scoring: 'MostAllocated' })]
