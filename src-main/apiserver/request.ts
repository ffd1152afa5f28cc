// From a ResourceRef to what a verb works on: the registry entry, the store key, the names
// Kubernetes uses in messages — and the checks every request passes first: the resource and verb
// are served, the namespace is where it must be, the user may do this, the body is an object of
// the right kind.

import { apiVersionOf, resourceFor, type KubeObject, type ResourceType, type Subresource, type Verb } from '../api/index.ts'
import type { ObjectKey } from '../store/index.ts'
import { badRequest, forbidden, methodNotAllowed, resourceNotFound, type GroupKind, type GroupResource } from './errors.ts'
import type { RequestContext, ResourceRef } from './types.ts'

/** `namespaces/finalize`: how the namespace controller hands a namespace back for removal. Not in discovery. */
const FINALIZE: Subresource = { name: 'finalize' as Subresource['name'], verbs: ['update'] }

export interface Target {
  type: ResourceType
  /** The store's resource key: `pods`, `apps/deployments`. */
  storeResource: string
  gr: GroupResource
  gk: GroupKind
  apiVersion: string
  /** '' for cluster-scoped kinds; undefined for a list or watch across all namespaces. */
  namespace: string | undefined
  name: string | undefined
  subresource: string | undefined
}

/** Resolves `ref` for `verb`: 404 for what is not served, 405 for a verb the resource does not take. */
export function resolve(ref: ResourceRef, verb: Verb): Target {
  const type = resourceFor(ref.group, ref.resource)
  if (!type || type.version !== ref.version) throw resourceNotFound()
  const gr = { group: type.group, resource: type.resource }
  let verbs = type.verbs
  if (ref.subresource) {
    const sub = ref.subresource === 'finalize' && type.kind === 'Namespace' ? FINALIZE : type.subresources.find((s) => s.name === ref.subresource)
    if (!sub || !ref.name) throw resourceNotFound()
    verbs = sub.verbs
  }
  if (!verbs.includes(verb)) throw methodNotAllowed(gr)
  let namespace = ref.namespace
  if (!type.namespaced) {
    if (namespace) throw resourceNotFound()
    namespace = ''
  } else if (!namespace && (ref.name !== undefined || verb === 'create')) {
    throw badRequest(`a namespace is required for ${type.resource}`)
  }
  return {
    type,
    storeResource: type.group ? `${type.group}/${type.resource}` : type.resource,
    gr,
    gk: { group: type.group, kind: type.kind },
    apiVersion: apiVersionOf(type),
    namespace: namespace === '' && type.namespaced ? undefined : namespace,
    name: ref.name,
    subresource: ref.subresource,
  }
}

/** The store key of the object a target names. */
export function keyOf(target: Target, name: string = target.name ?? ''): ObjectKey {
  return { resource: target.storeResource, namespace: target.namespace ?? '', name }
}

const WRITES: readonly Verb[] = ['create', 'update', 'patch', 'delete', 'deletecollection']

/**
 * Read-only users may read and watch, never write: 403 worded as Kubernetes' RBAC denial
 * (`pods "web" is forbidden: User "viewer" cannot delete resource "pods" in API group "" in the namespace "default"`).
 */
export function authorize(ctx: RequestContext, verb: Verb, target: Target): void {
  if (!ctx.user.readOnly || !WRITES.includes(verb)) return
  const resource = target.subresource ? `${target.type.resource}/${target.subresource}` : target.type.resource
  const scope = target.namespace ? `in the namespace ${JSON.stringify(target.namespace)}` : 'at the cluster scope'
  const why = `User ${JSON.stringify(ctx.user.name)} cannot ${verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(target.type.group)} ${scope}`
  throw forbidden(target.gr, target.name ?? '', why)
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * A private copy of a write's body, checked against the URL: a JSON object whose apiVersion and
 * kind (when given) are the resource's — as kube-apiserver's decoder refuses a body of another
 * type — with apiVersion and kind filled in when absent.
 */
export function bodyFor(target: Pick<Target, 'apiVersion' | 'type'>, body: unknown, expected: { apiVersion: string; kind: string } = { apiVersion: target.apiVersion, kind: target.type.kind }): KubeObject {
  if (!isPlainObject(body)) throw badRequest(`the body of the request must be a ${expected.kind} object (JSON), not ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`)
  const { apiVersion, kind } = body
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== expected.apiVersion) {
    if (typeof apiVersion !== 'string') throw badRequest(`apiVersion must be a string, not ${JSON.stringify(apiVersion)}`)
    throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${expected.apiVersion})`)
  }
  if (kind !== undefined && kind !== '' && kind !== expected.kind) {
    const shown = typeof kind === 'string' ? kind : JSON.stringify(kind)
    throw badRequest(`${shown} in version ${JSON.stringify(expected.apiVersion.split('/').pop())} cannot be handled as a ${expected.kind}: the body is a ${shown}, not a ${expected.kind}`)
  }
  const copy = structuredClone(body) as Record<string, unknown>
  copy.apiVersion = expected.apiVersion
  copy.kind = expected.kind
  if (copy.metadata === undefined || copy.metadata === null) copy.metadata = {}
  if (!isPlainObject(copy.metadata)) throw badRequest(`metadata must be an object, not ${JSON.stringify(copy.metadata)}`)
  return copy as unknown as KubeObject
}

/**
 * Puts the URL's namespace on a body (filling it in when absent, 400 on a different one), as
 * kube-apiserver's EnsureObjectNamespaceMatchesRequestNamespace; clears it for cluster-scoped kinds.
 */
export function matchNamespace(target: Target, obj: KubeObject): void {
  if (!target.type.namespaced) {
    delete obj.metadata.namespace
    return
  }
  const ns = obj.metadata.namespace
  if (ns !== undefined && ns !== '' && ns !== target.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
  }
  obj.metadata.namespace = target.namespace
}

/** The body's name must be the URL's (update, subresources), as kube-apiserver's checkName. */
export function matchName(target: Target, obj: KubeObject): void {
  const name = obj.metadata.name ?? ''
  if (name !== target.name) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${target.name ?? ''})`)
}

/** `dryRun=All` from the request or from DeleteOptions. */
export function isDryRun(ctx: RequestContext, dryRun?: readonly string[]): boolean {
  if (dryRun?.length) {
    const unknown = dryRun.find((d) => d !== 'All')
    if (unknown !== undefined) throw badRequest(`unsupported dryRun directive ${JSON.stringify(unknown)}: only "All" is supported`)
    return true
  }
  return ctx.dryRun === true
}
