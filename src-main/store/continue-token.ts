// Continue tokens: opaque to clients, they hold the revision of a list's first page and the last
// key returned, so the next page reads the same snapshot from just after that key.

import type { KeyPosition } from './keys.ts'
import type { Revision } from './types.ts'

export interface ContinuePoint {
  revision: Revision
  /** The last key returned; the next page starts strictly after it. */
  after: KeyPosition
}

const VERSION = 1

export function encodeContinue(point: ContinuePoint): string {
  const body = { v: VERSION, rev: point.revision, ns: point.after.namespace, name: point.after.name }
  return Buffer.from(JSON.stringify(body)).toString('base64url')
}

/** The point a token names; throws an Error saying why when it is not one of ours. */
export function decodeContinue(token: string): ContinuePoint {
  let body: unknown
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    throw new Error('not a token this server issued')
  }
  if (typeof body !== 'object' || body === null) throw new Error('not a token this server issued')
  const { v, rev, ns, name } = body as Record<string, unknown>
  if (v !== VERSION) throw new Error(`unknown token version ${JSON.stringify(v)}`)
  if (typeof rev !== 'number' || !Number.isSafeInteger(rev) || rev < 0) throw new Error('bad revision')
  if (typeof ns !== 'string' || typeof name !== 'string') throw new Error('bad start key')
  return { revision: rev, after: { namespace: ns, name } }
}
