// Types shared by the main process and the renderer (tsconfig.web.json includes src-main/api/**):
// what the control plane reports about itself and its node connections.

/** How the control plane's connection to one node stands. */
export type NodeConnectionState = 'connecting' | 'connected' | 'unreachable' | 'disconnected'

export interface NodeConnection {
  /** The node's name in the cluster. */
  name: string
  state: NodeConnectionState
  /** Why, in a user's words: "SSH handshake timed out after 5 s", "host key changed". */
  detail?: string
  /** ISO time the connection entered `state`. */
  since: string
}

export interface ClusterInfo {
  clusterName: string
  /** Coxswain's version, e.g. "0.1.0". */
  version: string
  /** ISO time the control plane started, null before start(). */
  startedAt: string | null
  /** Sorted by name. */
  nodes: NodeConnection[]
}
