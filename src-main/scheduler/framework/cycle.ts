// One scheduling cycle for one pod, pure over a snapshot:
//
//   PreFilter ─▶ Filter each node, from a rotating start, until enough feasible nodes are found
//     ─▶ PreScore ─▶ Score each feasible node per plugin ─▶ normalize ─▶ × weight ─▶ sum
//     ─▶ the best node (ties: a seeded reservoir draw)
//
// In explain mode every node goes through every filter and every feasible node is scored, so the
// debug view can show each node's full verdict; normal cycles stop at a node's first refusal and,
// in large clusters, after enough feasible nodes (Kubernetes' percentageOfNodesToScore).

import type { Pod } from '../../api/index.ts'
import type { Profile } from '../profile.ts'
import type { NodeInfo } from './node-info.ts'
import { podInfo, type PodInfo } from './pod-info.ts'
import type { Snapshot } from './snapshot.ts'
import type { Random } from './random.ts'
import { CycleState, isFilter, isPreFilter, isPreScore, isScore, type NodeScore, type Status } from './types.ts'
import { POD_INFO_KEY } from '../plugins/node-resources-fit.ts'

export interface PluginScore {
  plugin: string
  /** After normalization, 0–100. */
  score: number
  weight: number
}

export interface NodeVerdict {
  node: string
  /** Refusals, one per refusing plugin (only the first unless explaining). Empty: feasible. */
  refusals: Status[]
  /** For feasible nodes that were scored (explain mode only). */
  scores?: PluginScore[]
  total?: number
}

export interface CycleResult {
  /** The chosen node, or null when none fits. */
  node: string | null
  /** Every node the cycle looked at, in the order looked at (all nodes when none fit or explaining). */
  verdicts: NodeVerdict[]
  /** A refusal of the pod itself (PreFilter or bad input), applied to every node. */
  podRefusal: Status | null
  /** Nodes in the snapshot. */
  allNodes: number
  /** Where the next cycle should start filtering (rotates so every node gets its turn). */
  nextStartIndex: number
}

export interface CycleOptions {
  random: Random
  startIndex?: number
  explain?: boolean
  /** The PodInfo when the caller has it (the queue keeps one per pod). */
  info?: PodInfo
}

/** How many feasible nodes to find before scoring, as Kubernetes' numFeasibleNodesToFind. */
export function feasibleNodesToFind(allNodes: number, percentage: number | undefined): number {
  const minimum = 100
  if (allNodes < minimum || percentage === 100) return allNodes
  let pct = percentage ?? 0
  if (pct <= 0) pct = Math.max(5, 50 - Math.floor(allNodes / 125))
  return Math.max(minimum, Math.floor((allNodes * pct) / 100))
}

export function runCycle(profile: Profile, pod: Pod, snapshot: Snapshot, options: CycleOptions): CycleResult {
  const nodes = snapshot.nodes()
  const base: Omit<CycleResult, 'node' | 'verdicts' | 'podRefusal'> = { allNodes: nodes.length, nextStartIndex: options.startIndex ?? 0 }
  const state = new CycleState()
  let info: PodInfo
  try {
    info = options.info ?? podInfo(pod)
  } catch (err) {
    return { ...base, node: null, verdicts: [], podRefusal: { code: 'Error', reasons: [`invalid pod: ${(err as Error).message}`] } }
  }
  state.write(POD_INFO_KEY, info)

  for (const plugin of profile.plugins) {
    if (!isPreFilter(plugin)) continue
    const status = plugin.preFilter(state, pod, snapshot)
    if (status) return { ...base, node: null, verdicts: [], podRefusal: { ...status, plugin: plugin.name } }
  }

  const filters = profile.plugins.filter(isFilter)
  const verdicts: NodeVerdict[] = []
  const feasible: NodeInfo[] = []
  const want = options.explain ? nodes.length : feasibleNodesToFind(nodes.length, profile.percentageOfNodesToScore)
  const start = nodes.length > 0 ? (options.startIndex ?? 0) % nodes.length : 0
  let looked = 0
  for (; looked < nodes.length && feasible.length < want; looked++) {
    const node = nodes[(start + looked) % nodes.length]
    if (!node) continue
    const refusals: Status[] = []
    if (state.nodeNames && !state.nodeNames.has(node.name) && state.nodeNamesBy) {
      refusals.push({ code: 'UnschedulableAndUnresolvable', reasons: [state.nodeNamesBy.reason], plugin: state.nodeNamesBy.plugin })
    } else {
      for (const plugin of filters) {
        const status = plugin.filter(state, pod, node)
        if (!status) continue
        refusals.push({ ...status, plugin: plugin.name })
        if (!options.explain) break
      }
    }
    verdicts.push({ node: node.name, refusals })
    if (refusals.length === 0) feasible.push(node)
  }
  const nextStartIndex = nodes.length > 0 ? (start + looked) % nodes.length : 0
  if (feasible.length === 0) return { ...base, node: null, verdicts, podRefusal: null, nextStartIndex }

  const chosen = feasible.length === 1 && !options.explain ? feasible[0] : score(profile, state, pod, feasible, snapshot, options.explain ? verdicts : null, options.random)
  return { ...base, node: chosen?.name ?? null, verdicts, podRefusal: null, nextStartIndex }
}

/** Scores the feasible nodes and picks one; with `verdicts`, records each node's scores there too. */
function score(profile: Profile, state: CycleState, pod: Pod, feasible: NodeInfo[], snapshot: Snapshot, verdicts: NodeVerdict[] | null, random: Random): NodeInfo | undefined {
  for (const plugin of profile.plugins) if (isPreScore(plugin)) plugin.preScore(state, pod, feasible, snapshot)
  const totals = new Array<number>(feasible.length).fill(0)
  const perNode: PluginScore[][] | null = verdicts ? feasible.map(() => []) : null
  for (const plugin of profile.plugins) {
    if (!isScore(plugin)) continue
    const weight = profile.weights[plugin.name] ?? 1
    if (weight === 0) continue
    const scores: NodeScore[] = feasible.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) }))
    plugin.normalize?.(state, pod, scores)
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]?.score ?? 0
      totals[i] = (totals[i] ?? 0) + s * weight
      perNode?.[i]?.push({ plugin: plugin.name, score: s, weight })
    }
  }
  if (verdicts && perNode) {
    const byName = new Map(verdicts.map((v) => [v.node, v]))
    feasible.forEach((n, i) => {
      const v = byName.get(n.name)
      if (v) {
        v.scores = perNode[i] ?? []
        v.total = totals[i] ?? 0
      }
    })
  }
  // Reservoir sampling over the best: each tied node equally likely, reproducible by seed.
  let best = -Infinity
  let chosen: NodeInfo | undefined
  let ties = 0
  for (let i = 0; i < feasible.length; i++) {
    const total = totals[i] ?? 0
    if (total > best) {
      best = total
      chosen = feasible[i]
      ties = 1
    } else if (total === best) {
      ties++
      if (random() * ties < 1) chosen = feasible[i]
    }
  }
  return chosen
}
