// The OpenAPI endpoints. kubectl uses them to validate manifests (does PATCH take
// `fieldValidation`? then the server validates), for `kubectl explain`, and for strategic merge
// metadata. v2 is served as JSON or, for the clients that ask for it (kubectl up to 1.29 accepts
// nothing else), as gnostic's protobuf. v3 documents are addressed with a content hash: a matching
// hash may be cached for good, a stale one is redirected to the current document, as
// kube-apiserver does.

import type { ServerResponse } from 'node:http'
import { openApiV2, openApiV3, openApiV3Index } from '../../api/openapi.ts'
import { notFoundPath, refusal } from './errors.ts'
import { negotiateJsonOnly, parseAccept } from './negotiate.ts'
import { encodeOpenApiV2, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from './protobuf/openapi-v2.ts'
import { sendBody, sendStatus } from './respond.ts'
import { kubernetesApiVersion } from './version.ts'

const info = () => ({ version: kubernetesApiVersion() })

/** Cacheable answers: the documents change only with the code, and they are not secret. */
const IMMUTABLE = { 'Cache-Control': 'private, max-age=31536000, immutable' }

function path(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`
}

/** The current hash of a group-version's v3 document, from the index. */
export function openApiV3Hash(group: string, version: string): string | undefined {
  const paths = (openApiV3Index(info()).paths ?? {}) as Record<string, { serverRelativeURL?: string }>
  const url = paths[path(group, version)]?.serverRelativeURL
  return url ? new URL(url, 'http://x').searchParams.get('hash') ?? undefined : undefined
}

let v2Protobuf: { version: string; bytes: Buffer } | undefined

/** The v2 document in protobuf, encoded once per process. */
function openApiV2Protobuf(): Buffer {
  const version = kubernetesApiVersion()
  if (v2Protobuf?.version !== version) v2Protobuf = { version, bytes: encodeOpenApiV2(openApiV2(info())) }
  return v2Protobuf.bytes
}

/** `…spec.v2@v1.0+protobuf`, also spelled `…spec.v2.v1.0+protobuf` by older clients. */
function isOpenApiProtobuf(type: string, subtype: string): boolean {
  return type === 'application' && /^com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf$/.test(subtype)
}

export function serveOpenApiV2(res: ServerResponse, accept: string | undefined): void {
  for (const range of parseAccept(accept)) {
    if (isOpenApiProtobuf(range.type, range.subtype)) {
      const bytes = openApiV2Protobuf()
      res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF_CONTENT_TYPE, 'Content-Length': bytes.length, 'Cache-Control': 'no-store' })
      res.end(bytes)
      return
    }
    if ((range.type === 'application' || range.type === '*') && (range.subtype === 'json' || range.subtype === '*') && !range.params.as) {
      sendBody(res, 200, openApiV2(info()))
      return
    }
  }
  throw refusal('NotAcceptable', `only the following media types are accepted: application/json, ${OPENAPI_V2_PROTOBUF}`)
}

export function serveOpenApiV3Index(res: ServerResponse, accept: string | undefined): void {
  negotiateJsonOnly(accept)
  sendBody(res, 200, openApiV3Index(info()))
}

export function serveOpenApiV3(res: ServerResponse, accept: string | undefined, group: string, version: string, hash: string | null): void {
  const doc = openApiV3(group, version, info())
  if (!doc) {
    sendStatus(res, notFoundPath())
    return
  }
  negotiateJsonOnly(accept)
  const current = openApiV3Hash(group, version)
  if (hash && current && hash !== current) {
    res.writeHead(301, { Location: `/openapi/v3/${path(group, version)}?hash=${current}`, 'Cache-Control': 'no-store', 'Content-Length': 0 })
    res.end()
    return
  }
  sendBody(res, 200, doc, { headers: hash ? IMMUTABLE : { Etag: `"${current ?? ''}"` } })
}
