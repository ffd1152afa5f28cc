// `application/strategic-merge-patch+json`: Kubernetes' strategic merge patch, as kube-apiserver
// applies it (k8s.io/apimachinery/pkg/util/strategicpatch, StrategicMergeMapPatch). It is a JSON
// merge patch in which:
//  - a list whose field is tagged `merge` merges with the object's list: elements of objects by
//    their merge key (containers by name, ports by containerPort), primitives as a set; other lists
//    are replaced whole. An empty list in the patch leaves a merged list unchanged.
//  - `null` deletes a field; a null inside a field the object does not have yet is dropped.
//  - directives, all of which kubectl's client-side apply sends:
//      `$patch: replace` in an object: the object is replaced by the rest of it;
//      `$patch: delete` in an object: the field holding it is deleted;
//      `{"$patch": "replace"}` as a list element: the list is replaced by the other elements;
//      `{"$patch": "delete", <mergeKey>: v}` as a list element: elements with that key are deleted;
//      `$retainKeys: [...]`: fields of the object not listed are cleared (union types such as a
//        Deployment's strategy); every field the patch sets must be listed;
//      `$deleteFromPrimitiveList/<field>: [...]`: those values leave the primitive list;
//      `$setElementOrder/<field>: [...]`: the merged list takes this relative order (elements by
//        merge key, or primitives), the object's other elements keeping their places around them.
//
// Order of a merged list, as Kubernetes computes it: the patch's elements in the patch's order,
// interleaved with the object's other elements in their own order. An object element goes first
// only when it preceded the next patch element in the object's list, so an element new to the list
// lands before the object elements still to come: without `$setElementOrder` a new container or env
// var comes first. (kubectl apply always sends `$setElementOrder`.)
//
// Deliberate differences from kube-apiserver, all on inputs kubectl does not produce:
//  - `$patch: merge` is refused with a clear 400 (Kubernetes accepts `merge` only as a struct tag
//    and answers this with an internal error); its other errors are 400 or 422, never 500.
//  - a value put where the object had nothing is cleaned the same way everywhere: no nulls, no
//    directive keys, `$patch: replace` keeps its content. (Kubernetes leaves stray `$…` keys in new
//    list elements for its typed decoding to drop, and drops a new `$patch: replace` object.)
//  - `$patch: delete` on a nested object deletes the field, as the design document says, where
//    Kubernetes leaves `{}` (which Go encodes away when the field is `omitempty`).
//  - `$deleteFromPrimitiveList/<field>` must list primitives; Kubernetes would merge objects
//    listed there as if they were the patch's list.
//  - the object's own list elements that lack the merge key keep their place; Kubernetes fails the
//    patch (validation never lets such elements be stored).

import { PatchError } from './errors.ts'
import {
  cloneJson,
  deleteField,
  describeJson,
  getField,
  hasField,
  isJsonObject,
  jsonEqual,
  preview,
  setField,
  type JsonObject,
  type JsonValue,
} from './json.ts'
import type { FieldPatchMeta, PatchMeta } from './patch-meta.ts'

const PATCH = '$patch'
const RETAIN_KEYS = '$retainKeys'
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList'
const SET_ELEMENT_ORDER = '$setElementOrder'

/** What merging returns for an object that a `$patch: delete` removes. */
const DELETED = Symbol('deleted')
type Merged = JsonObject | typeof DELETED

/**
 * Applies a strategic merge patch, reading each field's strategy and merge key from `meta`.
 * Does not modify `original` or `patch`; shares nothing with either.
 */
export function applyStrategicMergePatch(original: JsonObject, patch: unknown, meta: PatchMeta): JsonObject {
  if (!isJsonObject(patch)) {
    throw new PatchError('BadRequest', `strategic merge patch must be a JSON object, not ${describeJson(patch)}`)
  }
  const merged = mergeObject(cloneJson(original) as JsonObject, patch, [], meta)
  return merged === DELETED ? {} : merged
}

/** Merges `patch` into `target`, which the caller owns and which is modified; `patch` is only read. */
function mergeObject(target: JsonObject, patch: JsonObject, path: string[], meta: PatchMeta): Merged {
  if (hasField(patch, PATCH)) return objectDirective(patch, path, meta)
  if (hasField(patch, RETAIN_KEYS)) retainKeys(target, patch, path)

  // Ordered lists first: each takes its list out of the ordinary field loop below.
  const ordered = new Set<string>()
  for (const key of Object.keys(patch)) {
    if (key.startsWith(SET_ELEMENT_ORDER)) ordered.add(setElementOrder(target, patch, key, path, meta))
  }

  for (const [key, value] of Object.entries(patch)) {
    if (key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER) || ordered.has(key)) continue
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      deleteFromPrimitiveList(target, key, value, path)
    } else {
      mergeField(target, key, value, path, meta)
    }
  }
  return target
}

