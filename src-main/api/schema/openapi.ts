// OpenAPI documents derived from the schemas: a swagger 2.0 document for the whole API and an
// OpenAPI 3.0 document per group-version, shaped as kube-apiserver's are, which is what kubectl
// needs:
//  - `kubectl explain` looks definitions up by `x-kubernetes-group-version-kind`;
//  - kubectl ≥ 1.27 asks the v3 document whether PATCH on a kind takes the `fieldValidation`
//    query parameter and, when it does, leaves validation to the server (our decode.ts);
//  - older kubectl validates client-side against the v2 definitions.
// Unsupported fields appear untyped, described as unsupported, so kubectl lets them through and
// the server rejects them with the reason instead of a bare "unknown field".

import { deleteOptionsSchema, listMetaSchema, patchSchema, statusSchema } from './meta.ts'
import type { GroupVersionKind, ObjectNode, SchemaNode } from './dsl.ts'

type Json = Record<string, unknown>

export interface OpenApiSubresource {
  name: string
  /** The body's schema for status/scale/binding/eviction; absent for log and exec (text streams). */
  schema?: ObjectNode
}

/** What the generator needs to know of a resource; the registry's entries satisfy it. */
export interface OpenApiResource {
  group: string
  version: string
  kind: string
  resource: string
  namespaced: boolean
  verbs: readonly string[]
  subresources: readonly OpenApiSubresource[]
  schema: ObjectNode
}

export const QUANTITY_DEF = 'io.k8s.apimachinery.pkg.api.resource.Quantity'
export const INT_OR_STRING_DEF = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString'
export const TIME_DEF = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time'
export const MICRO_TIME_DEF = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime'

type Version = 2 | 3

const refPrefix = (v: Version): string => (v === 2 ? '#/definitions/' : '#/components/schemas/')

function ref(v: Version, name: string, description?: string, extra: Json = {}): Json {
  const target = { $ref: refPrefix(v) + name }
  if (v === 2) return { ...target, ...(description ? { description } : {}), ...extra }
  // OpenAPI 3.0 ignores siblings of $ref; Kubernetes wraps the reference in allOf to keep them.
  if (!description && Object.keys(extra).length === 0) return target
  return { allOf: [target], ...(description ? { description } : {}), ...extra }
}

function scalarDefinitions(v: Version): Record<string, Json> {
  return {
    [QUANTITY_DEF]: {
      description:
        'Quantity is a fixed-point representation of a number: "500m" CPU is half a core, "128Mi" memory is 128 MiB. Plain numbers are accepted and canonicalised.',
      ...(v === 2 ? { type: 'string' } : { oneOf: [{ type: 'string' }, { type: 'number' }] }),
    },
    [INT_OR_STRING_DEF]: {
      description: 'IntOrString is a type that can hold an int32 or a string.',
      format: 'int-or-string',
      ...(v === 2 ? { type: 'string' } : { oneOf: [{ type: 'integer' }, { type: 'string' }] }),
    },
    [TIME_DEF]: {
      description: 'Time is an RFC 3339 date and time in UTC with second precision.',
      type: 'string',
      format: 'date-time',
    },
    [MICRO_TIME_DEF]: {
      description: 'MicroTime is an RFC 3339 date and time in UTC with microsecond precision.',
      type: 'string',
      format: 'date-time',
    },
  }
}

/** Collects OpenAPI definitions for object schemas and everything they reference. */
class Definitions {
  readonly defs: Record<string, Json> = {}
  private readonly v: Version
  private readonly scalars: Record<string, Json>

  constructor(v: Version) {
    this.v = v
    this.scalars = scalarDefinitions(v)
  }

  add(node: ObjectNode, extraGvk?: readonly GroupVersionKind[]): void {
    if (Object.hasOwn(this.defs, node.name)) return
    const def: Json = { description: node.typeDescription, type: 'object' }
    this.defs[node.name] = def
    const properties: Record<string, Json> = {}
    const requiredFields: string[] = []
    for (const [name, field] of Object.entries(node.fields)) {
      properties[name] = this.property(field)
      if (field.required) requiredFields.push(name)
    }
    for (const [name, u] of Object.entries(node.unsupported)) {
      properties[name] = { description: `Not supported by Coxswain: ${u.reason}.`, 'x-coxswain-unsupported': u.reason }
    }
    if (Object.keys(properties).length) def.properties = sortKeys(properties)
    if (requiredFields.length) def.required = requiredFields.sort()
    const gvk = extraGvk ?? node.gvk
    if (gvk) def['x-kubernetes-group-version-kind'] = gvk.map((g) => ({ group: g.group, kind: g.kind, version: g.version }))
  }

