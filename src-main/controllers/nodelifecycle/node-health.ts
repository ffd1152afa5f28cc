// Is anyone still hearing from a node? Pure, from what the controller's caches hold.
//
// Two signals, the faster first:
//  1. The node's Machine says its connection is lost (phase Unreachable or Refused). The machine
//     controller writes that the moment SSH keepalive fails or the TCP connection resets (~4 s
//     for a silent fault, milliseconds for a power-off that resets the connection), and from
//     then on the node agent renews nothing. Believed only while the Lease has not been renewed
//     since the link went down, so a stale Machine in the cache never outvotes a live agent.
//  2. The heartbeat, as Kubernetes' node-monitor-grace-period: the newest of the Lease's renewTime
//     and the Ready condition's lastHeartbeatTime is older than the grace period. This covers
//     nodes without a Machine and a control plane that restarts while a node is down (counted
//     from the controller's start, so a restart does not condemn every node at once; a new Node's
//     creation counts as heard).

import type { Lease, Machine, Node } from '../../api/index.ts'

export type NodeHealth =
  | { alive: true }
  | { alive: false; reason: 'NodeStatusUnknown' | 'NodeStatusNeverUpdated'; message: string }

export interface HealthInputs {
  node: Node
  lease?: Lease
  machine?: Machine
  nowMs: number
  /** When this controller started watching: the earliest a heartbeat can be counted from. */
  startedMs: number
  gracePeriodMs: number
}

/** Times in metav1.Time have second precision: a renewal within this of the drop may precede it. */
const TIME_PRECISION_MS = 1000

const parse = (time: string | undefined): number | undefined => {
  if (!time) return undefined
  const ms = Date.parse(time)
  return Number.isNaN(ms) ? undefined : ms
}

export function nodeHealth(inputs: HealthInputs): NodeHealth {
  const { node, lease, machine, nowMs } = inputs
  const renewedMs = parse(lease?.spec?.renewTime)
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')
  const lost = connectionLostAt(machine)
  if (lost !== undefined && (renewedMs === undefined || renewedMs < lost + TIME_PRECISION_MS)) {
    const why = machine?.status?.message ?? machine?.status?.reason ?? 'the machine does not answer'
    return { alive: false, reason: ready ? 'NodeStatusUnknown' : 'NodeStatusNeverUpdated', message: `Node agent lost its connection to the node: ${why}` }
  }
  const heardMs = Math.max(renewedMs ?? 0, parse(ready?.lastHeartbeatTime) ?? 0, parse(node.metadata.creationTimestamp) ?? 0, inputs.startedMs)
  if (nowMs - heardMs <= inputs.gracePeriodMs) return { alive: true }
  if (!ready) return { alive: false, reason: 'NodeStatusNeverUpdated', message: 'Node agent never posted node status.' }
  return { alive: false, reason: 'NodeStatusUnknown', message: 'Node agent stopped posting node status.' }
}

/** When the Machine's connection went down, if it is down now. */
function connectionLostAt(machine: Machine | undefined): number | undefined {
  const phase = machine?.status?.phase
  if (phase !== 'Unreachable' && phase !== 'Refused') return undefined
  const connected = machine?.status?.conditions?.find((c) => c.type === 'Connected')
  return parse(connected?.lastTransitionTime) ?? 0
}
