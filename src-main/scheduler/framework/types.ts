// The scheduler framework's contracts, after Kubernetes' pkg/scheduler/framework: one small
// interface per extension point, a Status that says why a node was refused, and a per-cycle state
// plugins use to hand PreFilter/PreScore work to their Filter/Score calls.
//
//   PreFilter (once per pod) → Filter (every node) → PreScore (once) → Score (feasible nodes)
//     → NormalizeScore (per plugin, to 0–MAX_NODE_SCORE) → × weight → sum → best node
//
// Plugins are stateless: everything a cycle learns lives in its CycleState, so one plugin object
// serves every pod and the debug view can rerun a cycle without disturbing the scheduler.

import type { Pod } from '../../api/index.ts'
import type { NodeInfo } from './node-info.ts'
import type { Snapshot } from './snapshot.ts'

/** Scores are 0–100, as Kubernetes' framework.MaxNodeScore (the seed's priorities were 0–10). */
export const MAX_NODE_SCORE = 100
export const MIN_NODE_SCORE = 0

export type Code =
  /** The node (or the pod, at PreFilter) cannot take the pod now; a cluster change may fix it. */
  | 'Unschedulable'
  /** As Unschedulable, but no change to other pods helps (the node's own labels, name, cordon). */
  | 'UnschedulableAndUnresolvable'
  /** Something broke (bad input the API let through, a bug): the pod is retried with backoff. */
  | 'Error'

/** A refusal. `null` stands for success everywhere, as nil does in Kubernetes. */
export interface Status {
  code: Code
  /** Plain words, counted per reason in "0/3 nodes are available: 2 Insufficient memory". */
  reasons: string[]
  /** The plugin that refused (set by the framework). */
  plugin?: string
}

export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons })
export const unresolvable = (...reasons: string[]): Status => ({ code: 'UnschedulableAndUnresolvable', reasons })
export const error = (reason: string): Status => ({ code: 'Error', reasons: [reason] })

/** Data one scheduling cycle shares between a plugin's extension points, by plugin name. */
export class CycleState {
  private readonly data = new Map<string, unknown>()
  /** Set by a PreFilter that knows the only nodes worth filtering (a DaemonSet pod's node); null: all. */
  nodeNames: ReadonlySet<string> | null = null
  /** The plugin that set nodeNames, and the reason the other nodes get in explanations. */
  nodeNamesBy: { plugin: string; reason: string } | null = null

  write(key: string, value: unknown): void {
    this.data.set(key, value)
  }

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined
  }
}

interface Named {
  readonly name: string
}

/** Runs once per pod before any node is looked at; a refusal fails every node with its reasons. */
export interface PreFilterPlugin extends Named {
  preFilter(state: CycleState, pod: Pod, snapshot: Snapshot): Status | null
}

export interface FilterPlugin extends Named {
  filter(state: CycleState, pod: Pod, node: NodeInfo): Status | null
}

/** Runs once per pod with the feasible nodes, before Score. */
export interface PreScorePlugin extends Named {
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], snapshot: Snapshot): void
}

export interface NodeScore {
  name: string
  score: number
}

export interface ScorePlugin extends Named {
  /** A raw score for one feasible node. Either 0–MAX_NODE_SCORE already, or normalized below. */
  score(state: CycleState, pod: Pod, node: NodeInfo): number
  /** Rescales the raw scores of every feasible node to 0–MAX_NODE_SCORE, in place. */
  normalize?(state: CycleState, pod: Pod, scores: NodeScore[]): void
}

export type Plugin = Partial<PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin> & Named

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof p.preFilter === 'function'
export const isFilter = (p: Plugin): p is FilterPlugin => typeof p.filter === 'function'
export const isPreScore = (p: Plugin): p is PreScorePlugin => typeof p.preScore === 'function'
export const isScore = (p: Plugin): p is ScorePlugin => typeof p.score === 'function'
