// Schema for coordination.k8s.io/v1 Lease.

import type { Lease, LeaseSpec } from '../types/coordination.ts'
import { describe, int32, microTime, object, string, unsupported } from './dsl.ts'
import { apiVersionField, kindField, objectMetaSchema } from './meta.ts'

const COORDINATION = 'io.k8s.api.coordination.v1'
const LEADER_ELECTION = 'coordinated leader election is not implemented'

export const leaseSchema = object<Lease>(
  `${COORDINATION}.Lease`,
  'Lease defines a lease concept.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata: describe(objectMetaSchema, "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
    spec: object<LeaseSpec>(
      `${COORDINATION}.LeaseSpec`,
      'LeaseSpec is a specification of a Lease.',
      {
        holderIdentity: string('holderIdentity contains the identity of the holder of a current lease.'),
        leaseDurationSeconds: int32(
          'leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it. This is measured against the time of last observed renewTime.',
        ),
        acquireTime: microTime('acquireTime is a time when the current lease was acquired.'),
        renewTime: microTime('renewTime is a time when the current holder of a lease has last updated the lease.'),
        leaseTransitions: int32('leaseTransitions is the number of transitions of a lease between holders.'),
      },
      { strategy: unsupported(LEADER_ELECTION, ''), preferredHolder: unsupported(LEADER_ELECTION, '') },
    ),
  },
  {},
  { gvk: [{ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }] },
)
