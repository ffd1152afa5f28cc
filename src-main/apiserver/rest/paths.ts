// Which Kubernetes endpoint a URL path names, following kube-apiserver's grammar:
//
//   /api/v1[/watch]/{resource}[/{name}[/{subresource}]]                        cluster-scoped, or all namespaces
//   /api/v1[/watch]/namespaces/{namespace}/{resource}[/{name}[/{subresource}]] namespaced
//   /apis/{group}/{version}/…                                                  the same below a group
//   /api/v1/namespaces/{name}/status|finalize                                 the Namespace's own subresources
//
// plus discovery (/api, /apis, /apis/{group}, /api/v1, /apis/{group}/{version}), /version,
// /openapi/v2, /openapi/v3[/{api/v1|apis/{group}/{version}}] and the health checks. Pure: no I/O.

import { RESOURCES, type ResourceType, type Verb } from '../../api/registry.ts'
import type { ResourceRef } from '../types.ts'

export type HealthCheck = 'healthz' | 'livez' | 'readyz'

export type Endpoint =
  | { kind: 'version' }
  | { kind: 'health'; check: HealthCheck; /** "ping" for /livez/ping; '' for the whole check. */ name: string }
  | { kind: 'coreVersions' }
  | { kind: 'groupList' }
  | { kind: 'group'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | { kind: 'openapiV2' }
  | { kind: 'openapiV3Index' }
  | { kind: 'openapiV3'; group: string; version: string }
  | ResourceEndpoint
  | { kind: 'notFound'; /** Why, when more helpful than "could not find the requested resource". */ detail?: string }

export interface ResourceEndpoint {
  kind: 'resource'
  resource: ResourceType
  ref: ResourceRef
  /** The legacy `/watch/` prefix: a GET is a watch whatever the query says. */
  watchPrefix: boolean
}

/** Top-level path segments that belong to the Kubernetes API (everything else is the dashboard's). */
const KUBERNETES_ROOTS = new Set(['api', 'apis', 'version', 'openapi', 'healthz', 'livez', 'readyz'])

/** Subresources the REST door serves: through the core's verbs, or as streams (pods/log, pods/exec: pod-streams.ts). */
const SERVED_SUBRESOURCES = new Set(['status', 'scale', 'binding', 'eviction', 'log', 'exec'])

/** Subresources kube-apiserver serves but leaves out of discovery. */
const UNLISTED_SUBRESOURCES: Record<string, Record<string, readonly Verb[]>> = {
  namespaces: { finalize: ['update'] },
}

/** The verbs a subresource of `r` takes, or undefined when it has no such subresource. */
export function subresourceVerbs(r: ResourceType, subresource: string): readonly Verb[] | undefined {
  return r.subresources.find((s) => s.name === subresource)?.verbs ?? UNLISTED_SUBRESOURCES[r.resource]?.[subresource]
}

/** True for paths this door answers (Coxswain's own `/api/coxswain/` is not one of them). */
export function isKubernetesPath(path: string): boolean {
  const first = path.split('/')[1] ?? ''
  if (!KUBERNETES_ROOTS.has(first)) return false
  return !(first === 'api' && (path === '/api/coxswain' || path.startsWith('/api/coxswain/')))
}

function decodeSegments(path: string): string[] | null {
  const raw = path.split('/').slice(1)
  // One trailing slash is tolerated (/api/, /apis/apps/v1/), as kube-apiserver's mux does.
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop()
  try {
    return raw.map((s) => decodeURIComponent(s))
  } catch {
    return null
  }
}

function servesGroupVersion(group: string, version?: string): boolean {
  return RESOURCES.some((r) => r.group === group && (version === undefined || r.version === version))
}

/** Parses a request path (already without its query) into the endpoint it names. */
export function parsePath(path: string): Endpoint {
  const segments = decodeSegments(path)
  if (!segments || segments.some((s, i) => s === '' && i > 0) || segments.some((s) => s === '.' || s === '..')) return { kind: 'notFound' }
  const [root = '', ...rest] = segments

  switch (root) {
    case 'version':
      return rest.length === 0 ? { kind: 'version' } : { kind: 'notFound' }
    case 'healthz':
    case 'livez':
    case 'readyz':
      return rest.length <= 1 ? { kind: 'health', check: root, name: rest[0] ?? '' } : { kind: 'notFound' }
    case 'openapi':
      return parseOpenApi(rest)
    case 'api': {
      if (rest.length === 0) return { kind: 'coreVersions' }
      const [version = '', ...tail] = rest
      if (!servesGroupVersion('', version)) return { kind: 'notFound' }
      return tail.length === 0 ? { kind: 'resourceList', group: '', version } : parseResource('', version, tail)
    }
    case 'apis': {
      if (rest.length === 0) return { kind: 'groupList' }
      const [group = '', version, ...tail] = rest
      if (group === '' || !servesGroupVersion(group)) return { kind: 'notFound' }
      if (version === undefined) return { kind: 'group', group }
      if (!servesGroupVersion(group, version)) return { kind: 'notFound' }
      return tail.length === 0 ? { kind: 'resourceList', group, version } : parseResource(group, version, tail)
    }
    default:
      return { kind: 'notFound' }
  }
}

function parseOpenApi(rest: string[]): Endpoint {
  const [version, ...tail] = rest
  if (version === 'v2' && tail.length === 0) return { kind: 'openapiV2' }
  if (version !== 'v3') return { kind: 'notFound' }
  if (tail.length === 0) return { kind: 'openapiV3Index' }
  if (tail[0] === 'api' && tail.length === 2) return { kind: 'openapiV3', group: '', version: tail[1] ?? '' }
  if (tail[0] === 'apis' && tail.length === 3) return { kind: 'openapiV3', group: tail[1] ?? '', version: tail[2] ?? '' }
  return { kind: 'notFound' }
}

/** `parts`: the segments after /api/v1 or /apis/{group}/{version}. */
function parseResource(group: string, version: string, parts: string[]): Endpoint {
  let watchPrefix = false
  if (parts[0] === 'watch') {
    watchPrefix = true
    parts = parts.slice(1)
  }

  let namespace: string | undefined
  // namespaces/{ns}/{resource}/…, but namespaces/{name}, namespaces/{name}/status and
  // namespaces/{name}/finalize are the Namespace object itself.
  if (parts[0] === 'namespaces' && parts.length >= 3 && parts[2] !== 'status' && parts[2] !== 'finalize') {
    namespace = parts[1]
    parts = parts.slice(2)
  }
  const [plural = '', name, subresource, ...extra] = parts
  if (extra.length > 0) return { kind: 'notFound' }

  const resource = RESOURCES.find((r) => r.group === group && r.version === version && r.resource === plural)
  if (!resource) return { kind: 'notFound' }
  // A namespaced resource is named only inside its namespace; a cluster-scoped one never is.
  if (resource.namespaced && namespace === undefined && name !== undefined) return { kind: 'notFound' }
  if (!resource.namespaced && namespace !== undefined) return { kind: 'notFound' }

  if (subresource !== undefined) {
    if (watchPrefix) return { kind: 'notFound' }
    if (!subresourceVerbs(resource, subresource)) return { kind: 'notFound' }
    if (!SERVED_SUBRESOURCES.has(subresource) && !UNLISTED_SUBRESOURCES[plural]?.[subresource]) {
      return { kind: 'notFound', detail: `${plural}/${subresource} is not served yet` }
    }
  }

  const ref: ResourceRef = { group, version, resource: plural }
  if (namespace !== undefined) ref.namespace = namespace
  if (name !== undefined) ref.name = name
  if (subresource !== undefined) ref.subresource = subresource
  return { kind: 'resource', resource, ref, watchPrefix }
}
