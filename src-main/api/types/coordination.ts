// coordination.k8s.io/v1 Lease: the node heartbeat. Each node's agent renews the Lease named after
// its node in kube-node-lease every few seconds; the node-lifecycle controller reads renewTime.

import type { KubeObject, MicroTime } from './meta.ts'

export interface LeaseSpec {
  /** Who holds the lease: for node leases, the node's name. */
  holderIdentity?: string
  /** How long a holder may go without renewing before others may take the lease. */
  leaseDurationSeconds?: number
  acquireTime?: MicroTime
  renewTime?: MicroTime
  /** How many times the lease changed holders. */
  leaseTransitions?: number
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec
}