function objectDirective(patch: JsonObject, path: string[], meta: PatchMeta): Merged {
  const directive = patch[PATCH]
  if (directive === 'delete') return DELETED
  if (directive === 'replace') {
    const replacement = Object.fromEntries(Object.entries(patch).filter(([key]) => key !== PATCH))
    return mergeObject({}, replacement, path, meta)
  }
  throw badRequest(path, `unknown ${PATCH} directive ${preview(directive)} in an object; it can be "replace" or "delete"` + mergeHint(directive))
}

function mergeField(target: JsonObject, key: string, value: JsonValue, path: string[], meta: PatchMeta): void {
  const fieldPath = [...path, key]
  if (value === null) {
    deleteField(target, key)
    return
  }
  const current = getField(target, key)
  let merged: JsonValue | typeof DELETED
  if (isJsonObject(current) && isJsonObject(value)) {
    merged = strategyOf(meta(fieldPath)).replace ? materialize(value, fieldPath, meta) : mergeObject(current, value, fieldPath, meta)
  } else if (Array.isArray(current) && Array.isArray(value)) {
    merged = mergeListField(current, value, fieldPath, meta).list
  } else {
    // New field, or a different type of value: nothing to merge with.
    merged = materialize(value, fieldPath, meta)
  }
  if (merged === DELETED) {
    deleteField(target, key)
  } else {
    setField(target, key, merged)
  }
}

interface MergedList {
  list: JsonValue[]
  /**
   * What Kubernetes' `$setElementOrder` handling then takes for the object's list. strategicpatch
   * deletes and appends elements in place in the object's Go slice, and later reads that slice
   * back at its old length: it sees the list after deletions, followed by as many of the appended
   * elements as there were deletions. Elements found there keep their place relative to the
   * object's other elements, so we reproduce it (Kubernetes' own tests depend on it).
   */
  orderedAgainst: JsonValue[]
}

function mergeListField(current: JsonValue[], value: JsonValue[], fieldPath: string[], meta: PatchMeta): MergedList {
  const fieldMeta = meta(fieldPath)
  return strategyOf(fieldMeta).merge
    ? mergeList(current, value, fieldMeta.mergeKey ?? '', fieldPath, meta)
    : { list: materializeList(value, fieldPath, meta), orderedAgainst: current }
}

/**
 * A patch value put where the object has nothing to merge it with, as plain JSON: merging into an
 * empty object drops nulls and applies directives; list elements that are directives are dropped.
 */
function materialize(value: JsonValue, path: string[], meta: PatchMeta): JsonValue | typeof DELETED {
  if (isJsonObject(value)) return mergeObject({}, value, path, meta)
  if (Array.isArray(value)) return materializeList(value, path, meta)
  return value
}

function materializeList(list: JsonValue[], path: string[], meta: PatchMeta): JsonValue[] {
  const out: JsonValue[] = []
  for (const item of list) {
    if (isJsonObject(item) && hasField(item, PATCH)) continue
    const value = materialize(item, path, meta)
    if (value !== DELETED) out.push(value)
  }
  return out
}

/** Merges a list tagged `merge`. `current` is owned by the caller and its elements may be modified. */
function mergeList(current: JsonValue[], patch: JsonValue[], mergeKey: string, path: string[], meta: PatchMeta): MergedList {
  if (current.length === 0 && patch.length === 0) return { list: current, orderedAgainst: current }
  if (elementKind(current, patch, path) !== 'object') {
    // A set of primitives: the union, without duplicates.
    const union: JsonValue[] = []
    for (const item of [...current, ...patch]) if (!union.includes(item)) union.push(item)
    return { list: mergeOrder(union, patch, current, sameValue), orderedAgainst: current }
  }
  if (!mergeKey) throw invalid(path, 'cannot merge a list of objects without a merge key')
  const keyOf = (item: JsonValue) => (isJsonObject(item) ? getField(item, mergeKey) : undefined)
  const sameKey = (a: JsonValue, b: JsonValue) => {
    const key = keyOf(a)
    return key !== undefined && jsonEqual(key, keyOf(b))
  }

  let base = current
  const elements: JsonObject[] = []
  let replace = false
  for (const item of patch as JsonObject[]) {
    if (!hasField(item, PATCH)) {
      elements.push(item)
      continue
    }
    const directive = item[PATCH]
    if (directive === 'delete') {
      requireMergeKey(item, mergeKey, path)
      base = base.filter((element) => !sameKey(element, item))
    } else if (directive === 'replace') {
      replace = true
    } else if (directive === 'merge') {
      throw badRequest(path, `${PATCH}: "merge" cannot be used in a list (merging is the list's own strategy)`)
    } else {
      throw badRequest(path, `unknown ${PATCH} directive ${preview(directive)} in a list element; it can be "replace" or "delete"`)
    }
  }

  if (replace) {
    // The other elements are the whole list.
    for (const element of elements) requireMergeKey(element, mergeKey, path)
    return { list: materializeList(elements, path, meta), orderedAgainst: base }
  }

  const merged = [...base]
  const appended: JsonValue[] = []
  for (const element of elements) {
    requireMergeKey(element, mergeKey, path)
    const index = merged.findIndex((candidate) => sameKey(candidate, element))
    const existing = index < 0 ? undefined : merged[index]
    if (isJsonObject(existing)) {
      const result = mergeObject(existing, element, path, meta)
      if (result !== DELETED) merged[index] = result
    } else {
      const added = materialize(element, path, meta)
      if (added !== DELETED) {
        merged.push(added)
        appended.push(added)
      }
    }
  }
  const deletions = current.length - base.length
  return { list: mergeOrder(merged, elements, base, sameKey), orderedAgainst: [...base, ...appended.slice(0, deletions)] }
}

