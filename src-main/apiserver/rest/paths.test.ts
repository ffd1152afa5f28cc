import { describe, expect, it } from 'vitest'
import { isKubernetesPath, parsePath, type Endpoint } from './paths.ts'

function resource(path: string): { ref: unknown; watchPrefix: boolean; kind: string } {
  const e = parsePath(path)
  if (e.kind !== 'resource') throw new Error(`${path}: expected a resource, got ${JSON.stringify(e)}`)
  return { ref: e.ref, watchPrefix: e.watchPrefix, kind: e.resource.kind }
}

describe('parsePath', () => {
  it.each<[string, Endpoint]>([
    ['/version', { kind: 'version' }],
    ['/healthz', { kind: 'health', check: 'healthz', name: '' }],
    ['/livez/ping', { kind: 'health', check: 'livez', name: 'ping' }],
    ['/readyz', { kind: 'health', check: 'readyz', name: '' }],
    ['/api', { kind: 'coreVersions' }],
    ['/api/', { kind: 'coreVersions' }],
    ['/api/v1', { kind: 'resourceList', group: '', version: 'v1' }],
    ['/apis', { kind: 'groupList' }],
    ['/apis/apps', { kind: 'group', group: 'apps' }],
    ['/apis/apps/v1', { kind: 'resourceList', group: 'apps', version: 'v1' }],
    ['/apis/apps/v1/', { kind: 'resourceList', group: 'apps', version: 'v1' }],
    ['/openapi/v2', { kind: 'openapiV2' }],
    ['/openapi/v3', { kind: 'openapiV3Index' }],
    ['/openapi/v3/api/v1', { kind: 'openapiV3', group: '', version: 'v1' }],
    ['/openapi/v3/apis/apps/v1', { kind: 'openapiV3', group: 'apps', version: 'v1' }],
  ])('%s', (path, expected) => {
    expect(parsePath(path)).toEqual(expected)
  })

  it.each([
    '/api/v2',
    '/apis/batch',
    '/apis/batch/v1/jobs',
    '/apis/apps/v1beta1',
    '/api/v1/widgets',
    '/api/v1/pods/web', // a namespaced object needs its namespace
    '/api/v1/namespaces/default/nodes/n1', // a cluster-scoped one has none
    '/api/v1/namespaces/default/pods/web/status/extra',
    '/api/v1/namespaces/default/pods/web/nope',
    '/api//v1',
    '/api/v1/namespaces/%zz/pods',
    '/api/v1/watch/namespaces/default/pods/web/status',
    '/version/extra',
    '/openapi/v4',
    '/dashboard',
  ])('%s is not found', (path) => {
    expect(parsePath(path).kind).toBe('notFound')
  })

  it('reads the streaming subresources of pods', () => {
    expect(resource('/api/v1/namespaces/default/pods/web/log').ref).toEqual({ group: '', version: 'v1', resource: 'pods', namespace: 'default', name: 'web', subresource: 'log' })
    expect(resource('/api/v1/namespaces/default/pods/web/exec').ref).toMatchObject({ subresource: 'exec' })
  })

  it('reads namespaced collections, objects and subresources', () => {
    expect(resource('/api/v1/pods')).toEqual({ ref: { group: '', version: 'v1', resource: 'pods' }, watchPrefix: false, kind: 'Pod' })
    expect(resource('/api/v1/namespaces/default/pods')).toMatchObject({ ref: { group: '', version: 'v1', resource: 'pods', namespace: 'default' } })
    expect(resource('/api/v1/namespaces/default/pods/web/status').ref).toEqual({ group: '', version: 'v1', resource: 'pods', namespace: 'default', name: 'web', subresource: 'status' })
    expect(resource('/api/v1/namespaces/default/pods/web/binding').ref).toMatchObject({ subresource: 'binding' })
    expect(resource('/api/v1/namespaces/default/pods/web/eviction').ref).toMatchObject({ subresource: 'eviction' })
    expect(resource('/apis/apps/v1/namespaces/shop/deployments/web/scale').ref).toEqual({
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      namespace: 'shop',
      name: 'web',
      subresource: 'scale',
    })
  })

  it('reads cluster-scoped objects, the Namespace itself included', () => {
    expect(resource('/api/v1/nodes/n1').ref).toEqual({ group: '', version: 'v1', resource: 'nodes', name: 'n1' })
    expect(resource('/api/v1/namespaces').ref).toEqual({ group: '', version: 'v1', resource: 'namespaces' })
    expect(resource('/api/v1/namespaces/shop').ref).toEqual({ group: '', version: 'v1', resource: 'namespaces', name: 'shop' })
    expect(resource('/api/v1/namespaces/shop/status').ref).toEqual({ group: '', version: 'v1', resource: 'namespaces', name: 'shop', subresource: 'status' })
    expect(resource('/api/v1/namespaces/shop/finalize').ref).toEqual({ group: '', version: 'v1', resource: 'namespaces', name: 'shop', subresource: 'finalize' })
    expect(parsePath('/api/v1/nodes/n1/finalize').kind).toBe('notFound')
  })

  it('reads the legacy /watch/ prefix', () => {
    expect(resource('/api/v1/watch/namespaces/default/pods')).toMatchObject({ watchPrefix: true, ref: { resource: 'pods', namespace: 'default' } })
    expect(resource('/api/v1/watch/namespaces/default/pods/web')).toMatchObject({ watchPrefix: true, ref: { name: 'web' } })
    expect(resource('/apis/apps/v1/watch/deployments')).toMatchObject({ watchPrefix: true, ref: { resource: 'deployments' } })
  })

  it('decodes percent-encoded segments', () => {
    expect(resource('/api/v1/namespaces/default/configmaps/a%2Eb').ref).toMatchObject({ name: 'a.b' })
  })
})

describe('isKubernetesPath', () => {
  it.each([
    ['/api', true],
    ['/api/v1/pods', true],
    ['/apis/apps/v1', true],
    ['/version', true],
    ['/openapi/v2', true],
    ['/healthz', true],
    ['/livez/ping', true],
    ['/api/coxswain/v1/info', false],
    ['/api/coxswain', false],
    ['/', false],
    ['/assets/app.js', false],
    ['/login', false],
    ['/apiary', false],
  ])('%s → %s', (path, expected) => {
    expect(isKubernetesPath(path)).toBe(expected)
  })
})
