// The node network as a per-node component of the machine controller: started when a node's
// session comes up (so every reconnect re-reads and repairs the node), stopped when it ends.

import type { NodeComponentFactory } from '../nodeagent/machines/machine-worker.ts'
import type { Logger } from '../util/log.ts'
import type { ClusterNetworkView } from './cluster-view.ts'
import { DEFAULT_CLUSTER_DNS_IP } from './service-allocation.ts'
import { DNS_PORT, ensureDnsContainer } from './dns/runtime.ts'
import { NodeNetwork, type NodeNetworkOptions, type SyncOutcome } from './node-network.ts'

export interface NetworkComponentOptions {
  view: ClusterNetworkView
  clusterCIDR: string
  serviceCIDR: string
  /** Run the cluster DNS on every node (default true). */
  dns?: boolean
  log: Logger
  timings?: NodeNetworkOptions['timings']
  /** After every pass on every node, with what it changed. */
  onSynced?: (node: string, changed: SyncOutcome) => void
}

export function networkComponent(deps: NetworkComponentOptions): NodeComponentFactory {
  return (session) => {
    let current: NodeNetwork | undefined
    return {
      start: () => {
        if (current) return
        current = new NodeNetwork({
          nodeName: session.nodeName,
          clusterCIDR: deps.clusterCIDR,
          serviceCIDR: deps.serviceCIDR,
          ...(deps.dns !== false ? { dns: { clusterIP: DEFAULT_CLUSTER_DNS_IP, port: DNS_PORT, ensure: () => ensureDnsContainer(session.host.dockerode) } } : {}),
          view: deps.view,
          exec: (argv, options) => session.host.exec(argv, options),
          log: deps.log.child({ node: session.nodeName }),
          ...(deps.timings ? { timings: deps.timings } : {}),
          ...(deps.onSynced ? { onSynced: (changed) => deps.onSynced?.(session.nodeName, changed) } : {}),
        })
        current.start()
      },
      stop: async () => {
        const stopping = current
        current = undefined
        await stopping?.stop()
      },
    }
  }
}
