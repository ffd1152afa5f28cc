// The Kubernetes REST door: translates HTTP requests on Kubernetes paths into the core's verbs
// (`ApiServerVerbs`) and their answers back into HTTP, as kube-apiserver would answer them.
// Authentication happened before (the caller passes the user); authorisation and everything about
// objects is the core's. Routes:
//
//   GET  /version /healthz /livez /readyz            info and health
//   GET  /api /apis /apis/{g} /api/v1 /apis/{g}/{v}    discovery (aggregated when asked)
//   GET  /openapi/v2 /openapi/v3[/{api/v1|apis/g/v}]   OpenAPI
//   GET|POST|DELETE     …/{resource}                  list (watch) | create | deletecollection
//   GET|PUT|PATCH|DELETE …/{resource}/{name}          get (watch) | update | patch | delete
//   GET|PUT|PATCH       …/{name}/status|scale         subresources; POST …/{name}/binding|eviction;
//                                                     PUT /api/v1/namespaces/{name}/finalize
//   GET  …/pods/{name}/log, GET|POST …/pods/{name}/exec  container streams (pod-streams.ts; exec's
//                                                     WebSocket upgrade: exec-websocket.ts)

import type { IncomingMessage, ServerResponse } from 'node:http'
import { buildTable, defaultColumns, type TableOptions } from '../../api/printers/table.ts'
import { toTable } from '../../api/index.ts'
import type { Verb } from '../../api/registry.ts'
import type { DeleteOptions, KubeObject, Table } from '../../api/types/meta.ts'
import type { PodStreams } from '../../nodeagent/streams/pod-streams.ts'
import type { Logger } from '../../util/log.ts'
import { decodePatchBody, parsePatchType } from '../patch/index.ts'
import type { ApiServerVerbs, RequestContext, UserInfo, WatchOptions, WriteResult } from '../types.ts'
import { decodeBody, limitNesting, readBody } from './body.ts'
import { aggregatedDiscovery, apiGroup, coreVersions, groupList, resourceList } from './discovery.ts'
import { metricsGroupDiscovery, metricsGroupEntry, parseMetricsPath, serveMetrics, type MetricsProvider } from './metrics.ts'
import { badRequest, failure, methodNotAllowed, notFoundPath, statusOf } from './errors.ts'
import { AGGREGATED_DISCOVERY_CONTENT_TYPE, bodyFormat, negotiateDiscovery, negotiateJsonOnly, negotiateRendering, parseAccept, type Rendering } from './negotiate.ts'
import { serveOpenApiV2, serveOpenApiV3, serveOpenApiV3Index } from './openapi.ts'
import { parsePath, subresourceVerbs, type Endpoint, type ResourceEndpoint } from './paths.ts'
import { refuseExecWithoutWebSocket, servePodLog, streamsUnavailable } from './pod-streams.ts'
import { parseQuery, type ParsedQuery } from './query.ts'
import { renderList, renderObject, renderWatchEvent, type Printer } from './render.ts'
import { sendBody, sendPlain, sendStatus, warningHeaders } from './respond.ts'
import { versionInfo } from './version.ts'
import { defaultWatchTimeoutSeconds, sendWatchError, streamWatch } from './watch.ts'

export interface KubernetesHandlerOptions {
  /** The core, once the control plane has it; until then resource requests answer 503. */
  verbs: () => ApiServerVerbs | undefined
  /** Coxswain's version, for /version. */
  coxswainVersion: string
  log: Logger
  /** Epoch ms, for the AGE column. */
  now?: () => number
  /** Container logs and exec; without it (or while it answers undefined) pods/log and pods/exec answer 503. */
  streams?: () => PodStreams | undefined
  /** Node and pod usage for metrics.k8s.io (`kubectl top`); without it (or while it answers undefined) the group is not served. */
  metrics?: () => MetricsProvider | undefined
}

export type KubernetesHandler = (req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo) => Promise<void>

