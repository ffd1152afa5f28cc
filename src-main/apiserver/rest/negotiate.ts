// Content negotiation as kube-apiserver does it: the Accept header is a list of media ranges
// (highest q first, ties in the client's order) and the first one we can produce wins. Media type
// parameters choose a transformed answer: `as=Table;g=meta.k8s.io;v=v1` (what `kubectl get`
// prints), `as=PartialObjectMetadata[List]` (metadata-only clients) and, for /api and /apis,
// `as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2|v2beta1` (aggregated discovery). Protobuf
// and CBOR are never chosen, so clients that list JSON as well fall back to it.

import { refusal } from './errors.ts'

export interface MediaRange {
  /** Lower case: "application", "*". */
  type: string
  subtype: string
  /** Parameter names lower case; values as sent. */
  params: Record<string, string>
  q: number
}

/** Splits on `sep` outside double quotes. */
function splitUnquoted(text: string, sep: string): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (const ch of text) {
    if (ch === '"') quoted = !quoted
    if (ch === sep && !quoted) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts
}

/** One media type with parameters: `application/json; charset=utf-8` (the Content-Type form). */
export function parseMediaType(text: string): { type: string; subtype: string; params: Record<string, string> } | null {
  const [full = '', ...rawParams] = splitUnquoted(text, ';')
  const slash = full.indexOf('/')
  if (slash <= 0) return null
  const type = full.slice(0, slash).trim().toLowerCase()
  const subtype = full.slice(slash + 1).trim().toLowerCase()
  if (!type || !subtype) return null
  const params: Record<string, string> = {}
  for (const raw of rawParams) {
    const eq = raw.indexOf('=')
    if (eq <= 0) continue
    let value = raw.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
    params[raw.slice(0, eq).trim().toLowerCase()] = value
  }
  return { type, subtype, params }
}

/** The Accept header's media ranges, best first. An absent or empty header accepts anything. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header || !header.trim()) return [{ type: '*', subtype: '*', params: {}, q: 1 }]
  const ranges: MediaRange[] = []
  for (const clause of splitUnquoted(header, ',')) {
    const media = parseMediaType(clause)
    if (!media) continue
    const { q: rawQ, ...params } = media.params
    const q = rawQ === undefined ? 1 : Number(rawQ)
    if (!Number.isFinite(q) || q <= 0) continue
    ranges.push({ type: media.type, subtype: media.subtype, params, q: Math.min(q, 1) })
  }
  // Array.prototype.sort is stable: equal q keeps the client's order.
  return ranges.sort((a, b) => b.q - a.q)
}

function isJson(r: MediaRange): boolean {
  return (r.type === 'application' && (r.subtype === 'json' || r.subtype === '*')) || (r.type === '*' && r.subtype === '*')
}

function isYaml(r: MediaRange): boolean {
  return r.type === 'application' && r.subtype === 'yaml'
}

export type MetaVersion = 'v1' | 'v1beta1'

/** What to answer a GET (or a write) with. */
export type Rendering =
  | { as: 'object'; mediaType: 'application/json' | 'application/yaml' }
  | { as: 'Table'; version: MetaVersion }
  | { as: 'PartialObjectMetadata'; version: MetaVersion }
  | { as: 'PartialObjectMetadataList'; version: MetaVersion }

export interface RenderTarget {
  /** The request reads objects (get, list, watch): only then may the answer be a Table or metadata. */
  read: boolean
  /** A list (collection GET) rather than one object; a watch counts as neither. */
  list: boolean
  watch: boolean
}

const ACCEPTED = 'application/json, application/yaml'

function metaVersion(r: MediaRange): MetaVersion | null {
  if (r.params.g !== 'meta.k8s.io') return null
  return r.params.v === 'v1' || r.params.v === 'v1beta1' ? r.params.v : null
}

function renderingFor(r: MediaRange, target: RenderTarget): Rendering | null {
  if (isYaml(r)) return target.watch || r.params.as ? null : { as: 'object', mediaType: 'application/yaml' }
  if (!isJson(r)) return null
  const as = r.params.as
  if (as === undefined) return { as: 'object', mediaType: 'application/json' }
  if (!target.read) return null
  const version = metaVersion(r)
  if (!version) return null
  if (as === 'Table') return { as: 'Table', version }
  if (as === 'PartialObjectMetadata' && (!target.list || target.watch)) return { as: 'PartialObjectMetadata', version }
  if (as === 'PartialObjectMetadataList' && (target.list || target.watch)) return { as: 'PartialObjectMetadataList', version }
  return null
}

/** Picks the answer's form, or throws a 406 listing what we can produce. */
export function negotiateRendering(accept: string | undefined, target: RenderTarget): Rendering {
  for (const range of parseAccept(accept)) {
    const rendering = renderingFor(range, target)
    if (rendering) return rendering
  }
  throw refusal('NotAcceptable', `only the following media types are accepted: ${ACCEPTED}`)
}

export type DiscoveryRendering = 'legacy' | 'aggregated-v2' | 'aggregated-v2beta1'

export const AGGREGATED_DISCOVERY_CONTENT_TYPE: Record<'aggregated-v2' | 'aggregated-v2beta1', string> = {
  'aggregated-v2': 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'aggregated-v2beta1': 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
}

/** For /api and /apis: aggregated discovery when asked for, else the classic documents. */
export function negotiateDiscovery(accept: string | undefined): DiscoveryRendering {
  for (const range of parseAccept(accept)) {
    if (!isJson(range)) continue
    const { as, g, v } = range.params
    if (as === undefined) return 'legacy'
    if (as === 'APIGroupDiscoveryList' && g === 'apidiscovery.k8s.io') {
      if (v === 'v2') return 'aggregated-v2'
      if (v === 'v2beta1') return 'aggregated-v2beta1'
    }
  }
  throw refusal('NotAcceptable', `only the following media types are accepted: application/json, ${AGGREGATED_DISCOVERY_CONTENT_TYPE['aggregated-v2']}`)
}

/** For documents only served as JSON (OpenAPI, other discovery): JSON if the client takes it, else 406. */
export function negotiateJsonOnly(accept: string | undefined): void {
  for (const range of parseAccept(accept)) {
    if (isJson(range) && range.params.as === undefined) return
  }
  throw refusal('NotAcceptable', 'only the following media types are accepted: application/json')
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf'

/** The request body's format (POST, PUT, DELETE): JSON unless another is named; anything else is a 415. */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  if (!contentType || !contentType.trim()) return 'json'
  const media = parseMediaType(contentType)
  const name = media ? `${media.type}/${media.subtype}` : contentType.trim()
  if (name === 'application/json') return 'json'
  if (name === 'application/yaml') return 'yaml'
  if (name === 'application/vnd.kubernetes.protobuf') return 'protobuf'
  throw refusal(
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${name}) - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
  )
}
