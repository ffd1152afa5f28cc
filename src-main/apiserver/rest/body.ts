// Request bodies: read with a size limit (kube-apiserver's 3 MiB → 413), decoded from JSON, YAML
// or Kubernetes protobuf into plain JSON values no deeper than MAX_BODY_DEPTH.

import type { IncomingMessage } from 'node:http'
import { parseAllDocuments } from 'yaml'
import { badRequest, refusal } from './errors.ts'
import type { BodyFormat } from './negotiate.ts'
import { decodeKubernetesProtobuf, ProtobufError } from './protobuf/decode.ts'

/** kube-apiserver's limit for a request body (`--max-request-body-bytes` default, 3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024

/**
 * How deeply a body may nest. kube-apiserver's JSON decoder stops at 10,000 levels, but here the
 * copies and merges a write goes through recurse on V8's stack, which runs out near 2,000 levels
 * (a 500 "Maximum call stack size exceeded"). No object of a served kind comes near this limit.
 */
export const MAX_BODY_DEPTH = 500

const tooLarge = (limit: number) => refusal('RequestEntityTooLarge', `Request entity too large: limit is ${limit}`)

/** Reads the whole body; rejects with a 413 as soon as it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw tooLarge(limit)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size)
}

/** The body as a JSON value, from JSON, YAML (one document) or protobuf; 400 when nested too deeply. */
export function decodeBody(body: Buffer, format: BodyFormat): unknown {
  return limitNesting(decodeFormat(body, format), 'the request body')
}

/** `value` itself; throws a 400 when it nests deeper than `limit` (walked without recursion). */
export function limitNesting<T>(value: T, what: string, limit = MAX_BODY_DEPTH): T {
  const pending: [unknown, number][] = [[value, 1]]
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next
    if (node === null || typeof node !== 'object') continue
    if (depth > limit) throw badRequest(`${what} is nested too deeply: more than ${limit} levels of objects and arrays`)
    for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push([child, depth + 1])
  }
  return value
}

function decodeFormat(body: Buffer, format: BodyFormat): unknown {
  if (format === 'protobuf') {
    try {
      return decodeKubernetesProtobuf(body)
    } catch (err) {
      if (!(err instanceof ProtobufError)) throw err
      throw err.unsupported ? refusal('UnsupportedMediaType', err.message) : badRequest(`the protobuf body could not be read: ${err.message}`)
    }
  }
  const text = body.toString('utf8')
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown
    } catch (err) {
      throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`)
    }
  }
  const docs = parseAllDocuments(text)
  if (!Array.isArray(docs)) return null
  const content = docs.filter((d) => d.contents !== null || d.errors.length > 0)
  if (content.length > 1) throw badRequest('the request body holds several YAML documents; send one object per request')
  const doc = content[0]
  if (!doc) throw badRequest('the request body is empty')
  if (doc.errors.length) throw badRequest(`the request body is not valid YAML: ${doc.errors[0]?.message ?? 'parse error'}`)
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown
  } catch (err) {
    // Too many aliases (a "billion laughs" body), or nesting too deep for the converter.
    throw badRequest(`the request body is not valid YAML: ${(err as Error).message}`)
  }
}
