import { describe, expect, it } from 'vitest'
import { openApiV2, openApiV3, openApiV3Index } from '../openapi.ts'
import { RESOURCES } from '../registry.ts'
import { contentHash } from './openapi.ts'

type Json = Record<string, unknown>
const info = { version: 'v1.33.0' }

/** Every "$ref" in a document, with where it was found. */
function refs(doc: unknown, path = '#'): [string, string][] {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => refs(v, `${path}/${i}`))
  if (doc && typeof doc === 'object') {
    return Object.entries(doc as Json).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [[path, v] as [string, string]] : refs(v, `${path}/${k}`)))
  }
  return []
}

const gvString = (g: { group: string; version: string }): string => (g.group ? `${g.group}/${g.version}` : g.version)

/** kubectl's check (cli-runtime queryParamVerifierV3): does PATCH on this kind take fieldValidation? */
function supportsFieldValidationV3(doc: Json, gvk: { group: string; version: string; kind: string }): boolean | 'not found' {
  for (const item of Object.values(doc.paths as Record<string, Json>)) {
    const patch = item.patch as Json | undefined
    if (!patch) continue
    const ext = patch['x-kubernetes-group-version-kind'] as Json
    if (ext.group !== gvk.group || ext.version !== gvk.version || ext.kind !== gvk.kind) continue
    return (patch.parameters as Json[]).some((p) => p.name === 'fieldValidation' && p.in === 'query')
  }
  return 'not found'
}

describe('OpenAPI v2', () => {
  const doc = openApiV2(info)
  const defs = doc.definitions as Record<string, Json>

  it('is a swagger 2.0 document whose every $ref resolves', () => {
    expect(doc.swagger).toBe('2.0')
    const dangling = refs(doc).filter(([, ref]) => !ref.startsWith('#/definitions/') || !defs[ref.slice('#/definitions/'.length)])
    expect(dangling).toEqual([])
  })

  it('names each kind as Kubernetes does and marks it with x-kubernetes-group-version-kind', () => {
    for (const r of RESOURCES) {
      const def = defs[r.schema.name]
      expect(def, r.schema.name).toBeDefined()
      expect(def?.['x-kubernetes-group-version-kind']).toEqual([{ group: r.group, kind: r.kind, version: r.version }])
      expect(defs[`${r.schema.name}List`]?.['x-kubernetes-group-version-kind']).toEqual([{ group: r.group, kind: r.listKind, version: r.version }])
    }
    expect(Object.keys(defs)).toEqual(expect.arrayContaining(['io.k8s.api.core.v1.Pod', 'io.k8s.api.apps.v1.Deployment', 'io.k8s.api.discovery.v1.EndpointSlice', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']))
  })

  it('describes shared scalars as Kubernetes does', () => {
    expect(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ type: 'string', format: 'int-or-string' })
    expect(defs['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ type: 'string' })
    expect(defs['io.k8s.apimachinery.pkg.apis.meta.v1.Time']).toMatchObject({ type: 'string', format: 'date-time' })
  })

  it('carries strategic-merge metadata, required fields, and unsupported fields untyped with the reason', () => {
    const podSpec = defs['io.k8s.api.core.v1.PodSpec'] as { properties: Record<string, Json>; required: string[] }
    expect(podSpec.required).toEqual(['containers'])
    expect(podSpec.properties.containers).toMatchObject({ type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map' })
    expect(podSpec.properties.activeDeadlineSeconds?.type).toBeUndefined()
    expect(podSpec.properties.activeDeadlineSeconds?.description).toMatch(/^Not supported by Coxswain: /)
    const deploymentSpec = defs['io.k8s.api.apps.v1.DeploymentSpec'] as { properties: Record<string, Json> }
    expect(deploymentSpec.properties.strategy).toMatchObject({ 'x-kubernetes-patch-strategy': 'retainKeys' })
  })

  it('has kube-apiserver paths with operation ids, actions and kinds', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>
    expect(paths['/api/v1/namespaces/{namespace}/pods/{name}']?.patch).toMatchObject({
      operationId: 'patchCoreV1NamespacedPod',
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': { group: '', kind: 'Pod', version: 'v1' },
    })
    expect(paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']?.put?.operationId).toBe('replaceAppsV1NamespacedDeploymentScale')
    expect(paths['/api/v1/nodes/{name}/status']?.get?.operationId).toBe('readCoreV1NodeStatus')
    expect(paths['/api/v1/pods']?.get?.operationId).toBe('listCoreV1PodForAllNamespaces')
    expect(paths['/api/v1/namespaces/{namespace}/pods']?.delete?.operationId).toBe('deleteCoreV1CollectionNamespacedPod')
    expect(paths['/api/v1/namespaces/{namespace}/pods/{name}/binding']?.post?.operationId).toBe('createCoreV1NamespacedPodBinding')
  })
})

describe('OpenAPI v3', () => {
  it.each([
    ['', 'v1'],
    ['apps', 'v1'],
    ['discovery.k8s.io', 'v1'],
    ['coordination.k8s.io', 'v1'],
    ['coxswain.dev', 'v1alpha1'],
  ])('the %s/%s document is well-formed and self-contained', (group, version) => {
    const doc = openApiV3(group, version, info)
    expect(doc?.openapi).toBe('3.0.0')
    const schemas = (doc?.components as { schemas: Record<string, Json> }).schemas
    const dangling = refs(doc).filter(([, ref]) => !ref.startsWith('#/components/schemas/') || !schemas[ref.slice('#/components/schemas/'.length)])
    expect(dangling).toEqual([])
    for (const r of RESOURCES.filter((x) => x.group === group && x.version === version)) {
      expect(schemas[r.schema.name]?.['x-kubernetes-group-version-kind'], r.kind).toEqual([{ group, kind: r.kind, version }])
    }
  })

  it('lets kubectl leave validation to the server: PATCH on every kind takes fieldValidation', () => {
    for (const r of RESOURCES) {
      const doc = openApiV3(r.group, r.version, info) as Json
      expect(supportsFieldValidationV3(doc, r), gvString(r) + ' ' + r.kind).toBe(true)
    }
  })

  it('is undefined for a group-version Coxswain does not serve', () => {
    expect(openApiV3('batch', 'v1', info)).toBeUndefined()
  })

  it('indexes each group-version with a content hash', () => {
    const index = openApiV3Index(info) as { paths: Record<string, { serverRelativeURL: string }> }
    expect(Object.keys(index.paths)).toEqual(['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/coxswain.dev/v1alpha1', 'apis/discovery.k8s.io/v1'])
    expect(index.paths['apis/apps/v1']?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{16}$/)
    expect(contentHash('a')).not.toBe(contentHash('b'))
    expect(contentHash('')).toBe('CBF29CE484222325')
  })
})
