// Preconditions a write checks against the stored object, worded as kube-apiserver words them.

import type { DeleteOptions, KubeObject } from '../api/index.ts'
import { conflict } from './errors.ts'
import type { Target } from './request.ts'

/** A delete's preconditions, worded as kube-apiserver's BeforeDelete (which names the kind, not the resource). */
export function checkDeletePreconditions(t: Target, current: KubeObject, options: DeleteOptions): void {
  const p = options.preconditions
  if (!p) return
  const gr = { group: t.type.group, resource: t.type.kind }
  const name = current.metadata.name ?? ''
  if (p.uid !== undefined && p.uid !== current.metadata.uid) {
    throw conflict(gr, name, `the UID in the precondition (${p.uid}) does not match the UID in record (${current.metadata.uid ?? ''}). The object might have been deleted and then recreated`)
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(gr, name, `the ResourceVersion in the precondition (${p.resourceVersion}) does not match the ResourceVersion in record (${current.metadata.resourceVersion ?? ''}). The object might have been modified`)
  }
}

/** An update's own preconditions: the resourceVersion it was made from, and the uid when it names one. */
export function checkUpdatePreconditions(t: Target, next: KubeObject, current: KubeObject): void {
  const name = current.metadata.name ?? ''
  const rv = next.metadata.resourceVersion
  if (rv && rv !== current.metadata.resourceVersion) throw conflict(t.gr, name)
  const uid = next.metadata.uid
  if (uid && uid !== current.metadata.uid) {
    throw conflict(t.gr, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`)
  }
}
