// The three PATCH flavours the API server accepts, chosen by the request's Content-Type, as pure
// functions over plain JSON objects. The REST layer reads the object, calls `parsePatchType` and
// `decodePatchBody`, then `applyPatch`, and maps a `PatchError` to a Status (`code`, `reason`,
// `message`, `field`); validation and defaulting of the result are its business, not this module's.

import { PatchError } from './errors.ts'
import { applyJsonPatch } from './json-patch.ts'
import { isJsonObject, type JsonObject } from './json.ts'
import { applyMergePatch } from './merge-patch.ts'
import type { PatchMeta } from './patch-meta.ts'
import { applyStrategicMergePatch } from './strategic-merge-patch.ts'

export { PatchError, isPatchError, type PatchErrorReason } from './errors.ts'
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.ts'
export { applyMergePatch } from './merge-patch.ts'
export { applyStrategicMergePatch } from './strategic-merge-patch.ts'
export { noPatchMeta, patchMetaFor, type FieldPatchMeta, type PatchMeta, type PatchStrategy } from './patch-meta.ts'
export type { JsonObject, JsonValue } from './json.ts'

/** The patch Content-Types we accept, in the order kube-apiserver lists them. */
export const SUPPORTED_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const

export type PatchType = (typeof SUPPORTED_PATCH_TYPES)[number]

/** Server-side apply's Content-Types: known, but not served yet. */
const SERVER_SIDE_APPLY_TYPES = ['application/apply-patch+yaml', 'application/apply-patch+cbor']

/**
 * The patch type of a request's Content-Type (parameters such as `; charset=utf-8` ignored), or a
 * 415 listing the types we accept.
 */
export function parsePatchType(contentType: string | undefined): PatchType {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  const known = SUPPORTED_PATCH_TYPES.find((type) => type === mediaType)
  if (known) return known
  throw unsupportedMediaType(mediaType)
}

function unsupportedMediaType(mediaType: string): PatchError {
  const accepted = `accepted media types include: ${SUPPORTED_PATCH_TYPES.join(', ')}`
  if (SERVER_SIDE_APPLY_TYPES.includes(mediaType)) {
    return new PatchError(
      'UnsupportedMediaType',
      `server-side apply (${mediaType}) is not supported yet; use client-side apply (kubectl apply without ` +
        `--server-side) or another patch type - ${accepted}`,
    )
  }
  const given = mediaType ? `${mediaType} ` : 'no Content-Type '
  return new PatchError('UnsupportedMediaType', `the body of the request was in an unknown format (${given.trim()}) - ${accepted}`)
}

/** The request body as JSON, or a 400. */
export function decodePatchBody(body: string | Uint8Array): unknown {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new PatchError('BadRequest', `the patch is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, undefined, {
      cause: err,
    })
  }
}

/**
 * Applies a patch of `type` to `original`. `meta` gives strategic merge patches each field's
 * strategy and merge key (see `patchMetaFor`); the other two types do not use it. Never modifies
 * `original` or `patchBody`, and the result shares nothing with them. Throws a `PatchError`.
 */
export function applyPatch(type: PatchType, original: object, patchBody: unknown, meta: PatchMeta): object {
  if (!isJsonObject(original)) throw new TypeError('applyPatch: the original must be a JSON object')
  const object: JsonObject = original
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(object, patchBody)
    case 'application/merge-patch+json':
      return applyMergePatch(object, patchBody)
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(object, patchBody, meta)
    default:
      throw unsupportedMediaType(String(type))
  }
}