/**
 * Kubernetes' order for a merged list: the elements the patch names, in the patch's order,
 * interleaved with the others in `serverOrder`'s order; an element of `serverOrder` goes before the
 * next patch element when it came before it in `serverOrder`.
 */
function mergeOrder(
  merged: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  same: (a: JsonValue, b: JsonValue) => boolean,
): JsonValue[] {
  const indexIn = (list: JsonValue[], item: JsonValue) => list.findIndex((candidate) => same(item, candidate))
  const placed = merged.map((item) => ({ item, inPatch: indexIn(patchOrder, item), inServer: indexIn(serverOrder, item) }))
  const fromPatch = placed.filter((p) => p.inPatch >= 0).sort((a, b) => a.inPatch - b.inPatch)
  // The others all come from the object's list, already in its order.
  const others = placed.filter((p) => p.inPatch < 0)

  const out: JsonValue[] = []
  let i = 0
  let j = 0
  for (;;) {
    const other = others[i]
    const next = fromPatch[j]
    if (other === undefined || next === undefined) {
      out.push(...others.slice(i).map((p) => p.item), ...fromPatch.slice(j).map((p) => p.item))
      return out
    }
    if (other.inServer >= 0 && next.inServer >= 0 && other.inServer < next.inServer) {
      out.push(other.item)
      i++
    } else {
      out.push(next.item)
      j++
    }
  }
}

function sameValue(a: JsonValue, b: JsonValue): boolean {
  return jsonEqual(a, b)
}

/** `$setElementOrder/<field>`: merges the field's list, then orders it. Returns the field's name. */
function setElementOrder(target: JsonObject, patch: JsonObject, key: string, path: string[], meta: PatchMeta): string {
  const field = directiveField(key, SET_ELEMENT_ORDER, path)
  const fieldPath = [...path, field]
  const order = patch[key]
  if (!Array.isArray(order)) {
    throw badRequest(fieldPath, `invalid patch format of setElementOrder list: ${key} must be a list, not ${describeJson(order)}`)
  }
  const fieldMeta = meta(fieldPath)
  const mergeKey = fieldMeta.mergeKey ?? ''
  const current = getField(target, field)
  const value = getField(patch, field)
  if (current !== undefined && !Array.isArray(current)) {
    throw invalid(fieldPath, `${key} orders a list, but the object's ${field} is ${describeJson(current)}`)
  }
  if (value !== undefined && !Array.isArray(value)) {
    throw badRequest(fieldPath, `${key} orders a list, but the patch's ${field} is ${describeJson(value)}`)
  }
  checkOrderCoversPatch(value ?? [], order, mergeKey, fieldPath)

  let merged: MergedList
  if (current !== undefined && value !== undefined) merged = mergeListField(current, value, fieldPath, meta)
  else if (value !== undefined) merged = { list: materializeList(value, fieldPath, meta), orderedAgainst: [] }
  else if (current !== undefined) merged = { list: current, orderedAgainst: current }
  else return field

  const same = (a: JsonValue, b: JsonValue) =>
    mergeKey && isJsonObject(a) && isJsonObject(b) ? hasField(a, mergeKey) && jsonEqual(a[mergeKey], getField(b, mergeKey)) : jsonEqual(a, b)
  setField(target, field, mergeOrder(merged.list, order, merged.orderedAgainst, same))
  return field
}

/**
 * The patch's elements (deletions and directives aside) must all be in the order list, in the same
 * relative order: kube-apiserver refuses the patch otherwise.
 */
