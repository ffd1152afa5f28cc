// Test helpers for the patchers.

import { readFileSync } from 'node:fs'

/** Freezes `value` and everything in it, so a test fails if a patcher modifies its inputs. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const field of Object.values(value)) deepFreeze(field)
  }
  return value
}

/** A JSON file from ./testdata, parsed (read at run time so the type checker does not infer a type from it). */
export function readTestdata(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8'))
}
