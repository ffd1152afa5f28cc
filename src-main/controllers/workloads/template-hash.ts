// The pod-template-hash label: a short, stable name for a pod template, as controller.ComputeHash —
// FNV-32a over the template (here its canonical JSON, keys sorted) and the collision count, the
// decimal value then spelt in the vowel-free alphabet of rand.SafeEncodeString, so a name never
// spells a word. A collision (another ReplicaSet already has the name) bumps the count.

import type { PodTemplateSpec } from '../../api/index.ts'

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash'

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

/** Absent, null, and empty objects and lists: all "not set", as Kubernetes' semantic equality sees them. */
function unset(json: string): boolean {
  return json === 'null' || json === '{}' || json === '[]'
}

/**
 * JSON with object keys sorted at every level and unset fields left out, so two templates that
 * differ only in how a client wrote "nothing" (`resources: {}`, `creationTimestamp: null`, as Go
 * clients such as kubectl send) read the same.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => [k, canonicalJson(v)] as const)
    .filter(([, json]) => !unset(json))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, json]) => `${JSON.stringify(k)}:${json}`).join(',')}}`
}

export function fnv32a(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

export function safeEncode(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length]
  return out
}

export function computeTemplateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  const text = canonicalJson(template ?? {}) + (collisionCount ? `#${collisionCount}` : '')
  return safeEncode(String(fnv32a(text)))
}

/** The template without the pod-template-hash label, for comparing a Deployment's with a ReplicaSet's. */
export function withoutHashLabel(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(template ?? {})
  const labels = copy.metadata?.labels
  if (labels && copy.metadata && POD_TEMPLATE_HASH_LABEL in labels) {
    const rest = Object.entries(labels).filter(([key]) => key !== POD_TEMPLATE_HASH_LABEL)
    if (rest.length > 0) copy.metadata.labels = Object.fromEntries(rest)
    else delete copy.metadata.labels
  }
  return copy
}

/** Same template, ignoring the pod-template-hash label (deploymentutil.EqualIgnoreHash). */
export function equalIgnoringHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b))
}
