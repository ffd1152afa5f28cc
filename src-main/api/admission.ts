// The write path's object pipeline, as kube-apiserver runs it for a create or an update:
//
//   decode (types, enums, unsupported fields; unknown fields set aside)
//     → convert (Secret stringData → data) → default → validate
//
// Pure: the API server adds what needs state (names from generateName, uid, resourceVersion,
// allocation of cluster IPs and node ports, status reset) around it. A request fails when the
// result carries a `status`; otherwise `object` is what to store and `warnings` go back to the
// client as Warning headers.

import { decode, isPlainObject } from './schema/decode.ts'
import type { ObjectNode, Schema } from './schema/dsl.ts'
import { apiVersionOf, type ResourceType } from './registry.ts'
import type { KubeObject, Status } from './types/meta.ts'
import { dedupe, formatFieldError, invalidStatus, strictDecodingStatus, type FieldError } from './validation/errors.ts'

/** The `fieldValidation` query parameter: what to do with fields the schema does not know. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore'

export interface Admitted<T> {
  /** Decoded, converted and defaulted. Only meaningful to store when `status` is absent. */
  object: T
  /** Every reason the write is refused, each with its field path. */
  errors: FieldError[]
  /** The Status to answer with when the write is refused: 422 Invalid, or 400 for strict decoding. */
  status?: Status
  /** `unknown field "spec.foo"` under fieldValidation=Warn, for Warning headers. */
  warnings: string[]
}

export interface AdmitOptions {
  /** Default: Warn, as kube-apiserver's default. kubectl sends Strict. */
  fieldValidation?: FieldValidation
}

function nameOf(raw: unknown): string {
  if (!isPlainObject(raw) || !isPlainObject(raw.metadata)) return ''
  const name = raw.metadata.name
  return typeof name === 'string' ? name : ''
}

interface Target {
  group: string
  version: string
  kind: string
}

/** Shared by every write: decode, refuse structural problems, then the caller's steps. */
function run<T>(
  target: Target,
  schema: Schema<T, ObjectNode>,
  raw: unknown,
  options: AdmitOptions,
  steps: { convert: (obj: T) => T; prepare: (obj: T) => T; validate: (obj: T) => FieldError[] },
): Admitted<T> {
  const decoded = decode(schema, raw)
  const mode = options.fieldValidation ?? 'Warn'
  const warnings = mode === 'Warn' ? decoded.unknownFields.map(formatFieldError) : []
  const strictUnknown = mode === 'Strict' ? decoded.unknownFields : []
  const converted = steps.convert(decoded.value)
  const refuse = (object: T, errors: FieldError[]): Admitted<T> => {
    const list = dedupe(errors)
    return { object, errors: list, status: invalidStatus(target.group, target.kind, nameOf(raw), list), warnings }
  }
  // Structural problems stop the write before defaulting, as a decoding error does in Kubernetes;
  // unknown fields under Strict are reported with them.
  if (decoded.errors.length) return refuse(converted, [...decoded.errors, ...strictUnknown])
  if (strictUnknown.length) {
    return { object: converted, errors: strictUnknown, status: strictDecodingStatus(target.kind, target.version, strictUnknown), warnings }
  }
  const object = steps.prepare(converted)
  const errors = steps.validate(object)
  return errors.length ? refuse(object, errors) : { object, errors: [], warnings }
}

/**
 * Admits an object for create. The caller has already set metadata.namespace from the URL
 * and metadata.name from generateName, if any.
 */
export function admitCreate<T extends KubeObject>(r: ResourceType<T>, raw: unknown, options: AdmitOptions = {}): Admitted<T> {
  return run(r, r.schema, raw, options, {
    convert: (obj) => (r.convert ? r.convert(obj) : obj),
    prepare: (obj) => r.defaults(obj),
    validate: (obj) => r.validate(obj),
  })
}

/**
 * Admits an object replacing `old` (PUT, or the result of a PATCH). Allocated values the new
 * object leaves empty are carried over first (a Service's cluster IP), as kube-apiserver does.
 */
export function admitUpdate<T extends KubeObject>(r: ResourceType<T>, raw: unknown, old: T, options: AdmitOptions = {}): Admitted<T> {
  return run(r, r.schema, raw, options, {
    convert: (obj) => (r.convert ? r.convert(obj) : obj),
    prepare: (obj) => r.defaults(r.prepareUpdate ? r.prepareUpdate(obj, old) : obj),
    validate: (obj) => r.validateUpdate(obj, old),
  })
}

/**
 * Admits the body of a subresource write (Scale, Binding, Eviction) against its own schema and
 * validator; `target` names it in the Status when it is refused.
 */
export function admitBody<T>(
  schema: Schema<T, ObjectNode>,
  raw: unknown,
  validate: (obj: T) => FieldError[],
  target: Target,
  options: AdmitOptions = {},
): Admitted<T> {
  return run(target, schema, raw, options, { convert: (obj) => obj, prepare: (obj) => obj, validate })
}

/** The apiVersion an admitted object of `r` carries. */
export function typeMetaFor(r: ResourceType): { apiVersion: string; kind: string } {
  return { apiVersion: apiVersionOf(r), kind: r.kind }
}
