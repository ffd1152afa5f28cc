// The scheduler's debug view: for one pod, every node's filter verdict (every refusing plugin, not
// just the first) and every score, as the pod's scheduler profile sees the cluster right now. Read-only
// and independent of the running scheduler: it lists nodes, pods, namespaces and services through
// the API server and runs one explain-mode cycle. A pod already bound is explained as if it were
// being placed again (its own requests are left out of its node).

import type { Namespace, Node, Pod, Service } from '../api/index.ts'
import { RESOURCES, resourceRef } from '../apiserver/resources.ts'
import type { ApiServerVerbs, RequestContext } from '../apiserver/types.ts'
import { runCycle } from './framework/cycle.ts'
import { seededRandom } from './framework/random.ts'
import { snapshotFromLists } from './framework/snapshot.ts'
import type { Code } from './framework/types.ts'
import { DEFAULT_PROFILES, DEFAULT_SCHEDULER_NAME, type Profile } from './profile.ts'
import { explainFailure } from './scheduler.ts'

export const EXPLANATION_API_VERSION = 'coxswain.dev/v1alpha1'
export const EXPLANATION_KIND = 'SchedulingExplanation'

export interface FilterVerdict {
  plugin: string
  code: Code
  reasons: string[]
}

export interface ScoreVerdict {
  plugin: string
  /** Normalized, 0–100. */
  score: number
  weight: number
  weighted: number
}

export interface NodeExplanation {
  node: string
  feasible: boolean
  /** Every plugin that refused the node; empty when feasible. */
  filters: FilterVerdict[]
  /** Feasible nodes only. */
  scores?: ScoreVerdict[]
  total?: number
}

export interface SchedulingExplanation {
  apiVersion: typeof EXPLANATION_API_VERSION
  kind: typeof EXPLANATION_KIND
  metadata: { name: string; namespace: string }
  /** Where the pod is bound now, if anywhere. */
  nodeName?: string
  /** The profile that explains it (the pod's schedulerName, else default-scheduler). */
  schedulerName: string
  /** The node that profile would choose now, or null. */
  wouldSchedule: string | null
  /** "0/3 nodes are available: …" when no node fits, else "would be placed on node-2". */
  message: string
  /** A refusal of the pod before any node was looked at (bad input, PreFilter). */
  podRefusal?: FilterVerdict
  /** Every node, best score first, then the refused ones by name. */
  nodes: NodeExplanation[]
}

export async function explainPod(api: ApiServerVerbs, namespace: string, name: string, ctx: RequestContext, profiles: readonly Profile[] = DEFAULT_PROFILES): Promise<SchedulingExplanation> {
  const pod = (await api.get(resourceRef(RESOURCES.pods, namespace, name), ctx)) as Pod
  const schedulerName = pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME
  // A pod of a scheduler Coxswain does not run is explained by the default profile.
  const profile = profiles.find((p) => p.schedulerName === schedulerName) ?? profiles[0]
  if (!profile) throw new Error('no scheduler profile to explain with')
  const [nodes, pods, namespaces, services] = await Promise.all([
    api.list(RESOURCES.nodes, {}, ctx),
    api.list(RESOURCES.pods, {}, ctx),
    api.list(RESOURCES.namespaces, {}, ctx),
    api.list(resourceRef(RESOURCES.services, namespace), {}, ctx),
  ])
  const others = (pods.items as Pod[]).filter((p) => p.metadata.uid !== pod.metadata.uid)
  const snapshot = snapshotFromLists({ nodes: nodes.items as Node[], pods: others, namespaces: namespaces.items as Namespace[], services: services.items as Service[] })
  const unbound: Pod = { ...pod, spec: { ...pod.spec, containers: pod.spec?.containers ?? [] } }
  if (unbound.spec) delete unbound.spec.nodeName
  const result = runCycle(profile, unbound, snapshot, { random: seededRandom(0), explain: true })

  const explained: NodeExplanation[] = result.verdicts.map((v) => ({
    node: v.node,
    feasible: v.refusals.length === 0,
    filters: v.refusals.map((r) => ({ plugin: r.plugin ?? '', code: r.code, reasons: r.reasons })),
    ...(v.scores ? { scores: v.scores.map((s) => ({ ...s, weighted: s.score * s.weight })), total: v.total ?? 0 } : {}),
  }))
  explained.sort((a, b) => (b.total ?? -1) - (a.total ?? -1) || a.node.localeCompare(b.node))
  return {
    apiVersion: EXPLANATION_API_VERSION,
    kind: EXPLANATION_KIND,
    metadata: { name, namespace },
    schedulerName: profile.schedulerName,
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    wouldSchedule: result.node,
    message: result.node ? `would be placed on ${result.node}` : explainFailure(result),
    ...(result.podRefusal ? { podRefusal: { plugin: result.podRefusal.plugin ?? '', code: result.podRefusal.code, reasons: result.podRefusal.reasons } } : {}),
    nodes: explained,
  }
}
