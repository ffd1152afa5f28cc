// coxswain.dev/v1alpha1 Machine: a machine Coxswain drives as a node. The object holds how to
// reach the machine's Docker engine (over SSH, or this machine's own socket); its name is the
// name of the core/v1 Node the machine's agent registers. See docs/machines.md.

import type { ConditionStatus, KubeObject, Time } from './meta.ts'

/**
 * - `ClusterKey`: the cluster's own ed25519 key (generated at first start; the user installs its
 *   public half in the machine's authorized_keys).
 * - `Agent`: the ssh-agent of the user running Coxswain ($SSH_AUTH_SOCK).
 * - `KeyFile`: a private key file readable by Coxswain (the lab, power users).
 */
export type MachineAuthType = 'ClusterKey' | 'Agent' | 'KeyFile'

export interface MachineAuth {
  type: MachineAuthType
  /** KeyFile only: absolute path of an OpenSSH private key (unencrypted). */
  path?: string
}

export interface MachineSpec {
  /** Host name or IP address of the machine's sshd. Not for local machines. */
  address?: string
  /** sshd's port. Default 22. */
  port?: number
  /** SSH user: root, or a user with passwordless sudo for network features. */
  user?: string
  /** Default `{ type: ClusterKey }`. */
  auth?: MachineAuth
  /** The host key the machine must present (`SHA256:…`, as `ssh-keygen -lf` prints it). Required unless trustOnFirstUse. */
  hostKeyFingerprint?: string
  /** Accept and pin whatever key the machine presents on the first connection. */
  trustOnFirstUse?: boolean
  /** The Docker socket on the machine. Default /var/run/docker.sock. */
  dockerSocket?: string
  /** This machine's own Docker engine, over its unix socket: no SSH. */
  local?: boolean
  /** Registers the node cordoned; changing it cordons or uncordons the node. */
  unschedulable?: boolean
}

export type MachinePhase = 'Connecting' | 'Connected' | 'Unreachable' | 'Refused'
/** What the SSH user may do: network features (routes, iptables) need root or passwordless sudo. */
export type MachinePrivilege = 'root' | 'sudo' | 'none'

export interface MachineCondition {
  /** `Connected` or `DockerReachable`. */
  type: string
  status: ConditionStatus
  lastTransitionTime?: Time
  reason?: string
  message?: string
}

export interface MachineStatus {
  phase?: MachinePhase
  /** One CamelCase word: HostKeyMismatch, AuthenticationFailed, NoRoute, KeepaliveTimeout… */
  reason?: string
  /** For people: what happened and what to do. A refused host key names both fingerprints. */
  message?: string
  /** The key the machine presented (or the pinned one it matched). */
  hostKeyFingerprint?: string
  privilege?: MachinePrivilege
  /** dockerd's version (docker info ServerVersion). */
  dockerVersion?: string
  conditions?: MachineCondition[]
  /** When the machine was last probed (docker info and system files) successfully. */
  lastProbeTime?: Time
  /** The generation of the spec the controller last acted on. */
  observedGeneration?: number
}

export interface Machine extends KubeObject {
  spec?: MachineSpec
  status?: MachineStatus
}
