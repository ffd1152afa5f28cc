// Field errors with Kubernetes' types and wording, and the Status objects the API returns for
// them. `spec.containers[0].image: Required value` reads the same here as from kube-apiserver.

import type { Status, StatusCause } from '../types/meta.ts'

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'FieldValueUnknown'
  | 'InternalError'

export interface FieldError {
  type: FieldErrorType
  /** JSON path of the field: `spec.template.spec.containers[0].imagePullPolicy`. */
  field: string
  /** The error without its field, as Kubernetes puts it in a Status cause: `Invalid value: "x": …`. */
  message: string
  badValue?: unknown
  detail?: string
}

// --- Paths ---------------------------------------------------------------------------------------

export const child = (path: string, name: string): string => (path ? `${path}.${name}` : name)
export const index = (path: string, i: number): string => `${path}[${i}]`
export const key = (path: string, k: string): string => `${path}[${k}]`

// --- Rendering -----------------------------------------------------------------------------------

const TYPE_WORDS: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueUnknown: 'Unknown field',
  InternalError: 'Internal error',
}

const OMIT = Symbol('omit value')

/** Stable JSON with sorted keys, as Go prints maps. */
function stableJson(value: unknown): string {
  if (value === undefined) return 'null'
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

/** Renders a bad value the way apimachinery does: numbers bare, strings quoted, the rest as JSON. */
export function renderValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (typeof value === 'string') return JSON.stringify(value)
  return stableJson(value)
}

function body(type: FieldErrorType, badValue: unknown, detail: string): string {
  let s = TYPE_WORDS[type]
  const showsValue = !['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError'].includes(type)
  if (showsValue && badValue !== OMIT) s += `: ${renderValue(badValue)}`
  return detail ? `${s}: ${detail}` : s
}

function make(type: FieldErrorType, field: string, badValue: unknown, detail: string): FieldError {
  const e: FieldError = { type, field, message: body(type, badValue, detail) }
  if (badValue !== OMIT) e.badValue = badValue
  if (detail) e.detail = detail
  return e
}

/** `field: message`, as in `kubectl` output; unknown fields read like strict decoding errors. */
export function formatFieldError(e: FieldError): string {
  return e.type === 'FieldValueUnknown' ? e.message : `${e.field}: ${e.message}`
}

// --- Constructors (one per Kubernetes error type) --------------------------------------------------

export const required = (field: string, detail = ''): FieldError => make('FieldValueRequired', field, '', detail)
export const invalid = (field: string, value: unknown, detail = ''): FieldError => make('FieldValueInvalid', field, value, detail)
export const typeInvalid = (field: string, value: unknown, detail = ''): FieldError => make('FieldValueTypeInvalid', field, value, detail)
export const duplicate = (field: string, value: unknown): FieldError => make('FieldValueDuplicate', field, value, '')
export const notFound = (field: string, value: unknown): FieldError => make('FieldValueNotFound', field, value, '')
export const forbidden = (field: string, detail: string): FieldError => make('FieldValueForbidden', field, '', detail)
export const internalError = (field: string, detail: string): FieldError => make('InternalError', field, '', detail)

export function notSupported(field: string, value: unknown, supported: readonly string[], extra = ''): FieldError {
  const list = supported.length ? `supported values: ${[...supported].sort().map((v) => JSON.stringify(v)).join(', ')}` : ''
  return make('FieldValueNotSupported', field, value, [list, extra].filter(Boolean).join('; '))
}

export function tooLong(field: string, maxBytes: number): FieldError {
  return make('FieldValueTooLong', field, '<value omitted>', `may not be more than ${maxBytes} ${maxBytes === 1 ? 'byte' : 'bytes'}`)
}

export function tooLongTotal(field: string, maxBytes: number): FieldError {
  return make('FieldValueTooLong', field, '<value omitted>', `must have at most ${maxBytes} bytes`)
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return make('FieldValueTooMany', field, actual, `must have at most ${max} ${max === 1 ? 'item' : 'items'}`)
}

/** A field Kubernetes knows that Coxswain cannot honour: rejected by name, with the reason. */
export const unsupportedField = (field: string, reason: string): FieldError => forbidden(field, `not supported by Coxswain: ${reason}`)

export function unknownField(field: string): FieldError {
  return { type: 'FieldValueUnknown', field, message: `unknown field ${JSON.stringify(field)}` }
}

/** Drops repeats (same rendering), keeping first-seen order, as apimachinery's aggregate does. */
export function dedupe(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>()
  return errors.filter((e) => {
    const s = formatFieldError(e)
    if (seen.has(s)) return false
    seen.add(s)
    return true
  })
}

/** apimachinery's aggregate: one error as is, several as `[a, b]`. */
export function aggregate(errors: readonly FieldError[]): string {
  const msgs = dedupe(errors).map(formatFieldError)
  return msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`
}

// --- Status objects ------------------------------------------------------------------------------

function qualifiedKind(group: string, kind: string): string {
  return group ? `${kind}.${group}` : kind
}

/** 422 Invalid: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: …`. */
export function invalidStatus(group: string, kind: string, name: string, errors: readonly FieldError[]): Status {
  const causes: StatusCause[] = dedupe(errors).map((e) => ({ reason: e.type, message: e.message, field: e.field }))
  const message = errors.length
    ? `${qualifiedKind(group, kind)} ${JSON.stringify(name)} is invalid: ${aggregate(errors)}`
    : `${qualifiedKind(group, kind)} ${JSON.stringify(name)} is invalid`
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Invalid',
    details: { name, group, kind, causes },
    code: 422,
  }
}

/**
 * 400 BadRequest for unknown fields under `fieldValidation=Strict`, worded as kube-apiserver's
 * strict decoder: `Pod in version "v1" cannot be handled as a Pod: strict decoding error: …`.
 */
export function strictDecodingStatus(kind: string, version: string, errors: readonly FieldError[]): Status {
  const list = errors.map((e) => (e.type === 'FieldValueUnknown' ? e.message : formatFieldError(e))).join(', ')
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: strict decoding error: ${list}`,
    reason: 'BadRequest',
    code: 400,
  }
}
