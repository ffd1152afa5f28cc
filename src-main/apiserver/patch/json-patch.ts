// `application/json-patch+json`: RFC 6902 JSON Patch, applied by fast-json-patch. We check the
// operations' shape first (a malformed patch is a 400, as kube-apiserver answers when the patch
// cannot be decoded), then apply them in order; an operation that does not fit the object (a missing
// path, a failed `test`) is a 422 naming the operation and its path. One difference from
// kube-apiserver's evanphx/json-patch: negative array indices ("/list/-1") are refused, as RFC 6902
// says, where Kubernetes counts them from the end.

import jsonpatch from 'fast-json-patch'
import type { Operation } from 'fast-json-patch'
import { PatchError } from './errors.ts'
import { cloneJson, describeJson, getField, hasField, isJsonObject, preview, type JsonObject, type JsonValue } from './json.ts'

/** kube-apiserver's limit; more operations are refused with 413. */
export const MAX_JSON_PATCH_OPERATIONS = 10_000

const operationNames = ['add', 'remove', 'replace', 'move', 'copy', 'test']

/** Applies an RFC 6902 patch. Does not modify `original` or `patch`; shares nothing with either. */
export function applyJsonPatch(original: JsonObject, patch: unknown): JsonObject {
  const operations = checkOperations(patch)
  let result: unknown
  try {
    // Both are our own copies, so letting fast-json-patch work in place is safe.
    result = jsonpatch.applyPatch(cloneJson(original), cloneJson(operations) as unknown as Operation[], true, true).newDocument
  } catch (err) {
    throw explain(err)
  }
  if (!isJsonObject(result)) {
    throw new PatchError('Invalid', `json patch replaced the object with ${describeJson(result)}; the result must be a JSON object`, '')
  }
  return result
}

/** The operations, or a 400 saying which one is malformed and how. */
function checkOperations(patch: unknown): JsonObject[] {
  if (!Array.isArray(patch)) {
    throw new PatchError('BadRequest', `json patch must be an array of operations, not ${describeJson(patch)}`)
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(
      'RequestEntityTooLarge',
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    )
  }
  patch.forEach((operation: unknown, index) => {
    const malformed = (why: string) => new PatchError('BadRequest', `json patch operations[${index}]: ${why}`)
    if (!isJsonObject(operation)) throw malformed(`must be an object, not ${describeJson(operation)}`)
    const op = getField(operation, 'op')
    if (typeof op !== 'string' || !operationNames.includes(op)) {
      throw malformed(`"op" must be one of ${operationNames.join(', ')}; got ${preview(op ?? null)}`)
    }
    for (const member of op === 'move' || op === 'copy' ? ['path', 'from'] : ['path']) {
      const pointer = getField(operation, member)
      if (typeof pointer !== 'string') throw malformed(`${op} needs a "${member}" string`)
      if (pointer !== '' && !pointer.startsWith('/')) {
        throw malformed(`"${member}" ${preview(pointer)} is not a JSON pointer (it must be empty or start with "/")`)
      }
    }
    if ((op === 'add' || op === 'replace' || op === 'test') && !hasField(operation, 'value')) {
      throw malformed(`${op} needs a "value"`)
    }
  })
  return patch as JsonObject[]
}

function explain(err: unknown): PatchError {
  if (err instanceof jsonpatch.JsonPatchError) {
    const operation: Partial<Record<string, unknown>> = isJsonObject(err.operation) ? err.operation : {}
    const path = String(operation.path ?? '')
    const where = `json patch operations[${err.index ?? '?'}] (${String(operation.op)} ${JSON.stringify(path)})`
    // No `cause`: fast-json-patch's message carries the whole document, which may hold a Secret's data.
    return new PatchError('Invalid', `${where}: ${reasonFor(err.name, operation, err.tree)}`, path)
  }
  if (err instanceof TypeError && err.message.includes('banned')) {
    return new PatchError('Invalid', 'json patch: paths through "__proto__" or "constructor/prototype" are not allowed', undefined, {
      cause: err,
    })
  }
  const why = err instanceof Error ? err.message : String(err)
  return new PatchError('Invalid', `json patch could not be applied: ${why}`, undefined, { cause: err })
}

function reasonFor(code: string, operation: Partial<Record<string, unknown>>, documentBefore: unknown): string {
  const path = String(operation.path ?? '')
  switch (code) {
    case 'TEST_OPERATION_FAILED':
      return `test failed: the value is ${valueAt(documentBefore, path)}, expected ${preview(operation.value)}`
    case 'OPERATION_PATH_UNRESOLVABLE':
      return operation.op === 'add' ? 'cannot add here: the parent of the path is not an object or an array' : 'the path does not exist'
    case 'OPERATION_PATH_CANNOT_ADD':
      return 'cannot add here: the parent of the path does not exist'
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `"from" ${JSON.stringify(operation.from)} does not exist`
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return `${JSON.stringify(path.slice(path.lastIndexOf('/') + 1))} is not an array index (a number or "-")`
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return 'the array index is past the end of the array'
    default:
      return `cannot be applied (${code})`
  }
}

function valueAt(document: unknown, pointer: string): string {
  try {
    const value: JsonValue | undefined = jsonpatch.getValueByPointer(document, pointer)
    return value === undefined ? 'missing' : preview(value)
  } catch {
    return 'missing'
  }
}
