// Which cluster changes may let a parked pod fit, by the plugins that refused it (a small version
// of Kubernetes' EventsToRegister / queueing hints). A pod refused only for its node selector is
// not woken by every pod that comes and goes; a pod short of memory is not woken by a pod arriving.

import { NAME as INTER_POD_AFFINITY } from './plugins/inter-pod-affinity.ts'
import { NAME as NODE_AFFINITY } from './plugins/node-affinity.ts'
import { NAME as NODE_CONDITIONS } from './plugins/node-conditions.ts'
import { NAME as NODE_NAME } from './plugins/node-name.ts'
import { NAME as NODE_READY } from './plugins/node-ready.ts'
import { NAME as NODE_UNSCHEDULABLE } from './plugins/node-unschedulable.ts'
import { NAME as TAINT_TOLERATION } from './plugins/taint-toleration.ts'
import { NAME as NODE_PORTS } from './plugins/node-ports.ts'
import { NAME as NODE_RESOURCES_FIT } from './plugins/node-resources-fit.ts'
import { NAME as POD_TOPOLOGY_SPREAD } from './plugins/pod-topology-spread.ts'
import { NAME as VOLUME_RESTRICTIONS } from './plugins/volume-restrictions.ts'

export type ClusterEvent =
  /** A node joined, or changed in a way that may matter (labels, taints, cordon, allocatable, conditions, images). */
  | 'NodeChange'
  /** A bound pod went away or finished, or a placement was undone: its resources, ports and paths are free. */
  | 'PodGone'
  /** A pod was bound (or one we assumed): affinity may now be satisfiable, spreading minimums move. */
  | 'PodPlaced'
  /** A bound pod's labels changed. */
  | 'PodRelabelled'

const HELPED_BY_POD_EVENTS: Record<Exclude<ClusterEvent, 'NodeChange'>, ReadonlySet<string>> = {
  PodGone: new Set([NODE_RESOURCES_FIT, NODE_PORTS, VOLUME_RESTRICTIONS, INTER_POD_AFFINITY, POD_TOPOLOGY_SPREAD]),
  PodPlaced: new Set([INTER_POD_AFFINITY, POD_TOPOLOGY_SPREAD]),
  PodRelabelled: new Set([INTER_POD_AFFINITY, POD_TOPOLOGY_SPREAD]),
}

/**
 * Whether `event` may help a pod the plugins in `rejectedBy` refused. Node changes may help any
 * pod; an empty set (no nodes at all, or an error) waits for one. Unknown plugins (a custom
 * profile's) are woken by every event, to be safe.
 */
export function mayHelp(event: ClusterEvent, rejectedBy: ReadonlySet<string>): boolean {
  if (event === 'NodeChange') return true
  const helped = HELPED_BY_POD_EVENTS[event]
  for (const plugin of rejectedBy) if (helped.has(plugin) || !BUILT_IN.has(plugin)) return true
  return false
}

/** The default profile's filters; the ones not named above look at the node and the pod alone. */
const BUILT_IN: ReadonlySet<string> = new Set([
  NODE_UNSCHEDULABLE,
  NODE_NAME,
  TAINT_TOLERATION,
  NODE_READY,
  NODE_CONDITIONS,
  NODE_AFFINITY,
  NODE_RESOURCES_FIT,
  NODE_PORTS,
  VOLUME_RESTRICTIONS,
  INTER_POD_AFFINITY,
  POD_TOPOLOGY_SPREAD,
])
