// Checks on the options of list, watch and delete requests that kube-apiserver makes before
// doing anything (its ListOptions and DeleteOptions validation): 422 for combinations that do
// not go together.

import type { DeleteOptions, FieldError } from '../api/index.ts'
import { badRequest, invalid, type ApiError } from './errors.ts'
import type { ListOptions, WatchOptions } from './types.ts'

export function forbiddenField(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: `Forbidden: ${detail}`, detail }
}

/** 422 for list and watch options that do not go together, as kube-apiserver's ListOptions validation. */
export function listOptionsInvalid(errors: FieldError[]): ApiError {
  return invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', errors)
}

export function checkListOptions(options: ListOptions): void {
  const rv = options.resourceVersion ?? ''
  if (options.continue && rv !== '') throw badRequest('specifying resource version is not allowed when using continue')
  const match = options.resourceVersionMatch
  if (match === undefined) return
  if (rv === '') throw listOptionsInvalid([forbiddenField('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided')])
  if (match !== 'NotOlderThan' && match !== 'Exact') {
    throw listOptionsInvalid([{ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan"` }])
  }
  if (match === 'Exact' && rv === '0') throw listOptionsInvalid([forbiddenField('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"')])
}

export function checkWatchOptions(options: WatchOptions): void {
  const errors: FieldError[] = []
  if (options.sendInitialEvents !== undefined) {
    if (options.resourceVersionMatch !== 'NotOlderThan') errors.push(forbiddenField('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'))
    if (options.sendInitialEvents && !options.allowWatchBookmarks) errors.push(forbiddenField('allowWatchBookmarks', 'sendInitialEvents requires setting allowWatchBookmarks to true'))
  } else if (options.resourceVersionMatch !== undefined) {
    errors.push(forbiddenField('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'))
  }
  if (errors.length) throw listOptionsInvalid(errors)
}

export function checkDeleteOptions(options: DeleteOptions): void {
  const errors: FieldError[] = []
  if (options.orphanDependents !== undefined && options.propagationPolicy !== undefined) {
    errors.push({ type: 'FieldValueInvalid', field: 'propagationPolicy', message: `Invalid value: ${JSON.stringify(options.propagationPolicy)}: orphanDependents and deletionPropagation cannot be both set`, badValue: options.propagationPolicy })
  }
  const policy = options.propagationPolicy
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    errors.push({ type: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan", "nil"`, badValue: policy })
  }
  if (errors.length) throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', errors)
}
