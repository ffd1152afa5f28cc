// Lease validation, as pkg/apis/coordination/validation.

import type { Lease } from '../types/coordination.ts'
import { invalid, type FieldError } from './errors.ts'
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts'
import { nameIsDNSSubdomain } from './names.ts'

export function validateLease(lease: Lease): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, { namespaced: true, name: nameIsDNSSubdomain })
  const spec = lease.spec ?? {}
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'))
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions < 0) {
    errs.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'))
  }
  return errs
}

export function validateLeaseUpdate(next: Lease, old: Lease): FieldError[] {
  return [...validateObjectMetaUpdate(next.metadata, old.metadata), ...validateLease(next).filter((e) => !e.field.startsWith('metadata'))]
}
