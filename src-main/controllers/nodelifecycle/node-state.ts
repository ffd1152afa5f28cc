// What the node-lifecycle controller writes on a Node. Pure.
//
// Ownership: the node agent posts the conditions while it hears the node (Ready True, or False
// when Docker is down); this controller only marks them Unknown once nobody hears the node, as
// kube-controller-manager does for kubelet. Taints with the node.kubernetes.io/ keys below are this
// controller's alone, derived from the conditions and spec.unschedulable (TaintNodesByCondition);
// every other taint is the user's and kept as it is.

import type { Node, NodeCondition, Taint } from '../../api/index.ts'
import {
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  sameTaint,
} from '../../api/taints.ts'

/** The conditions the node agent posts, which go Unknown together when it falls silent. */
export const AGENT_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const

type ManagedTaint = Pick<Taint, 'key' | 'effect'>

/** Every taint this controller may add or remove. */
export const MANAGED_TAINTS: readonly ManagedTaint[] = [
  { key: TAINT_NOT_READY, effect: 'NoSchedule' },
  { key: TAINT_NOT_READY, effect: 'NoExecute' },
  { key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
  { key: TAINT_UNREACHABLE, effect: 'NoExecute' },
  { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' },
  { key: TAINT_MEMORY_PRESSURE, effect: 'NoSchedule' },
  { key: TAINT_DISK_PRESSURE, effect: 'NoSchedule' },
  { key: TAINT_PID_PRESSURE, effect: 'NoSchedule' },
]

const isManaged = (t: Taint): boolean => MANAGED_TAINTS.some((m) => sameTaint(m, t))

export function condition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type)
}

/**
 * The agent's conditions set to Unknown (a new array; `conditions` is not modified). Heartbeats
 * are kept: they say when the node was last heard. Undefined when nothing would change.
 */
export function unknownConditions(conditions: readonly NodeCondition[] | undefined, reason: string, message: string, now: string): NodeCondition[] | undefined {
  const next = (conditions ?? []).map((c) => ({ ...c }))
  let changed = false
  for (const type of AGENT_CONDITIONS) {
    const current = next.find((c) => c.type === type)
    if (current?.status === 'Unknown') continue
    changed = true
    const unknown: NodeCondition = { type, status: 'Unknown', reason, message, lastTransitionTime: now }
    if (current?.lastHeartbeatTime) unknown.lastHeartbeatTime = current.lastHeartbeatTime
    if (current) Object.assign(current, unknown)
    else next.push(unknown)
  }
  return changed ? next : undefined
}

export interface TaintOptions {
  /** No unreachable NoExecute taint (every node is unreachable: the fault is probably the control plane's). */
  holdUnreachableEviction?: boolean
}

/** The managed taints the node's state calls for. */
export function wantedTaints(node: Node, options: TaintOptions = {}): ManagedTaint[] {
  const wanted: ManagedTaint[] = []
  const ready = condition(node, 'Ready')?.status
  if (ready === 'False') wanted.push({ key: TAINT_NOT_READY, effect: 'NoSchedule' }, { key: TAINT_NOT_READY, effect: 'NoExecute' })
  if (ready === 'Unknown') {
    wanted.push({ key: TAINT_UNREACHABLE, effect: 'NoSchedule' })
    if (!options.holdUnreachableEviction) wanted.push({ key: TAINT_UNREACHABLE, effect: 'NoExecute' })
  }
  if (node.spec?.unschedulable) wanted.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' })
  if (condition(node, 'MemoryPressure')?.status === 'True') wanted.push({ key: TAINT_MEMORY_PRESSURE, effect: 'NoSchedule' })
  if (condition(node, 'DiskPressure')?.status === 'True') wanted.push({ key: TAINT_DISK_PRESSURE, effect: 'NoSchedule' })
  if (condition(node, 'PIDPressure')?.status === 'True') wanted.push({ key: TAINT_PID_PRESSURE, effect: 'NoSchedule' })
  return wanted
}

/**
 * The node's taints with the managed ones made to match its state: the user's taints untouched and
 * in place, a managed taint that stays keeps its timeAdded (eviction deadlines count from it), a new
 * one gets `now`. Undefined when nothing would change.
 */
export function reconcileTaints(node: Node, now: string, options: TaintOptions = {}): Taint[] | undefined {
  const current = node.spec?.taints ?? []
  const wanted = wantedTaints(node, options)
  const next: Taint[] = current.filter((t) => !isManaged(t) || wanted.some((w) => sameTaint(w, t)))
  for (const w of wanted) {
    if (next.some((t) => sameTaint(w, t))) continue
    next.push(w.effect === 'NoExecute' ? { ...w, timeAdded: now } : { ...w })
  }
  const same = next.length === current.length && next.every((t, i) => t === current[i])
  return same ? undefined : next
}