export function createKubernetesHandler(options: KubernetesHandlerOptions): KubernetesHandler {
  const now = options.now ?? Date.now
  const log = options.log

  return async (req, res, url, user) => {
    try {
      await route(req, res, url, user)
    } catch (err) {
      const status = statusOf(err)
      if ((status.code ?? 500) >= 500) log.error('kubernetes request failed', { method: req.method, path: url.pathname, err })
      if (res.headersSent) res.destroy()
      else sendStatus(res, status)
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo): Promise<void> {
    const provider = options.metrics?.()
    const metricsEndpoint = provider ? parseMetricsPath(url.pathname) : undefined
    if (provider && metricsEndpoint) {
      const verbs = options.verbs()
      if (!verbs) sendStatus(res, failure('ServiceUnavailable', 'the API server is starting; try again shortly'))
      else await serveMetrics(req, res, url, metricsEndpoint, { verbs, provider, ctx: { user }, now: now() })
      return
    }
    const endpoint = parsePath(url.pathname)
    if (endpoint.kind === 'resource' && isPodStream(endpoint)) {
      await servePodStream(req, res, url, user, endpoint)
      return
    }
    if (endpoint.kind === 'resource') {
      await serveResource(req, res, url, user, endpoint)
      return
    }
    if (endpoint.kind === 'notFound') {
      sendStatus(res, notFoundPath(endpoint.detail))
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendStatus(res, methodNotAllowed(req.method ?? '', url.pathname), { Allow: 'GET' })
      return
    }
    serveInfo(req, res, url, endpoint)
  }

  /** pods/log and pods/exec (whose WebSocket upgrade never reaches here). */
  async function servePodStream(req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo, endpoint: ResourceEndpoint): Promise<void> {
    const streams = options.verbs() ? options.streams?.() : undefined
    if (!streams) {
      sendStatus(res, streamsUnavailable())
      return
    }
    const pod = { namespace: endpoint.ref.namespace ?? '', name: endpoint.ref.name ?? '' }
    if (endpoint.ref.subresource === 'log') await servePodLog(req, res, url, user, pod, streams, log)
    else await refuseExecWithoutWebSocket(req, res, url, user, pod, streams)
  }

  /** Everything that is not a resource: version, health, discovery, OpenAPI. */
  function serveInfo(req: IncomingMessage, res: ServerResponse, url: URL, endpoint: Exclude<Endpoint, ResourceEndpoint | { kind: 'notFound' }>): void {
    const accept = req.headers.accept
    const metrics = options.metrics?.() !== undefined
    switch (endpoint.kind) {
      case 'version':
        negotiateJsonOnly(accept)
        sendBody(res, 200, versionInfo(options.coxswainVersion))
        return
      case 'health':
        serveHealth(res, url, endpoint.check, endpoint.name)
        return
      case 'coreVersions':
      case 'groupList': {
        const rendering = negotiateDiscovery(accept)
        if (rendering === 'legacy') {
          const address = `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 0}`
          sendBody(res, 200, endpoint.kind === 'coreVersions' ? coreVersions(address) : groupList(metrics ? [metricsGroupEntry()] : []))
          return
        }
        const version = rendering === 'aggregated-v2' ? 'v2' : 'v2beta1'
        const doc = aggregatedDiscovery(endpoint.kind === 'coreVersions' ? 'core' : 'named', version, metrics ? [metricsGroupDiscovery()] : [])
        sendBody(res, 200, doc, { mediaType: AGGREGATED_DISCOVERY_CONTENT_TYPE[rendering] })
        return
      }
      case 'group': {
        negotiateJsonOnly(accept)
        const group = apiGroup(endpoint.group)
        if (group) sendBody(res, 200, group)
        else sendStatus(res, notFoundPath())
        return
      }
      case 'resourceList':
        negotiateJsonOnly(accept)
        sendBody(res, 200, resourceList(endpoint.group, endpoint.version))
        return
      case 'openapiV2':
        serveOpenApiV2(res, accept)
        return
      case 'openapiV3Index':
        serveOpenApiV3Index(res, accept)
        return
      case 'openapiV3':
        serveOpenApiV3(res, accept, endpoint.group, endpoint.version, url.searchParams.get('hash'))
        return
    }
  }

  function serveHealth(res: ServerResponse, url: URL, check: string, name: string): void {
    if (name !== '' && name !== 'ping') {
      sendPlain(res, 404, `404 page not found\n`)
      return
    }
    const ready = check !== 'readyz' || options.verbs() !== undefined
    const verbose = url.searchParams.has('verbose')
    if (!ready) {
      sendPlain(res, 500, verbose ? `[+]ping ok\n[-]api-server failed: not started\n${check} check failed\n` : `[-]api-server failed: not started\n${check} check failed\n`)
      return
    }
    sendPlain(res, 200, verbose && name === '' ? `[+]ping ok\n[+]api-server ok\n${check} check passed\n` : 'ok')
  }

  async function serveResource(req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo, endpoint: ResourceEndpoint): Promise<void> {
    const verbs = options.verbs()
    if (!verbs) {
      sendStatus(res, failure('ServiceUnavailable', 'the API server is starting; try again shortly'))
      return
    }
    const query = parseQuery(url.searchParams)
    const ctx: RequestContext = { user, dryRun: query.write.dryRun }
    if (query.write.fieldValidation) ctx.fieldValidation = query.write.fieldValidation
    if (query.write.fieldManager) ctx.fieldManager = query.write.fieldManager
    const { ref } = endpoint
    const named = ref.name !== undefined
    const method = req.method ?? ''

    const verb = verbFor(method, endpoint, query)
    if (!verb) {
      sendStatus(res, methodNotAllowed(method, url.pathname))
      return
    }
    const allowed = ref.subresource ? subresourceVerbs(endpoint.resource, ref.subresource) : endpoint.resource.verbs
    if (!allowed?.includes(verb)) {
      sendStatus(res, methodNotAllowed(method, url.pathname))
      return
    }

    const printer = printerFor(endpoint)
    switch (verb) {
      case 'get': {
        const rendering = negotiateRendering(req.headers.accept, { read: true, list: false, watch: false })
        const obj = await verbs.get(ref, ctx)
        sendRead(res, rendering, renderObject(printer, obj, rendering, { now: now(), includeObject: query.includeObject }))
        return
      }
      case 'list': {
        const rendering = negotiateRendering(req.headers.accept, { read: true, list: true, watch: false })
        const list = await verbs.list(ref, query.list, ctx)
        sendRead(res, rendering, renderList(printer, list, rendering, { now: now(), includeObject: query.includeObject }))
        return
      }
      case 'watch':
        await serveWatch(req, res, verbs, endpoint, query, ctx, printer)
        return
      case 'create': {
        const body = decodeBody(await readBody(req), bodyFormat(req.headers['content-type']))
        sendWrite(req, res, await verbs.create(ref, body, ctx))
        return
      }
      case 'update': {
        const body = decodeBody(await readBody(req), bodyFormat(req.headers['content-type']))
        sendWrite(req, res, await verbs.update(ref, body, ctx))
        return
      }
      case 'patch': {
        const type = parsePatchType(req.headers['content-type'])
        const patch = limitNesting(decodePatchBody(await readBody(req)), 'the patch')
        sendWrite(req, res, await verbs.patch(ref, type, patch, ctx))
        return
      }
      case 'delete':
      case 'deletecollection': {
        const options = deleteOptions(query, await readBody(req), req.headers['content-type'])
        if (options.dryRun?.includes('All')) ctx.dryRun = true
        const rendering = negotiateRendering(req.headers.accept, { read: false, list: false, watch: false })
        const mediaType = rendering.as === 'object' ? rendering.mediaType : undefined
        if (verb === 'delete' && named) {
          const result = await verbs.delete(ref, options, ctx)
          sendBody(res, result.code, result.object ?? result.status ?? failure('InternalError', 'delete returned nothing'), { mediaType })
        } else {
          sendBody(res, 200, await verbs.deleteCollection(ref, query.list, options, ctx), { mediaType })
        }
        return
      }
    }
  }

  async function serveWatch(
    req: IncomingMessage,
    res: ServerResponse,
    verbs: ApiServerVerbs,
    endpoint: ResourceEndpoint,
    query: ParsedQuery,
    ctx: RequestContext,
    printer: Printer,
  ): Promise<void> {
    const rendering = negotiateRendering(req.headers.accept, { read: true, list: false, watch: true })
    const options: WatchOptions = { ...query.watchOptions }
    if (!options.timeoutSeconds) options.timeoutSeconds = defaultWatchTimeoutSeconds()
    const { ref } = endpoint
    // Watching one object is watching its collection for that name, as kube-apiserver does it.
    const collection = { ...ref }
    if (ref.name !== undefined) {
      delete collection.name
      const byName = `metadata.name=${ref.name}`
      options.fieldSelector = options.fieldSelector ? `${options.fieldSelector},${byName}` : byName
    }
    const contentType = parseAccept(req.headers.accept).some((r) => r.params.stream === 'watch') ? 'application/json;stream=watch' : 'application/json'
    let watch
    try {
      watch = await verbs.watch(collection, options, ctx)
    } catch (err) {
      const status = statusOf(err)
      // Too old a resourceVersion is reported in the stream, where clients look for it.
      if (status.code === 410) {
        sendWatchError(res, contentType, status)
        return
      }
      throw err
    }
    await streamWatch(watch, {
      res,
      contentType,
      timeoutSeconds: options.timeoutSeconds,
      render: (event) => renderWatchEvent(printer, event, rendering, { now: now(), includeObject: query.includeObject }),
      log,
    })
  }
}

/** True for the streaming subresources of one pod: …/namespaces/{ns}/pods/{name}/log|exec. */
export function isPodStream(endpoint: ResourceEndpoint): boolean {
  const { ref } = endpoint
  return ref.group === '' && ref.resource === 'pods' && ref.namespace !== undefined && ref.name !== undefined && (ref.subresource === 'log' || ref.subresource === 'exec')
}

/** The verb a method on an endpoint means, or null when that method is not served there (405). */
export function verbFor(method: string, endpoint: ResourceEndpoint, query: Pick<ParsedQuery, 'watch'>): Verb | null {
  const { ref, watchPrefix } = endpoint
  const named = ref.name !== undefined
  const sub = ref.subresource
  // Across all namespaces (/api/v1/pods) a namespaced resource can only be read.
  const allNamespaces = endpoint.resource.namespaced && ref.namespace === undefined
  if (watchPrefix) return method === 'GET' ? 'watch' : null
  switch (method) {
    case 'GET':
      if (query.watch && !sub) return 'watch'
      return named ? 'get' : 'list'
    case 'POST':
      // Objects are created in their collection; binding and eviction are created on a pod.
      if (!named) return allNamespaces ? null : 'create'
      return sub === 'binding' || sub === 'eviction' ? 'create' : null
    case 'PUT':
      return named ? 'update' : null
    case 'PATCH':
      return named ? 'patch' : null
    case 'DELETE':
      if (sub) return null
      if (named) return 'delete'
      return allNamespaces ? null : 'deletecollection'
    default:
      return null
  }
}

/** Table columns: the kind's own for the object and its status; NAME and AGE for other subresources (Scale). */
function printerFor(endpoint: ResourceEndpoint): Printer {
  const r = endpoint.resource
  const sub = endpoint.ref.subresource
  if (!sub || sub === 'status') return (items: readonly KubeObject[], options: TableOptions): Table => toTable(r, items, options)
  return (items, options) => buildTable(defaultColumns(), items, options)
}

function sendRead(res: ServerResponse, rendering: Rendering, body: unknown): void {
  sendBody(res, 200, body, { mediaType: rendering.as === 'object' ? rendering.mediaType : 'application/json' })
}

function sendWrite(req: IncomingMessage, res: ServerResponse, result: WriteResult): void {
  const rendering = negotiateRendering(req.headers.accept, { read: false, list: false, watch: false })
  const mediaType = rendering.as === 'object' ? rendering.mediaType : 'application/json'
  sendBody(res, result.created ? 201 : 200, result.object, { mediaType, headers: warningHeaders(result.warnings) })
}

/** DeleteOptions from the query, overridden field by field by a DELETE body (JSON, YAML or protobuf). */
export function deleteOptions(query: ParsedQuery, body: Buffer, contentType: string | undefined): DeleteOptions {
  const options: DeleteOptions = { ...query.delete }
  if (body.length === 0 || !body.toString('utf8').trim()) return options
  const decoded = decodeBody(body, bodyFormat(contentType))
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) throw badRequest('the DELETE body must be a DeleteOptions object')
  const given = decoded as Record<string, unknown>
  if (given.kind !== undefined && given.kind !== 'DeleteOptions') {
    throw badRequest(`the DELETE body must be a DeleteOptions object, not ${JSON.stringify(given.kind)}`)
  }
  const { kind: _kind, apiVersion: _apiVersion, ...fields } = given
  // null leaves a field unset, as it does a Go pointer; a value of the wrong type is refused as Go's decoder refuses it.
  const set = Object.entries(fields).filter(([, value]) => value !== null)
  for (const [field, value] of set) {
    const expected = Object.hasOwn(deleteOptionTypes, field) ? deleteOptionTypes[field] : undefined
    if (expected && !expected.check(value)) throw badRequest(`the DELETE body's ${field} must be ${expected.type}, not ${JSON.stringify(value)}`)
  }
  return { ...options, ...(Object.fromEntries(set) as DeleteOptions) }
}

const isString = (v: unknown): boolean => typeof v === 'string'
const isBoolean = (v: unknown): boolean => typeof v === 'boolean'

/** The JSON type of each DeleteOptions field; without these checks `{"gracePeriodSeconds":"soon"}` deleted at once. */
const deleteOptionTypes: Record<string, { type: string; check: (v: unknown) => boolean }> = {
  gracePeriodSeconds: { type: 'an integer', check: Number.isSafeInteger },
  orphanDependents: { type: 'a boolean', check: isBoolean },
  propagationPolicy: { type: 'a string', check: isString },
  dryRun: { type: 'a list of strings', check: (v) => Array.isArray(v) && v.every(isString) },
  preconditions: {
    type: 'an object with string uid and resourceVersion',
    check: (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && ['uid', 'resourceVersion'].every((k) => (v as Record<string, unknown>)[k] == null || isString((v as Record<string, unknown>)[k])),
  },
  ignoreStoreReadErrorWithClusterBreakingPotential: { type: 'a boolean', check: isBoolean },
}
