// Structural decoding: checks a JSON value against a schema and returns a clean copy, the way
// kube-apiserver's decoder turns JSON into a typed object. Reported, each with its JSON path:
// wrong types, bad enum values, missing required fields, unparseable quantities and times, and
// fields Coxswain cannot honour (rejected by name with the reason). Unknown fields are listed
// apart, because the request's `fieldValidation` decides whether they fail, warn or vanish.
//
// The copy drops nulls and unknown fields, canonicalises quantities ("0.5" → "500m") and
// times (to UTC), and never shares structure with the input.

import { canonicalQuantity, QUANTITY_FORMAT_ERROR, QuantityError } from '../quantity.ts'
import {
  child,
  index,
  key,
  notSupported,
  required,
  typeInvalid,
  invalid,
  unknownField,
  unsupportedField,
  type FieldError,
} from '../validation/errors.ts'
import type { EnumNode, ObjectNode, Schema, SchemaNode, Unsupported } from './dsl.ts'

export interface DecodeResult<T> {
  /** The decoded copy. Meaningful for reading even when there are errors. */
  value: T
  /** Type errors, bad enum values, missing required fields, unsupported fields. */
  errors: FieldError[]
  /** One FieldValueUnknown error per field the schema does not know, already dropped from `value`. */
  unknownFields: FieldError[]
}

interface Context {
  errors: FieldError[]
  unknown: FieldError[]
}

/** Decodes `raw` against `schema`. Never throws and never modifies `raw`. */
export function decode<T>(schema: Schema<T>, raw: unknown): DecodeResult<T> {
  const ctx: Context = { errors: [], unknown: [] }
  const value = decodeNode(schema, raw, '', ctx)
  return { value: (value ?? {}) as T, errors: ctx.errors, unknownFields: ctx.unknown }
}

/** Records an error; the field is then left out of the decoded copy. */
function fail(ctx: Context, error: FieldError): undefined {
  ctx.errors.push(error)
  return undefined
}

function jsonType(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  return typeof v
}

function wrongType(path: string, value: unknown, expected: string): FieldError {
  const actual = jsonType(value)
  return typeInvalid(path, actual, `${path || 'body'} in body must be of type ${expected}: ${JSON.stringify(actual)}`)
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 }

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/** Parses an RFC 3339 time into UTC: `2006-01-02T15:04:05Z`, or with microseconds. */
export function normalizeTime(s: string, micro: boolean): string | undefined {
  const m = RFC3339.exec(s)
  if (!m) return undefined
  const ms = Date.parse(s)
  if (Number.isNaN(ms)) return undefined
  const whole = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)
  if (!micro) return `${whole}Z`
  const fraction = (m[7] ?? '.').slice(1).padEnd(6, '0').slice(0, 6)
  return `${whole}.${fraction}Z`
}

function zeroOf(node: SchemaNode): unknown {
  switch (node.kind) {
    case 'string':
    case 'enum':
      return ''
    case 'int':
    case 'number':
      return 0
    case 'bool':
      return false
    case 'object':
    case 'map':
      return {}
    case 'array':
      return []
    default:
      return undefined
  }
}

function decodeNode(node: SchemaNode, value: unknown, path: string, ctx: Context): unknown {
  if (value === undefined || value === null) return undefined
  switch (node.kind) {
    case 'string':
      if (typeof value !== 'string') return fail(ctx, wrongType(path, value, 'string'))
      if (node.format === 'byte' && !isBase64(value)) return fail(ctx, invalid(path, '<value omitted>', 'illegal base64 data'))
      return value
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return fail(ctx, wrongType(path, value, 'integer'))
      if (node.format === 'int32' ? value < INT32.min || value > INT32.max : !Number.isSafeInteger(value)) {
        return fail(ctx, invalid(path, value, `must fit in ${node.format === 'int32' ? '32' : '64'} bits`))
      }
      return value
    case 'number':
      if (typeof value !== 'number') return fail(ctx, wrongType(path, value, 'number'))
      return value
    case 'bool':
      if (typeof value !== 'boolean') return fail(ctx, wrongType(path, value, 'boolean'))
      return value
    case 'quantity':
      if (typeof value !== 'string' && typeof value !== 'number') return fail(ctx, wrongType(path, value, 'string'))
      try {
        return canonicalQuantity(value)
      } catch (e) {
        const detail = e instanceof QuantityError ? e.message : QUANTITY_FORMAT_ERROR
        return fail(ctx, invalid(path, value, detail))
      }
    case 'intOrString':
      if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) return value
      return fail(ctx, wrongType(path, value, 'integer or string'))
    case 'time': {
      if (typeof value !== 'string') return fail(ctx, wrongType(path, value, 'string'))
      const t = normalizeTime(value, node.micro)
      if (t === undefined) return fail(ctx, invalid(path, value, 'must be an RFC 3339 date-time, e.g. "2006-01-02T15:04:05Z"'))
      return t
    }
    case 'enum':
      return decodeEnum(node, value, path, ctx)
    case 'array': {
      if (!Array.isArray(value)) return fail(ctx, wrongType(path, value, 'array'))
      return value.map((item: unknown, i) => decodeNode(node.items, item ?? zeroOf(node.items), index(path, i), ctx))
    }
    case 'map': {
      if (!isPlainObject(value)) return fail(ctx, wrongType(path, value, 'object'))
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) {
        const decoded = decodeNode(node.values, v ?? zeroOf(node.values), key(path, k), ctx)
        if (decoded !== undefined) out[k] = decoded
      }
      return out
    }
    case 'object':
      return decodeObject(node, value, path, ctx)
    case 'any':
      return structuredClone(value)
  }
}

function decodeEnum(node: EnumNode, value: unknown, path: string, ctx: Context): unknown {
  if (typeof value !== 'string') return fail(ctx, wrongType(path, value, 'string'))
  if (value === '' || node.values.includes(value)) return value
  const supported = node.values.filter((v) => v !== '')
  const reason = Object.hasOwn(node.refused, value) ? node.refused[value] : undefined
  return fail(ctx, notSupported(path, value, supported, reason ? `not supported by Coxswain: ${reason}` : ''))
}

function decodeObject(node: ObjectNode, value: unknown, path: string, ctx: Context): unknown {
  if (!isPlainObject(value)) return fail(ctx, wrongType(path, value, 'object'))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    const fieldPath = child(path, k)
    const field = Object.hasOwn(node.fields, k) ? node.fields[k] : undefined
    if (field) {
      const decoded = decodeNode(field, v, fieldPath, ctx)
      if (decoded !== undefined) out[k] = decoded
      continue
    }
    const refused = Object.hasOwn(node.unsupported, k) ? node.unsupported[k] : undefined
    if (refused) {
      if (!isHarmless(refused, v)) ctx.errors.push(unsupportedField(fieldPath, refused.reason))
      continue
    }
    ctx.unknown.push(unknownField(fieldPath))
  }
  for (const [k, field] of Object.entries(node.fields)) {
    if (field.required && (value[k] === undefined || value[k] === null)) ctx.errors.push(required(child(path, k)))
  }
  return out
}

function isHarmless(refused: Unsupported, v: unknown): boolean {
  if (v === undefined || v === null) return true
  if (Array.isArray(v) && v.length === 0) return true
  const s = JSON.stringify(v)
  return refused.harmless.some((h) => JSON.stringify(h) === s)
}

function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s)
}
