// The Nodes list: readiness, roles, and CPU/memory requested by the pods bound to each node
// against what the node can give (allocatable, else capacity), as the scheduler counts it.

import { nodeRoles, nodeStatusText } from '../../../src-main/api/printers/columns.ts'
import { quantityMilliValue, quantityValue } from '../../../src-main/api/quantity.ts'
import type { Node } from '../../../src-main/api/types/core.ts'
import type { Container, Pod } from '../../../src-main/api/types/pod.ts'
import type { Tone } from '../connection.ts'
import type { ColumnSpec, RowContext } from './columns.ts'
import { ageColumn, nameColumn } from './common.ts'

export type ResourceName = 'cpu' | 'memory'

/** A quantity in base units (millicores for cpu, bytes for memory); 0 when absent or malformed. */
function amount(resource: ResourceName, q: string | number | undefined): number {
  if (q === undefined) return 0
  try {
    return resource === 'cpu' ? quantityMilliValue(q) : quantityValue(q)
  } catch {
    return 0
  }
}

const sumRequests = (resource: ResourceName, containers: readonly Container[] | undefined): number =>
  (containers ?? []).reduce((n, c) => n + amount(resource, c.resources?.requests?.[resource]), 0)

/**
 * What a pod asks of its node, as the scheduler counts it: the sum of its containers' requests or
 * its largest init container's, whichever is more. Finished pods ask nothing.
 */
export function podRequest(pod: Pod, resource: ResourceName): number {
  const phase = pod.status?.phase
  if (phase === 'Succeeded' || phase === 'Failed') return 0
  const app = sumRequests(resource, pod.spec?.containers)
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map((c) => amount(resource, c.resources?.requests?.[resource])))
  return Math.max(app, init)
}

export interface NodeUsage {
  requested: number
  allocatable: number
  /** requested / allocatable, 0..∞ (over 1 when overcommitted); 0 when the node reports nothing. */
  fraction: number
}

export function nodeUsage(node: Node, pods: readonly Pod[], resource: ResourceName): NodeUsage {
  const allocatable = amount(resource, node.status?.allocatable?.[resource] ?? node.status?.capacity?.[resource])
  const requested = pods.reduce((n, p) => n + podRequest(p, resource), 0)
  return { requested, allocatable, fraction: allocatable > 0 ? requested / allocatable : 0 }
}

/** Millicores as a person reads them: "250m", "1.5", "4". */
export function formatCpu(milli: number): string {
  if (milli < 1000 && milli % 1000 !== 0) return `${Math.round(milli)}m`
  return `${Number((milli / 1000).toFixed(2))}`
}

/** Bytes in binary units: "512Mi", "7.8Gi". */
export function formatBytes(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${Number(value.toFixed(value >= 10 || unit === 0 ? 0 : 1))}${units[unit]}`
}

/** "250m / 4 (6%)": requested over allocatable with the share. */
export function usageText(usage: NodeUsage, resource: ResourceName): string {
  const fmt = resource === 'cpu' ? formatCpu : formatBytes
  if (usage.allocatable === 0) return usage.requested ? `${fmt(usage.requested)} / ?` : '—'
  return `${fmt(usage.requested)} / ${fmt(usage.allocatable)} (${Math.round(usage.fraction * 100)}%)`
}

export function nodeTone(node: Node): Tone {
  const status = nodeStatusText(node)
  if (status.startsWith('Ready')) return status.includes('SchedulingDisabled') ? 'warning' : 'ok'
  return status.startsWith('NotReady') ? 'error' : 'warning'
}

const podsOn = (node: Node, ctx: RowContext): readonly Pod[] => ctx.podsByNode.get(node.metadata.name ?? '') ?? []
const runningPods = (pods: readonly Pod[]): number => pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length

export const nodeColumns: ColumnSpec<Node>[] = [
  nameColumn(),
  { id: 'status', label: 'Status', kind: 'pill', width: 'minmax(6rem, 1.2fr)', text: nodeStatusText, tone: nodeTone },
  { id: 'roles', label: 'Roles', width: 'minmax(5rem, 0.8fr)', text: (n) => nodeRoles(n).join(', ') || '—' },
  {
    id: 'cpu',
    label: 'CPU requests',
    width: 'minmax(8rem, 1.2fr)',
    description: 'CPU requested by the pods on the node / what the node can give',
    text: (n, ctx) => usageText(nodeUsage(n, podsOn(n, ctx), 'cpu'), 'cpu'),
    sortValue: (n, ctx) => nodeUsage(n, podsOn(n, ctx), 'cpu').fraction,
  },
  {
    id: 'memory',
    label: 'Memory requests',
    width: 'minmax(9rem, 1.3fr)',
    description: 'Memory requested by the pods on the node / what the node can give',
    text: (n, ctx) => usageText(nodeUsage(n, podsOn(n, ctx), 'memory'), 'memory'),
    sortValue: (n, ctx) => nodeUsage(n, podsOn(n, ctx), 'memory').fraction,
  },
  {
    id: 'pods',
    label: 'Pods',
    width: '5.5rem',
    align: 'end',
    text: (n, ctx) => `${runningPods(podsOn(n, ctx))}/${n.status?.allocatable?.pods ?? n.status?.capacity?.pods ?? '?'}`,
    sortValue: (n, ctx) => runningPods(podsOn(n, ctx)),
  },
  { id: 'docker', label: 'Docker', width: 'minmax(6rem, 0.9fr)', text: (n) => dockerVersion(n) },
  ageColumn(),
]

/** "docker://27.5.1" -> "27.5.1": the runtime is always Docker here. */
export function dockerVersion(node: Node): string {
  return (node.status?.nodeInfo?.containerRuntimeVersion ?? '').replace(/^docker:\/\//, '')
}
