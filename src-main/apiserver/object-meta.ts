// The metadata the API server owns, as kube-apiserver manages it: uid, creationTimestamp and
// generation on create, names from generateName, the system fields an update may not change.
// Functions here modify the object they are given (the API server's private copy).

import type { KubeObject } from '../api/index.ts'

/** Kubernetes `Time`: RFC 3339 in UTC with second precision. */
export function formatTime(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** The letters Kubernetes' name generator draws from (no vowels, no look-alikes: no bad words, no confusion). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
export const GENERATED_SUFFIX_LENGTH = 5
const MAX_GENERATED_NAME_LENGTH = 63

/** A random 5-character suffix, as `names.SimpleNameGenerator`. */
export function randomSuffix(random: () => number = Math.random): string {
  let out = ''
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) out += SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)] ?? 'x'
  return out
}

/** `web-` → `web-x7k2q`; a long prefix is cut so the name stays within 63 characters. */
export function generateName(prefix: string, suffix: string): string {
  return prefix.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix
}

/** FillObjectMetaSystemFields and the create-time resets: a new uid, now, generation 1, no deletion or managed fields. */
export function fillCreateMeta(obj: KubeObject, uid: string, now: string): void {
  const m = obj.metadata
  m.uid = uid
  m.creationTimestamp = now
  m.generation = 1
  delete m.deletionTimestamp
  delete m.deletionGracePeriodSeconds
  delete m.managedFields
  delete m.selfLink
}

function copyMetaField<K extends keyof KubeObject['metadata']>(to: KubeObject, from: KubeObject, field: K): void {
  const value = from.metadata[field]
  if (value === undefined) Reflect.deleteProperty(to.metadata, field)
  else to.metadata[field] = structuredClone(value)
}

/**
 * BeforeUpdate's system fields: what the stored object says wins for creation time, deletion
 * state and generation (the strategy bumps it afterwards); an empty uid is the stored one.
 */
export function fillUpdateMeta(next: KubeObject, old: KubeObject): void {
  const m = next.metadata
  if (!m.uid) m.uid = old.metadata.uid
  for (const field of ['creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion'] as const) {
    copyMetaField(next, old, field)
  }
  delete m.managedFields
  delete m.selfLink
}
