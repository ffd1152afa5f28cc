// The node network as a per-node component of the machine controller: started when a node's
// session comes up (so every reconnect re-reads and repairs the node), stopped when it ends.

import type { NodeComponentFactory } from '../nodeagent/machines/machine-worker.ts'
import type { Logger } from '../util/log.ts'
import type { ClusterNetworkView } from './cluster-view.ts'
import { NodeNetwork, type NodeNetworkOptions } from './node-network.ts'

export interface NetworkComponentOptions {
  view: ClusterNetworkView
  clusterCIDR: string
  log: Logger
  timings?: NodeNetworkOptions['timings']
  onApplied?: (node: string, what: { rules: boolean; routes: number }) => void
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
          view: deps.view,
          exec: (argv, options) => session.host.exec(argv, options),
          log: deps.log.child({ node: session.nodeName }),
          ...(deps.timings ? { timings: deps.timings } : {}),
          ...(deps.onApplied ? { onApplied: (what) => deps.onApplied?.(session.nodeName, what) } : {}),
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