  private scalar(name: string): string {
    this.defs[name] ??= this.scalars[name] ?? {}
    return name
  }

  property(node: SchemaNode): Json {
    const d = node.description
    const described = d ? { description: d } : {}
    switch (node.kind) {
      case 'string':
        return { ...described, type: 'string', ...(node.format ? { format: node.format } : {}) }
      case 'int':
        return { ...described, type: 'integer', format: node.format }
      case 'number':
        return { ...described, type: 'number', format: 'double' }
      case 'bool':
        return { ...described, type: 'boolean' }
      case 'quantity':
        return ref(this.v, this.scalar(QUANTITY_DEF), d)
      case 'intOrString':
        return ref(this.v, this.scalar(INT_OR_STRING_DEF), d)
      case 'time':
        return ref(this.v, this.scalar(node.micro ? MICRO_TIME_DEF : TIME_DEF), d)
      case 'enum': {
        const values = [...node.values, ...Object.keys(node.refused)]
        const refusedNote = Object.keys(node.refused).length
          ? ` Not supported by Coxswain: ${Object.entries(node.refused)
              .map(([value, reason]) => `"${value}" (${reason})`)
              .join(', ')}.`
          : ''
        return { description: `${d ?? ''}${refusedNote}`.trim(), type: 'string', enum: values }
      }
      case 'array': {
        const out: Json = { ...described, type: 'array', items: this.property({ ...node.items, description: undefined } as SchemaNode) }
        const l = node.list
        if (l?.type) out['x-kubernetes-list-type'] = l.type
        if (l?.mapKeys) out['x-kubernetes-list-map-keys'] = [...l.mapKeys]
        if (l?.patchMergeKey) out['x-kubernetes-patch-merge-key'] = l.patchMergeKey
        if (l?.patchStrategy) out['x-kubernetes-patch-strategy'] = l.patchStrategy
        return out
      }
      case 'map':
        return { ...described, type: 'object', additionalProperties: this.property({ ...node.values, description: undefined } as SchemaNode) }
      case 'object': {
        this.add(node)
        const extra: Json = node.patchStrategy ? { 'x-kubernetes-patch-strategy': node.patchStrategy } : {}
        if (this.v === 3) extra.default = {}
        return ref(this.v, node.name, d, extra)
      }
      case 'any':
        return { ...described, type: 'object' }
    }
  }
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** The `<Kind>List` definition Kubernetes publishes next to each kind. */
export function listSchemaFor(r: OpenApiResource): ObjectNode {
  const name = r.schema.name + 'List'
  return {
    kind: 'object',
    name,
    typeDescription: `${r.kind}List is a list of ${r.kind} objects.`,
    description: `${r.kind}List is a list of ${r.kind} objects.`,
    fields: {
      apiVersion: { kind: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      items: { kind: 'array', items: r.schema, required: true, description: `List of ${r.resource}.` },
      kind: { kind: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { ...listMetaSchema, description: "Standard list metadata." },
    },
    unsupported: {},
    gvk: [{ group: r.group, version: r.version, kind: `${r.kind}List` }],
  }
}

// --- Paths ---------------------------------------------------------------------------------------

const groupWord = (group: string): string => {
  const first = group.split('.')[0] ?? ''
  return first === '' ? 'Core' : first[0]?.toUpperCase() + first.slice(1)
}
const versionWord = (version: string): string => version[0]?.toUpperCase() + version.slice(1)

export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`
}

interface Param {
  name: string
  in: 'query' | 'path'
  description: string
  type: 'string' | 'integer' | 'boolean'
  required?: boolean
}

const q = (name: string, description: string, type: Param['type'] = 'string'): Param => ({ name, in: 'query', description, type })

const PRETTY = q('pretty', "If 'true', then the output is pretty printed.")
const DRY_RUN = q('dryRun', 'When present, indicates that modifications should not be persisted. The only valid value is "All".')
const FIELD_MANAGER = q('fieldManager', 'A name associated with the actor or entity that is making these changes.')
const FIELD_VALIDATION = q(
  'fieldValidation',
  'How the server handles unknown and duplicate fields in the request: Ignore, Warn (the default) or Strict. Unsupported fields are always refused.',
)
const FORCE = q('force', 'Force is going to "force" Apply requests.', 'boolean')
const LIST_PARAMS: Param[] = [
  q('allowWatchBookmarks', 'Requests watch events with type "BOOKMARK".', 'boolean'),
  q('continue', 'The continue token from a previous, truncated list.'),
  q('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  q('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  q('limit', 'The maximum number of responses to return for a list call.', 'integer'),
  q('resourceVersion', 'Sets a constraint on what resource versions a request may be served from.'),
  q('resourceVersionMatch', 'Determines how resourceVersion is applied to list calls.'),
  q('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  q('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
]
const WRITE_PARAMS = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION]
const DELETE_PARAMS = [
  DRY_RUN,
  q('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  q('propagationPolicy', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
]
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
]
const pathParam = (name: string, description: string): Param => ({ name, in: 'path', description, type: 'string', required: true })

interface Operation {
  method: 'get' | 'put' | 'post' | 'patch' | 'delete'
  operationId: string
  action: string
  description: string
  params: Param[]
  body?: string
  bodyTypes?: string[]
  response?: string
  produces?: string[]
  gvk: GroupVersionKind
}

interface PathItem {
  path: string
  params: Param[]
  ops: Operation[]
  gv: string
}

function pathsFor(r: OpenApiResource): PathItem[] {
  const prefix = '/' + groupVersionPath(r.group, r.version)
  const id = (verb: string, namespaced: boolean, suffix = ''): string =>
    `${verb}${groupWord(r.group)}${versionWord(r.version)}${namespaced ? 'Namespaced' : ''}${r.kind}${suffix}`
  const gv = groupVersionPath(r.group, r.version)
  const gvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind }
  const nsParam = pathParam('namespace', 'object name and auth scope, such as for teams and projects')
  const nameParam = pathParam('name', `name of the ${r.kind}`)
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`
  const scopeParams = r.namespaced ? [nsParam] : []
  const has = (verb: string): boolean => r.verbs.includes(verb)
  const ns = r.namespaced
  const items: PathItem[] = []

  const collectionOps: Operation[] = []
  if (has('list')) {
    collectionOps.push({ method: 'get', operationId: id('list', ns), action: 'list', description: `list or watch objects of kind ${r.kind}`, params: LIST_PARAMS, response: listSchemaFor(r).name, gvk })
  }
  if (has('create')) {
    collectionOps.push({ method: 'post', operationId: id('create', ns), action: 'post', description: `create a ${r.kind}`, params: WRITE_PARAMS, body: r.schema.name, response: r.schema.name, gvk })
  }
  if (has('deletecollection')) {
    collectionOps.push({ method: 'delete', operationId: `delete${groupWord(r.group)}${versionWord(r.version)}Collection${ns ? 'Namespaced' : ''}${r.kind}`, action: 'deletecollection', description: `delete collection of ${r.kind}`, params: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks')], body: deleteOptionsSchema.name, response: statusSchema.name, gvk })
  }
  if (collectionOps.length) items.push({ path: collection, params: [...scopeParams, PRETTY], ops: collectionOps, gv })

  const itemOps: Operation[] = []
  if (has('get')) itemOps.push({ method: 'get', operationId: id('read', ns), action: 'get', description: `read the specified ${r.kind}`, params: [], response: r.schema.name, gvk })
  if (has('update')) itemOps.push({ method: 'put', operationId: id('replace', ns), action: 'put', description: `replace the specified ${r.kind}`, params: WRITE_PARAMS, body: r.schema.name, response: r.schema.name, gvk })
  if (has('patch')) itemOps.push({ method: 'patch', operationId: id('patch', ns), action: 'patch', description: `partially update the specified ${r.kind}`, params: [...WRITE_PARAMS, FORCE], body: patchSchema.name, bodyTypes: PATCH_TYPES, response: r.schema.name, gvk })
  if (has('delete')) itemOps.push({ method: 'delete', operationId: id('delete', ns), action: 'delete', description: `delete a ${r.kind}`, params: DELETE_PARAMS, body: deleteOptionsSchema.name, response: statusSchema.name, gvk })
  if (itemOps.length) items.push({ path: `${collection}/{name}`, params: [nameParam, ...scopeParams, PRETTY], ops: itemOps, gv })

  if (ns && has('list')) {
    items.push({
      path: `${prefix}/${r.resource}`,
      params: [PRETTY],
      ops: [{ method: 'get', operationId: id('list', false, 'ForAllNamespaces'), action: 'list', description: `list or watch objects of kind ${r.kind}`, params: LIST_PARAMS, response: listSchemaFor(r).name, gvk }],
      gv,
    })
  }

  for (const sub of r.subresources) {
    const word = sub.name[0]?.toUpperCase() + sub.name.slice(1)
    const subPath = `${collection}/{name}/${sub.name}`
    const subGvk: GroupVersionKind = sub.schema?.gvk?.[0] ?? gvk
    const params = [pathParam('name', `name of the ${sub.schema?.gvk?.[0]?.kind ?? r.kind}`), ...scopeParams, PRETTY]
    const ops: Operation[] = []
    if (sub.name === 'status' || sub.name === 'scale') {
      const body = (sub.schema ?? r.schema).name
      ops.push(
        { method: 'get', operationId: id('read', ns, word), action: 'get', description: `read ${sub.name} of the specified ${r.kind}`, params: [], response: body, gvk: subGvk },
        { method: 'put', operationId: id('replace', ns, word), action: 'put', description: `replace ${sub.name} of the specified ${r.kind}`, params: WRITE_PARAMS, body, response: body, gvk: subGvk },
        { method: 'patch', operationId: id('patch', ns, word), action: 'patch', description: `partially update ${sub.name} of the specified ${r.kind}`, params: [...WRITE_PARAMS, FORCE], body: patchSchema.name, bodyTypes: PATCH_TYPES, response: body, gvk: subGvk },
      )
    } else if (sub.schema) {
      ops.push({ method: 'post', operationId: id('create', ns, word), action: 'post', description: `create ${sub.name} of a ${r.kind}`, params: WRITE_PARAMS, body: sub.schema.name, response: sub.schema.name, gvk: subGvk })
    } else if (sub.name === 'log') {
      ops.push({ method: 'get', operationId: id('read', ns, 'Log'), action: 'get', description: `read log of the specified ${r.kind}`, params: [q('container', 'The container for which to stream logs.'), q('follow', 'Follow the log stream of the pod.', 'boolean'), q('previous', 'Return previous terminated container logs.', 'boolean'), q('sinceSeconds', 'A relative time in seconds before the current time from which to show logs.', 'integer'), q('tailLines', 'The number of lines from the end of the logs to show.', 'integer'), q('timestamps', 'Add an RFC3339 timestamp at the beginning of every line.', 'boolean')], produces: ['text/plain', 'application/json'], gvk })
    } else {
      const connectParams = [q('command', 'Command is the remote command to execute. argv array.'), q('container', 'Container in which to execute the command.'), q('stdin', 'Redirect the standard input stream of the pod for this call.', 'boolean'), q('stdout', 'Redirect the standard output stream of the pod for this call.', 'boolean'), q('stderr', 'Redirect the standard error stream of the pod for this call.', 'boolean'), q('tty', 'TTY if true indicates that a tty will be allocated for the exec call.', 'boolean')]
      for (const method of ['get', 'post'] as const) {
        const verb = method === 'get' ? 'connectGet' : 'connectPost'
        ops.push({ method, operationId: id(verb, ns, word), action: 'connect', description: `connect ${method.toUpperCase()} requests to ${sub.name} of ${r.kind}`, params: connectParams, produces: ['*/*'], gvk: { group: r.group, version: r.version, kind: `${r.kind}ExecOptions` } })
      }
    }
    items.push({ path: subPath, params, ops, gv })
  }
  return items
}

function paramJson(v: Version, p: Param): Json {
  const base: Json = { name: p.name, in: p.in, description: p.description }
  if (p.required) base.required = true
  if (v === 2) return { ...base, type: p.type, uniqueItems: true }
  return { ...base, schema: { type: p.type, uniqueItems: true } }
}

function operationJson(v: Version, op: Operation, tag: string): Json {
  const out: Json = {
    description: op.description,
    operationId: op.operationId,
    tags: [tag],
    parameters: op.params.map((p) => paramJson(v, p)),
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version },
  }
  const produces = op.produces ?? ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']
  const responseSchema: Json = op.response ? { $ref: refPrefix(v) + op.response } : { type: 'string' }
  const codes = op.method === 'post' ? ['200', '201', '202'] : op.method === 'put' ? ['200', '201'] : ['200']
  if (v === 2) {
    out.consumes = op.bodyTypes ?? ['*/*']
    out.produces = produces
    out.schemes = ['https']
    if (op.body) (out.parameters as Json[]).unshift({ name: 'body', in: 'body', required: op.method !== 'delete', schema: { $ref: refPrefix(2) + op.body } })
    out.responses = { ...Object.fromEntries(codes.map((c) => [c, { description: 'OK', schema: responseSchema }])), '401': { description: 'Unauthorized' } }
  } else {
    if (op.body) {
      const content = Object.fromEntries((op.bodyTypes ?? ['*/*']).map((t) => [t, { schema: { $ref: refPrefix(3) + op.body } }]))
      out.requestBody = { content, ...(op.method === 'delete' ? {} : { required: true }) }
    }
    const content = Object.fromEntries(produces.map((t) => [t, { schema: responseSchema }]))
    out.responses = { ...Object.fromEntries(codes.map((c) => [c, { description: 'OK', content }])), '401': { description: 'Unauthorized' } }
  }
  return out
}

function tagOf(r: OpenApiResource): string {
  return `${groupWord(r.group).toLowerCase()}_${r.version}`
}

function addResourceDefinitions(defs: Definitions, r: OpenApiResource): void {
  defs.add(r.schema)
  defs.add(listSchemaFor(r))
  for (const sub of r.subresources) if (sub.schema) defs.add(sub.schema)
}

const gvOf = (r: OpenApiResource): { group: string; version: string } => ({ group: r.group, version: r.version })

function commonDefinitions(defs: Definitions, resources: readonly OpenApiResource[]): void {
  const gvs = uniqueGroupVersions(resources)
  defs.add(statusSchema)
  defs.add(patchSchema)
  defs.add(deleteOptionsSchema, gvs.map((gv) => ({ ...gv, kind: 'DeleteOptions' })))
}

function uniqueGroupVersions(resources: readonly OpenApiResource[]): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>()
  for (const r of resources) seen.set(`${r.group}/${r.version}`, gvOf(r))
  return [...seen.values()]
}

function pathsJson(v: Version, resources: readonly OpenApiResource[]): Json {
  const paths: Record<string, Json> = {}
  for (const r of resources) {
    for (const item of pathsFor(r)) {
      const entry: Json = { parameters: item.params.map((p) => paramJson(v, p)) }
      for (const op of item.ops) entry[op.method] = operationJson(v, op, tagOf(r))
      paths[item.path] = entry
    }
  }
  return sortKeys(paths)
}

export interface OpenApiInfo {
  /** The Kubernetes version the API claims, e.g. "v1.33.0". */
  version: string
}

/** The swagger 2.0 document served at /openapi/v2. */
export function buildOpenApiV2(resources: readonly OpenApiResource[], info: OpenApiInfo): Json {
  const defs = new Definitions(2)
  for (const r of resources) addResourceDefinitions(defs, r)
  commonDefinitions(defs, resources)
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: info.version },
    paths: pathsJson(2, resources),
    definitions: sortKeys(defs.defs),
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    security: [{ BearerToken: [] }],
  }
}

