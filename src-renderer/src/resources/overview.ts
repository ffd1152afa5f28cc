// The Overview's cluster map: each node a building with its pods inside, coloured by state, with
// CPU and memory requested against what the node can give; pods not yet on a node wait outside.

import type { Event, Node } from '../../../src-main/api/types/core.ts'
import type { Pod } from '../../../src-main/api/types/pod.ts'
import type { Tone } from '../connection.ts'
import { groupPodsByNode } from './columns.ts'
import { eventTime } from './events.ts'
import { nodeTone, nodeUsage, type NodeUsage } from './nodes.ts'
import { podTone, summarizePod } from './pods.ts'

export interface MapPod {
  namespace: string
  name: string
  status: string
  tone: Tone
}

export interface MapBuilding {
  name: string
  tone: Tone
  status: string
  cpu: NodeUsage
  memory: NodeUsage
  pods: MapPod[]
}

const mapPod = (pod: Pod, now: number): MapPod => ({
  namespace: pod.metadata.namespace ?? '',
  name: pod.metadata.name ?? '',
  status: summarizePod(pod, now).status,
  tone: podTone(pod, now),
})

const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name, undefined, { numeric: true })

/** Buildings in name order, each with its pods in name order, and the pods on no (known) node. */
export function clusterMap(nodes: readonly Node[], pods: readonly Pod[], now: number): { buildings: MapBuilding[]; waiting: MapPod[] } {
  const onNode = groupPodsByNode(pods)
  const known = new Set(nodes.map((n) => n.metadata.name ?? ''))
  const buildings = nodes
    .map((node) => {
      const name = node.metadata.name ?? ''
      const here = onNode.get(name) ?? []
      const ready = nodeTone(node)
      return {
        name,
        tone: ready,
        status: ready === 'ok' ? 'Ready' : ready === 'error' ? 'NotReady' : node.spec?.unschedulable ? 'Cordoned' : 'Unknown',
        cpu: nodeUsage(node, here, 'cpu'),
        memory: nodeUsage(node, here, 'memory'),
        pods: here.map((p) => mapPod(p, now)).sort(byName),
      }
    })
    .sort(byName)
  const waiting = pods
    .filter((p) => !p.spec?.nodeName || !known.has(p.spec.nodeName))
    .map((p) => mapPod(p, now))
    .sort(byName)
  return { buildings, waiting }
}

export type PhaseCounts = Record<'Running' | 'Pending' | 'Succeeded' | 'Failed' | 'Unknown', number>

export function phaseCounts(pods: readonly Pod[]): PhaseCounts {
  const counts: PhaseCounts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0, Unknown: 0 }
  for (const pod of pods) counts[pod.status?.phase ?? 'Pending']++
  return counts
}

/** The newest warnings first, at most `limit`. Does not modify `events`. */
export function recentWarnings(events: readonly Event[], limit = 5): Event[] {
  return events
    .filter((e) => e.type === 'Warning')
    .sort((a, b) => eventTime(b) - eventTime(a))
    .slice(0, limit)
}

/** A bar's width in percent, capped at 100 (an overcommitted node shows full, in red). */
export function barPercent(usage: NodeUsage): number {
  return Math.min(100, Math.round(usage.fraction * 100))
}
