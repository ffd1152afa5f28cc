// Label and field selectors from a list or watch request, compiled into one predicate the store
// runs over whole objects. A selector that does not parse, or names a field the kind does not
// support, is a 400 naming it.

import {
  checkFieldSelector,
  isEverything,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  type FieldSelector,
  type KubeObject,
  type ResourceType,
} from '../api/index.ts'
import type { KubeObject as StoredObject, ObjectFilter } from '../store/index.ts'
import { badRequest } from './errors.ts'

/** The fields a kind's field selectors may name: the keys of its field set (computed on an empty object). */
export function supportedFields(r: ResourceType): string[] {
  const blank = { apiVersion: '', kind: r.kind, metadata: { name: '', namespace: '' }, involvedObject: {} } as KubeObject
  return Object.keys(r.fieldSet(blank))
}

export interface SelectorOptions {
  labelSelector?: string
  fieldSelector?: string
  /** Also match this name (a watch of one object). */
  name?: string
}

/** The predicate, or undefined when the selectors select everything. Throws a 400 ApiError. */
export function compileSelectors(r: ResourceType, options: SelectorOptions): ObjectFilter | undefined {
  let labels
  try {
    labels = parseLabelSelector(options.labelSelector ?? '')
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(`unable to parse labelSelector ${JSON.stringify(options.labelSelector)}: ${err.message}`)
    throw err
  }
  let fields: FieldSelector
  try {
    fields = parseFieldSelector(options.fieldSelector ?? '')
    checkFieldSelector(fields, supportedFields(r))
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(`unable to parse fieldSelector ${JSON.stringify(options.fieldSelector)}: ${err.message}`)
    throw err
  }
  if (options.name !== undefined) {
    fields = { requirements: [...fields.requirements, { field: 'metadata.name', operator: '=', value: options.name }] }
  }
  const selectLabels = !isEverything(labels)
  const selectFields = fields.requirements.length > 0
  if (!selectLabels && !selectFields) return undefined
  return (stored: StoredObject) => {
    const obj = stored as unknown as KubeObject
    if (selectLabels && !matchesLabels(labels, obj.metadata.labels)) return false
    return !selectFields || matchesFields(fields, r.fieldSet(obj))
  }
}
