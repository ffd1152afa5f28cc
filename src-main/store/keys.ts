// Object keys and their order. Lists come back ordered by (namespace, name) in code point order,
// which is what SQLite's BINARY collation gives for UTF-8 text (and etcd's byte order of keys).

import type { KubeObject, ObjectKey } from './types.ts'

/** The position of a key within one resource: what a list is ordered by and continues after. */
export interface KeyPosition {
  namespace: string
  name: string
}

/** Where `object` is stored. Throws (a programming error, not a store error) when it has no name. */
export function keyOf(resource: string, object: KubeObject): ObjectKey {
  const metadata = object.metadata as Partial<KubeObject['metadata']> | undefined
  const name = metadata?.name
  if (typeof name !== 'string' || name === '') throw new TypeError(`store: ${resource} object has no metadata.name`)
  const namespace = metadata?.namespace ?? ''
  if (typeof namespace !== 'string') throw new TypeError(`store: ${resource} "${name}" has a non-string metadata.namespace`)
  return { resource, namespace, name }
}

/**
 * Compares strings by Unicode code point (not UTF-16 unit): surrogates (U+D800–DFFF) encode code
 * points above U+FFFF, so they must sort after U+E000–FFFF, as their UTF-8 bytes do.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000
  if (unit >= 0xe000) return unit - 0x800
  return unit
}

export function comparePositions(a: KeyPosition, b: KeyPosition): number {
  return compareCodePoints(a.namespace, b.namespace) || compareCodePoints(a.name, b.name)
}

/** An unambiguous map key for (namespace, name) within one resource. */
export function positionId(namespace: string, name: string): string {
  return JSON.stringify([namespace, name])
}
