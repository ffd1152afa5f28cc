// Writing answers: JSON (or YAML) bodies with no-store caching, Status errors, and the Warning
// headers that carry admission warnings (`Warning: 299 - "unknown field \"spec.foo\""`), which
// kubectl prints as "Warning: …".

import type { ServerResponse } from 'node:http'
import { stringify } from 'yaml'
import type { Status } from '../../api/types/meta.ts'

/** kube-apiserver caps warnings too: this many per response, each at most this long. */
const MAX_WARNINGS = 20
const MAX_WARNING_LENGTH = 2048

/**
 * One `Warning` header value (RFC 7234 §5.5): code 299, agent "-", the text as a quoted string.
 * Control characters become spaces; non-ASCII text is sent as its UTF-8 bytes, which Go clients
 * read back as UTF-8 (Node only lets Latin-1 into headers, hence the byte-wise string).
 */
export function warningHeaderValue(text: string): string {
  const clean = text.replace(/\p{Cc}/gu, ' ').slice(0, MAX_WARNING_LENGTH)
  const quoted = `"${clean.replace(/[\\"]/g, (c) => `\\${c}`)}"`
  return `299 - ${Buffer.from(quoted, 'utf8').toString('latin1')}`
}

export function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  const unique = [...new Set(warnings)].slice(0, MAX_WARNINGS)
  return unique.length ? { Warning: unique.map(warningHeaderValue) } : {}
}

export interface SendOptions {
  /** application/json (default) or application/yaml. */
  mediaType?: string
  headers?: Record<string, string | string[]>
}

export function sendBody(res: ServerResponse, code: number, body: unknown, options: SendOptions = {}): void {
  const mediaType = options.mediaType ?? 'application/json'
  const payload = mediaType === 'application/yaml' ? stringify(body, { lineWidth: 0 }) : JSON.stringify(body)
  res.writeHead(code, {
    'Content-Type': mediaType,
    'Content-Length': Buffer.byteLength(payload),
    // Cluster state and secrets: no cache may keep them.
    'Cache-Control': 'no-store',
    ...options.headers,
  })
  res.end(payload)
}

export function sendStatus(res: ServerResponse, status: Status, headers: Record<string, string | string[]> = {}): void {
  sendBody(res, status.code ?? 500, status, { headers })
}

export function sendPlain(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' })
  res.end(text)
}
