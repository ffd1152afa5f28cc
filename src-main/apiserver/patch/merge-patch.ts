// `application/merge-patch+json`: RFC 7386 JSON Merge Patch. Objects merge recursively, `null`
// deletes a field, anything else (arrays included) replaces. The patch of a Kubernetes object must
// itself be an object, as in kube-apiserver: RFC 7386 would let a non-object patch replace the whole
// document, which can never be a valid object.

import { PatchError } from './errors.ts'
import { cloneJson, deleteField, describeJson, getField, isJsonObject, setField, type JsonObject } from './json.ts'

/** Applies an RFC 7386 merge patch. Does not modify `original` or `patch`; shares nothing with either. */
export function applyMergePatch(original: JsonObject, patch: unknown): JsonObject {
  if (!isJsonObject(patch)) {
    throw new PatchError('BadRequest', `merge patch must be a JSON object, not ${describeJson(patch)}`)
  }
  return mergeInto(cloneJson(original) as JsonObject, patch)
}

/** `target` is owned by the caller and is modified; `patch` is only read. */
function mergeInto(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      deleteField(target, key)
    } else if (isJsonObject(value)) {
      const current = getField(target, key)
      setField(target, key, mergeInto(isJsonObject(current) ? current : {}, value))
    } else {
      setField(target, key, cloneJson(value))
    }
  }
  return target
}
