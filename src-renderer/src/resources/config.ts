// ConfigMaps and Secrets. A Secret's values never reach a list: only its keys' names and count.

import type { ConfigMap, Secret } from '../../../src-main/api/types/core.ts'
import type { ColumnSpec } from './columns.ts'
import { ageColumn, nameColumn, namespaceColumn } from './common.ts'

export const dataKeys = (obj: { data?: Record<string, string>; binaryData?: Record<string, string> }): string[] =>
  [...Object.keys(obj.data ?? {}), ...Object.keys(obj.binaryData ?? {})].sort()

export const configMapColumns: ColumnSpec<ConfigMap>[] = [
  nameColumn(),
  namespaceColumn(),
  { id: 'data', label: 'Keys', width: '4.5rem', align: 'end', text: (c) => String(dataKeys(c).length), sortValue: (c) => dataKeys(c).length },
  { id: 'keys', label: 'Key names', width: 'minmax(8rem, 2fr)', text: (c) => dataKeys(c).join(', ') },
  ageColumn(),
]

export const secretColumns: ColumnSpec<Secret>[] = [
  nameColumn(),
  namespaceColumn(),
  { id: 'type', label: 'Type', width: 'minmax(8rem, 1.5fr)', text: (s) => s.type ?? 'Opaque' },
  { id: 'data', label: 'Keys', width: '4.5rem', align: 'end', text: (s) => String(dataKeys(s).length), sortValue: (s) => dataKeys(s).length },
  { id: 'keys', label: 'Key names', width: 'minmax(8rem, 2fr)', text: (s) => dataKeys(s).join(', ') },
  ageColumn(),
]

/** A Secret with every value replaced, for showing its shape without its contents. */
export function redactSecret(secret: Secret): Secret {
  const hidden = (data: Record<string, string> | undefined): Record<string, string> | undefined =>
    data && Object.fromEntries(Object.keys(data).map((k) => [k, '••••••']))
  const out: Secret = { ...secret, metadata: withoutLastApplied(secret.metadata) }
  const data = hidden(secret.data)
  if (data) out.data = data
  const stringData = hidden(secret.stringData)
  if (stringData) out.stringData = stringData
  return out
}

/** A Secret's values decoded from base64 as UTF-8 text (binary shown as base64). */
export function decodeSecretData(secret: Secret): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(secret.data ?? {})) {
    try {
      const bytes = Uint8Array.from(atob(v), (c) => c.charCodeAt(0))
      out[k] = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      out[k] = v
    }
  }
  return out
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

/** kubectl apply keeps the whole object, values included, in an annotation: drop it too. */
function withoutLastApplied(meta: Secret['metadata']): Secret['metadata'] {
  if (!meta.annotations?.[LAST_APPLIED]) return meta
  const annotations = Object.fromEntries(Object.entries(meta.annotations).filter(([k]) => k !== LAST_APPLIED))
  return { ...meta, annotations }
}