function checkOrderCoversPatch(patchList: JsonValue[], order: JsonValue[], mergeKey: string, path: string[]): void {
  if (order.length === 0) return
  const named = patchList.filter((item) => !(isJsonObject(item) && hasField(item, PATCH)))
  const same = (item: JsonValue, entry: JsonValue): boolean => {
    if (!mergeKey) return jsonEqual(item, entry)
    if (!isJsonObject(item)) throw invalid(path, `list element ${preview(item)} is not an object with merge key "${mergeKey}"`)
    if (!isJsonObject(entry)) throw badRequest(path, `invalid patch format of setElementOrder list: ${preview(entry)} is not an object`)
    requireMergeKey(item, mergeKey, path)
    requireMergeKey(entry, mergeKey, path)
    return jsonEqual(item[mergeKey], entry[mergeKey])
  }
  let next = 0
  for (const entry of order) {
    const item = named[next]
    if (item !== undefined && same(item, entry)) next++
  }
  if (next < named.length) {
    throw badRequest(
      path,
      `invalid patch format of setElementOrder list: element ${preview(named[next])} of the patch list is missing from ` +
        `${SET_ELEMENT_ORDER}/${path.at(-1) ?? ''} ${preview(order)} or out of its order`,
    )
  }
}

/** `$retainKeys`: clears the fields of `target` not listed. Every field the patch sets must be listed. */
function retainKeys(target: JsonObject, patch: JsonObject, path: string[]): void {
  const listed = patch[RETAIN_KEYS]
  if (!Array.isArray(listed)) {
    throw badRequest(path, `invalid patch format of retainKeys: ${RETAIN_KEYS} must be a list of field names, not ${describeJson(listed)}`)
  }
  const keep = new Set(listed)
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key === RETAIN_KEYS || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue
    if (!keep.has(key)) {
      throw badRequest(path, `invalid patch format of retainKeys: the patch sets "${key}", which is not in ${RETAIN_KEYS} ${preview(listed)}`)
    }
  }
  for (const key of Object.keys(target)) {
    if (!keep.has(key)) deleteField(target, key)
  }
}

/** `$deleteFromPrimitiveList/<field>`: removes the listed values from the object's primitive list. */
function deleteFromPrimitiveList(target: JsonObject, key: string, value: JsonValue, path: string[]): void {
  const field = directiveField(key, DELETE_FROM_PRIMITIVE_LIST, path)
  if (value === null) {
    // As in Kubernetes: a null directive deletes the field itself.
    deleteField(target, field)
    return
  }
  if (!Array.isArray(value) || value.some((item) => typeof item === 'object' && item !== null)) {
    throw badRequest([...path, field], `invalid patch format of primitive list: ${key} must be a list of primitive values, not ${preview(value)}`)
  }
  const current = getField(target, field)
  if (Array.isArray(current)) {
    setField(
      target,
      field,
      current.filter((item) => !value.includes(item)),
    )
  }
}

/** `<prefix>/<field>` → field; anything else after the prefix is a malformed directive. */
function directiveField(key: string, prefix: string, path: string[]): string {
  const slash = key.indexOf('/')
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    const format = prefix === SET_ELEMENT_ORDER ? 'setElementOrder list' : 'primitive list'
    throw badRequest(path, `invalid patch format of ${format}: ${JSON.stringify(key)} is not ${prefix}/<field>`)
  }
  return key.slice(slash + 1)
}

/** The one kind of element a merged list holds; a mix, or lists of lists, cannot be merged. */
function elementKind(current: JsonValue[], patch: JsonValue[], path: string[]): string {
  let kind: string | undefined
  for (const item of [...current, ...patch]) {
    const itemKind = Array.isArray(item) ? 'array' : item === null ? 'null' : typeof item
    if (itemKind === 'array') throw invalid(path, 'lists of lists are not supported')
    kind ??= itemKind
    if (itemKind !== kind) {
      throw invalid(path, `list element types are not identical: ${describeJson(item)} among ${kind === 'object' ? 'objects' : `${kind}s`}`)
    }
  }
  return kind ?? 'none'
}

function requireMergeKey(element: JsonObject, mergeKey: string, path: string[]): void {
  if (!hasField(element, mergeKey)) {
    throw invalid(path, `list element ${preview(element)} does not contain declared merge key: ${mergeKey}`)
  }
}

function strategyOf(meta: FieldPatchMeta): { merge: boolean; replace: boolean } {
  const strategies = (meta.strategy ?? '').split(',')
  return { merge: strategies.includes('merge'), replace: strategies.includes('replace') }
}

function mergeHint(directive: unknown): string {
  return directive === 'merge' ? ' ("merge" is only a field\'s patch strategy, and objects merge anyway)' : ''
}

function where(path: string[]): string {
  return path.length > 0 ? ` at ${path.join('.')}` : ''
}

function badRequest(path: string[], why: string): PatchError {
  return new PatchError('BadRequest', `strategic merge patch${where(path)}: ${why}`, path.join('.'))
}

function invalid(path: string[], why: string): PatchError {
  return new PatchError('Invalid', `strategic merge patch${where(path)}: ${why}`, path.join('.'))
}
