// The node's heartbeat Lease in kube-node-lease, as kubelet's node lease controller shapes it:
// named after the node, held by it, 40 s duration, owned by the Node so it goes with it.

import type { Lease, OwnerReference } from '../../api/index.ts'
import { formatMicroTime } from './node-status.ts'

export const NODE_LEASE_NAMESPACE = 'kube-node-lease'
export const DEFAULT_LEASE_DURATION_SECONDS = 40

export function newNodeLease(nodeName: string, durationSeconds: number, now: Date, owner?: OwnerReference): Lease {
  const lease: Lease = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: NODE_LEASE_NAMESPACE },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, acquireTime: formatMicroTime(now), renewTime: formatMicroTime(now), leaseTransitions: 0 },
  }
  if (owner) lease.metadata.ownerReferences = [owner]
  return lease
}

/** The lease renewed at `now` (a copy), taking the node as owner when it had none. */
export function renewedLease(lease: Lease, nodeName: string, durationSeconds: number, now: Date, owner?: OwnerReference): Lease {
  const next = structuredClone(lease)
  const spec = (next.spec ??= {})
  if (spec.holderIdentity !== nodeName) {
    spec.holderIdentity = nodeName
    spec.acquireTime = formatMicroTime(now)
    spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1
  }
  spec.leaseDurationSeconds = durationSeconds
  spec.renewTime = formatMicroTime(now)
  if (owner && !next.metadata.ownerReferences?.some((r) => r.uid === owner.uid)) next.metadata.ownerReferences = [...(next.metadata.ownerReferences ?? []), owner]
  return next
}

/** The owner reference a node lease carries: the Node. */
export function nodeOwnerReference(nodeName: string, uid: string): OwnerReference {
  return { apiVersion: 'v1', kind: 'Node', name: nodeName, uid }
}
