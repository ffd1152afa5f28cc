// Plain JSON values and the few helpers the patchers share. Objects are read with `Object.hasOwn`
// and written with `setField`, so keys such as "__proto__" or "constructor" in a client's patch are
// ordinary data, never prototype lookups or prototype writes.

export type JsonPrimitive = string | number | boolean | null
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject
export interface JsonObject {
  [key: string]: JsonValue
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function hasField(obj: JsonObject, key: string): boolean {
  return Object.hasOwn(obj, key)
}

/** The field's value, or undefined when the object does not have it as its own. */
export function getField(obj: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined
}

/** Sets an own, enumerable field, even one named "__proto__". */
export function setField(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true })
  } else {
    obj[key] = value
  }
}

export function deleteField(obj: JsonObject, key: string): void {
  Reflect.deleteProperty(obj, key)
}

/** A deep copy that shares nothing with `value`; fields holding `undefined` are dropped, as JSON would. */
export function cloneJson(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map((item) => cloneJson(item === undefined ? null : item))
  if (isJsonObject(value)) {
    const copy: JsonObject = {}
    for (const [key, field] of Object.entries(value)) {
      if (field !== undefined) setField(copy, key, cloneJson(field))
    }
    return copy
  }
  return value as JsonPrimitive
}

/** Structural equality of two JSON values (object key order does not matter). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]))
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((key) => hasField(b, key) && jsonEqual(a[key], b[key]))
  }
  return false
}

/** Short JSON for error messages: long values are cut, so a message never carries a whole object. */
export function preview(value: unknown, max = 120): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** "an object", "an array", "a string", "null": what a value is, for error messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}
