// A fingerprint of what a container was created from, kept in a label: when the pod's spec for the
// container changes (in Kubernetes only the image may), the agent sees the running container no
// longer matches and replaces it, as the kubelet does with its container hash.

import { createHash } from 'node:crypto'
import type { Container, Pod, Volume } from '../../api/types/pod.ts'

/** JSON with object keys sorted at every level and undefined members left out. */
export function canonicalJSON(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJSON(v))).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJSON(v)}`).join(',')}}`
}

/**
 * 16 hex digits of SHA-256 over the container and the pod volumes it mounts: the same for the
 * same spec whatever the key order, different when anything the container is made from differs.
 */
export function containerSpecHash(pod: Pod, container: Container): string {
  const mounted = new Set((container.volumeMounts ?? []).map((m) => m.name))
  const volumes: Volume[] = (pod.spec?.volumes ?? []).filter((v) => mounted.has(v.name))
  return createHash('sha256')
    .update(canonicalJSON({ container, volumes }))
    .digest('hex')
    .slice(0, 16)
}
