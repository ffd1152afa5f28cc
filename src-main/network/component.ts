// The node network as a per-node component of the machine controller: started when a node's
// session comes up (so every reconnect re-reads and repairs the node), stopped when it ends.

import type { NodeComponentFactory } from '../nodeagent/machines/machine-worker.ts'
import type { Logger } from '../util/log.ts'
import type { ClusterNetworkView } from './cluster-view.ts'
import { DEFAULT_CLUSTER_DNS_IP } from './service-allocation.ts'
import type Docker from 'dockerode'
import { DEFAULT_DNS_DIR, DNS_PORT, ensureDnsContainer, removeDnsContainer } from './dns/runtime.ts'
import { NodeNetwork, type NodeNetworkOptions, type SyncOutcome } from './node-network.ts'

export interface NetworkComponentOptions {
  view: ClusterNetworkView
  clusterCIDR: string
  serviceCIDR: string
  /** Run the cluster DNS on every node (default true). */
  dns?: boolean
  /**
   * Where a node keeps its DNS table (default DEFAULT_DNS_DIR). The lab's nodes share one file
   * system, so each gets its own directory there.
   */
  dnsDir?: (nodeName: string) => string
  log: Logger
  timings?: NodeNetworkOptions['timings']
  /** After every pass on every node, with what it changed. */
  onSynced?: (node: string, changed: SyncOutcome) => void
}

function dnsSettings(docker: Docker, dir: string): NonNullable<NodeNetworkOptions['dns']> {
  return { clusterIP: DEFAULT_CLUSTER_DNS_IP, port: DNS_PORT, dir, ensure: () => ensureDnsContainer(docker, dir) }
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
          ...(deps.dns !== false ? { dns: dnsSettings(session.host.dockerode, deps.dnsDir?.(session.nodeName) ?? DEFAULT_DNS_DIR) } : {}),
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
      leave: async () => {
        const leaving = current
        current = undefined
        await leaving?.leave()
        if (deps.dns !== false) await removeDnsContainer(session.host.dockerode)
      },
    }
  }
}
