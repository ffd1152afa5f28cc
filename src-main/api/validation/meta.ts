// ObjectMeta validation on create and update, labels, annotations, label selectors: as
// apimachinery's ValidateObjectMeta and friends, with the same paths and messages.

import type { LabelSelector, LabelSelectorRequirement, ObjectMeta, OwnerReference } from '../types/meta.ts'
import { child, forbidden, index, invalid, required, tooLongTotal, type FieldError } from './errors.ts'
import { isLabelValue, isQualifiedName, nameIsDNSLabel, type NameValidator } from './names.ts'

export const FIELD_IMMUTABLE = 'field is immutable'
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024

export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(path, name, msg))
}

export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path))
    errs.push(...isLabelValue(v).map((msg) => invalid(path, v, msg)))
  }
  return errs
}

const byteLength = (s: string): number => new TextEncoder().encode(s).length

export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  let total = 0
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((msg) => invalid(path, k, msg)))
    total += byteLength(k) + byteLength(v)
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLongTotal(path, TOTAL_ANNOTATION_SIZE_LIMIT))
  return errs
}

function validateOwnerReferences(refs: readonly OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  let firstController = ''
  ;(refs ?? []).forEach((ref, i) => {
    const p = index(path, i)
    if (!ref.apiVersion) errs.push(required(child(p, 'apiVersion'), 'must not be empty'))
    else if (!/^([a-z0-9.-]+\/)?[a-z0-9]+$/.test(ref.apiVersion)) errs.push(invalid(child(p, 'apiVersion'), ref.apiVersion, 'must be <group>/<version> or <version>'))
    if (!ref.kind) errs.push(required(child(p, 'kind'), 'must not be empty'))
    if (!ref.name) errs.push(required(child(p, 'name'), 'must not be empty'))
    if (!ref.uid) errs.push(required(child(p, 'uid'), 'must not be empty'))
    if (ref.apiVersion === 'v1' && ref.kind === 'Event') errs.push(invalid(p, ref, '/v1, Kind=Event is disallowed from being an owner'))
    if (ref.controller) {
      const name = `${ref.kind}/${ref.name}`
      if (firstController) {
        errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`))
      } else {
        firstController = name
      }
    }
  })
  return errs
}

function validateFinalizers(finalizers: readonly string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const f of finalizers ?? []) errs.push(...isQualifiedName(f).map((msg) => invalid(path, f, msg)))
  if (finalizers?.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'))
  }
  return errs
}

export interface MetaRules {
  /** Namespaced kinds need a namespace; cluster-scoped kinds must not have one. */
  namespaced: boolean
  name: NameValidator
}

/** ValidateObjectMeta: name (or generateName), namespace, labels, annotations, owners, finalizers. */
export function validateObjectMeta(meta: ObjectMeta | undefined, rules: MetaRules, path = 'metadata'): FieldError[] {
  const m = meta ?? {}
  const errs: FieldError[] = []
  if (m.generateName) {
    errs.push(...rules.name(m.generateName, true).map((msg) => invalid(child(path, 'generateName'), m.generateName, msg)))
  }
  if (!m.name) errs.push(required(child(path, 'name'), 'name or generateName is required'))
  else errs.push(...rules.name(m.name, false).map((msg) => invalid(child(path, 'name'), m.name, msg)))
  errs.push(...validateMetaCommon(m, rules.namespaced, path))
  return errs
}

function validateMetaCommon(m: ObjectMeta, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (namespaced) {
    if (!m.namespace) errs.push(required(child(path, 'namespace')))
    else errs.push(...nameIsDNSLabel(m.namespace, false).map((msg) => invalid(child(path, 'namespace'), m.namespace, msg)))
  } else if (m.namespace) {
    errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'))
  }
  if (m.generation !== undefined && m.generation < 0) errs.push(invalid(child(path, 'generation'), m.generation, 'must be greater than or equal to 0'))
  errs.push(...validateLabels(m.labels, child(path, 'labels')))
  errs.push(...validateAnnotations(m.annotations, child(path, 'annotations')))
  errs.push(...validateOwnerReferences(m.ownerReferences, child(path, 'ownerReferences')))
  errs.push(...validateFinalizers(m.finalizers, child(path, 'finalizers')))
  return errs
}

/** Compares two JSON values structurally (object key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
  const ak = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined)
  const bk = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined)
  return ak.length === bk.length && ak.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/** ValidateImmutableField: `path: Invalid value: <new>: field is immutable`. */
export function validateImmutable(newValue: unknown, oldValue: unknown, path: string): FieldError[] {
  return deepEqual(newValue, oldValue) ? [] : [invalid(path, newValue ?? null, FIELD_IMMUTABLE)]
}

/** ValidateObjectMetaUpdate. */
export function validateObjectMetaUpdate(next: ObjectMeta | undefined, old: ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const n = next ?? {}
  const o = old ?? {}
  const errs: FieldError[] = []
  if (o.deletionTimestamp) {
    const added = (n.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f))
    if (added.length) {
      errs.push(forbidden(child(path, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`))
    }
  }
  if (!n.resourceVersion) errs.push(invalid(child(path, 'resourceVersion'), n.resourceVersion ?? '', 'must be specified for an update'))
  if (n.generation !== undefined && n.generation < 0) errs.push(invalid(child(path, 'generation'), n.generation, 'must be greater than or equal to 0'))
  if ((n.generation ?? 0) < (o.generation ?? 0)) errs.push(invalid(child(path, 'generation'), n.generation ?? 0, 'must not be decremented'))
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    errs.push(...validateImmutable(n[f] ?? '', o[f] ?? '', child(path, f)))
  }
  errs.push(...validateLabels(n.labels, child(path, 'labels')))
  errs.push(...validateAnnotations(n.annotations, child(path, 'annotations')))
  errs.push(...validateOwnerReferences(n.ownerReferences, child(path, 'ownerReferences')))
  errs.push(...validateFinalizers(n.finalizers, child(path, 'finalizers')))
  return errs
}

function validateLabelSelectorRequirement(r: LabelSelectorRequirement, path: string): FieldError[] {
  const errs: FieldError[] = []
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (!r.values?.length) errs.push(required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"))
      break
    case 'Exists':
    case 'DoesNotExist':
      if (r.values?.length) errs.push(forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
      break
    default:
      errs.push(invalid(child(path, 'operator'), r.operator, 'not a valid selector operator'))
  }
  errs.push(...validateLabelName(r.key, child(path, 'key')))
  ;(r.values ?? []).forEach((v, i) => errs.push(...isLabelValue(v).map((msg) => invalid(index(child(path, 'values'), i), v, msg))))
  return errs
}

/** ValidateLabelSelector. */
export function validateLabelSelector(selector: LabelSelector | undefined, path: string): FieldError[] {
  if (!selector) return []
  const errs = validateLabels(selector.matchLabels, child(path, 'matchLabels'))
  ;(selector.matchExpressions ?? []).forEach((r, i) => errs.push(...validateLabelSelectorRequirement(r, index(child(path, 'matchExpressions'), i))))
  return errs
}

export function validateNonnegative(value: number | undefined, path: string): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : []
}
