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

/**
 * What the dashboard shows to let a machine in: the cluster key's public half and the one line
 * that installs it in a user's authorized_keys (the control plane's ClusterPublicKey).
 */
export interface ClusterKeyInfo {
  /** `ssh-ed25519 AAAA… coxswain@CLUSTER` */
  publicKeyLine: string
  /** `SHA256:…` of the public key. */
  fingerprint: string
  /** `mkdir -p ~/.ssh && echo '…' >> ~/.ssh/authorized_keys && …` */
  installCommand: string
}