/** The OpenAPI 3.0 document for one group-version, served at /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>. */
export function buildOpenApiV3(resources: readonly OpenApiResource[], group: string, version: string, info: OpenApiInfo): Json {
  const mine = resources.filter((r) => r.group === group && r.version === version)
  const defs = new Definitions(3)
  for (const r of mine) addResourceDefinitions(defs, r)
  commonDefinitions(defs, mine)
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: info.version },
    paths: pathsJson(3, mine),
    components: {
      schemas: sortKeys(defs.defs),
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  }
}

/** 64-bit FNV-1a of a string, as 16 hex digits: a stable, dependency-free content hash. */
export function contentHash(text: string): string {
  let h = 0xcbf29ce484222325n
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte)
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return h.toString(16).toUpperCase().padStart(16, '0')
}

/**
 * The /openapi/v3 index: one entry per group-version with a URL whose `hash` changes whenever the
 * document does, so kubectl's cache refreshes exactly then.
 */
export function buildOpenApiV3Index(resources: readonly OpenApiResource[], info: OpenApiInfo): Json {
  const paths: Record<string, Json> = {}
  for (const gv of uniqueGroupVersions(resources)) {
    const path = groupVersionPath(gv.group, gv.version)
    const hash = contentHash(JSON.stringify(buildOpenApiV3(resources, gv.group, gv.version, info)))
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` }
  }
  return { paths: sortKeys(paths) }
}
