// Mutations of valid manifests for fuzzing the API: drop a field, give it a value of another
// type, insert a random key, put a random string or number in its place — or, gently, changes
// that often keep a manifest valid (new labels, other words, small numbers, unknown keys). All
// randomness comes from a SeededRandom, so a seed replays the same mutations.

import type { SeededRandom } from './random.ts'

export type Json = Record<string, unknown>

type Path = (string | number)[]

/** Every path in `value` that leads somewhere (objects' keys and arrays' indices), the root excluded. */
export function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (value === null || typeof value !== 'object') return out
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)
  for (const [key, child] of entries) {
    out.push([...prefix, key])
    pathsOf(child, [...prefix, key], out)
  }
  return out
}

function parentOf(root: Json, path: Path): Record<string | number, unknown> {
  let node: unknown = root
  for (const segment of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[segment]
  return node as Record<string | number, unknown>
}

const strings = ['', ' ', 'web', 'Web!', '../..', '${HOME}', 'null', 'true', '0', '-1', 'ünïcødé', '🚀', 'a'.repeat(300), 'x\u0000y', '\ud800', 'IfNotPresent', 'TCP', '100m', '1e3']

export function randomValue(rng: SeededRandom, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 6 : 9)) {
    case 0:
      return rng.pick([0, -1, 1, 80, 65536, 2 ** 31, 2 ** 53 + 1, 1e308, -0.5, 3.14])
    case 1:
      return rng.chance(0.5)
    case 2:
      return null
    case 3:
      return rng.pick(strings)
    case 4:
      return rng.string(1 + rng.int(20), 'abcdefghijklmnopqrstuvwxyzABC0123456789-._/: ')
    case 5:
      return rng.string(rng.int(8))
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1))
    default: {
      const obj: Json = {}
      for (let i = rng.int(4); i > 0; i--) obj[rng.pick(['name', 'image', 'port', 'value', 'spec', 'metadata', rng.string(5)])] = randomValue(rng, depth + 1)
      return obj
    }
  }
}

/** One random mutation of `doc`, in place: anything at all, so usually an invalid manifest. */
function mutateWildly(doc: Json, rng: SeededRandom): void {
  const path = rng.pick(pathsOf(doc))
  const parent = parentOf(doc, path)
  const last = path.at(-1) as string | number
  if (rng.chance(0.02)) {
    // Nesting twice as deep as the API server takes (500 levels).
    parent[last] = JSON.parse('['.repeat(1000) + ']'.repeat(1000)) as unknown
    return
  }
  switch (rng.int(5)) {
    case 0: // drop the field (or list item)
      if (Array.isArray(parent)) parent.splice(last as number, 1)
      else Reflect.deleteProperty(parent, last)
      return
    case 1: // a value of another type
      parent[last] = randomValue(rng)
      return
    case 2: {
      // a random key inside an object (or an item appended to a list)
      const target = parent[last]
      if (Array.isArray(target)) target.push(randomValue(rng))
      else if (target !== null && typeof target === 'object') (target as Json)[rng.pick(['extra', 'name', 'Spec', '$patch', rng.string(6)])] = randomValue(rng)
      else parent[last] = { [rng.string(4)]: randomValue(rng) }
      return
    }
    case 3: // a random string
      parent[last] = typeof parent[last] === 'string' ? rng.pick(strings) : rng.string(1 + rng.int(12))
      return
    default: // a random number
      parent[last] = rng.pick([0, -1, 7, 443, 65536, 1.5, 2 ** 40])
  }
}

/** One mutation of `doc`, in place, that often keeps the manifest valid: new labels, strings, small numbers, unknown keys. */
function mutateGently(doc: Json, rng: SeededRandom): void {
  const paths = pathsOf(doc)
  switch (rng.int(4)) {
    case 0: {
      const metadata = doc.metadata as Json
      const labels = (metadata.labels ??= {}) as Json
      labels[rng.string(1 + rng.int(10), 'abcxyz')] = rng.string(rng.int(12), 'abcxyz0123456789-._')
      return
    }
    case 1: {
      // A string leaf becomes another lowercase word: sometimes a valid image or name, sometimes not.
      const leaves = paths.filter((p) => typeof parentOf(doc, p)[p.at(-1) as string] === 'string')
      const path = rng.pick(leaves)
      parentOf(doc, path)[path.at(-1) as string] = rng.string(1 + rng.int(10), 'abcdefghij')
      return
    }
    case 2: {
      const numbers = paths.filter((p) => typeof parentOf(doc, p)[p.at(-1) as string] === 'number')
      if (numbers.length === 0) return
      const path = rng.pick(numbers)
      parentOf(doc, path)[path.at(-1) as string] = rng.int(100)
      return
    }
    default: {
      // An unknown key in some object: dropped (Warn, Ignore) or refused (Strict).
      const objects = paths.filter((p) => {
        const v = parentOf(doc, p)[p.at(-1) as string]
        return v !== null && typeof v === 'object' && !Array.isArray(v)
      })
      const path = rng.pick(objects)
      ;(parentOf(doc, path)[path.at(-1) as string] as Json)[`x${rng.string(5)}`] = randomValue(rng)
    }
  }
}


/** 1–3 mutations of `doc`, in place: wild ones (usually invalid) or, 40 % of the time, gentle ones. */
export function mutate(doc: Json, rng: SeededRandom): void {
  const mutation = rng.chance(0.4) ? mutateGently : mutateWildly
  for (let m = 1 + rng.int(3); m > 0; m--) mutation(doc, rng)
}
