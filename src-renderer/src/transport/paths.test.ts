import { describe, expect, it } from 'vitest'
import { deleteQuery, listQuery, resourcePath, watchQuery, withQuery, writeQuery } from './paths.ts'
import type { ResourceRef } from './types.ts'

describe('resourcePath', () => {
  it.each<[string, ResourceRef, string]>([
    ['a core collection in a namespace', { group: '', version: 'v1', resource: 'pods', namespace: 'default' }, '/api/v1/namespaces/default/pods'],
    ['a core object', { group: '', version: 'v1', resource: 'pods', namespace: 'default', name: 'web-1' }, '/api/v1/namespaces/default/pods/web-1'],
    ['a core collection across all namespaces', { group: '', version: 'v1', resource: 'pods' }, '/api/v1/pods'],
    ['a cluster-scoped object', { group: '', version: 'v1', resource: 'nodes', name: 'node-1' }, '/api/v1/nodes/node-1'],
    ['a namespace itself', { group: '', version: 'v1', resource: 'namespaces', name: 'prod' }, '/api/v1/namespaces/prod'],
    ['a namespace’s status', { group: '', version: 'v1', resource: 'namespaces', name: 'prod', subresource: 'status' }, '/api/v1/namespaces/prod/status'],
    ['a group collection', { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'prod' }, '/apis/apps/v1/namespaces/prod/deployments'],
    ['a group collection across namespaces', { group: 'apps', version: 'v1', resource: 'deployments' }, '/apis/apps/v1/deployments'],
    [
      'a group subresource',
      { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'prod', name: 'api', subresource: 'scale' },
      '/apis/apps/v1/namespaces/prod/deployments/api/scale',
    ],
    ['a pod’s binding', { group: '', version: 'v1', resource: 'pods', namespace: 'default', name: 'web', subresource: 'binding' }, '/api/v1/namespaces/default/pods/web/binding'],
    [
      'a dotted group',
      { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespace: 'default' },
      '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
    ],
    ['a name needing escapes', { group: '', version: 'v1', resource: 'configmaps', namespace: 'default', name: 'a b?c#d' }, '/api/v1/namespaces/default/configmaps/a%20b%3Fc%23d'],
  ])('builds %s', (_what, ref, path) => {
    expect(resourcePath(ref)).toBe(path)
  })

  it.each<[string, ResourceRef]>([
    ['a name with a slash', { group: '', version: 'v1', resource: 'pods', namespace: 'default', name: '../secrets' }],
    ['a name of ..', { group: '', version: 'v1', resource: 'pods', namespace: 'default', name: '..' }],
    ['an empty namespace', { group: '', version: 'v1', resource: 'pods', namespace: '' }],
    ['a subresource without a name', { group: '', version: 'v1', resource: 'pods', namespace: 'default', subresource: 'status' }],
  ])('refuses %s', (_what, ref) => {
    expect(() => resourcePath(ref)).toThrow(TypeError)
  })
})

describe('queries', () => {
  it('encodes selectors and leaves out what is unset', () => {
    const path = withQuery('/api/v1/pods', listQuery({ labelSelector: 'app in (web,api),tier!=db', fieldSelector: 'spec.nodeName=node-1', limit: 50 }))
    expect(path).toBe('/api/v1/pods?labelSelector=app+in+%28web%2Capi%29%2Ctier%21%3Ddb&fieldSelector=spec.nodeName%3Dnode-1&limit=50')
    const params = new URL(path, 'http://x').searchParams
    expect(params.get('labelSelector')).toBe('app in (web,api),tier!=db')
    expect(params.get('fieldSelector')).toBe('spec.nodeName=node-1')
  })

  it('gives the bare path when there is nothing to ask', () => {
    expect(withQuery('/api/v1/pods', listQuery({}))).toBe('/api/v1/pods')
    expect(withQuery('/api/v1/pods', writeQuery({ dryRun: false }))).toBe('/api/v1/pods')
  })

  it('asks for a watch from a resourceVersion with bookmarks', () => {
    expect(withQuery('/api/v1/namespaces/default/configmaps', watchQuery({ resourceVersion: '42', allowWatchBookmarks: true, timeoutSeconds: 300 }))).toBe(
      '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=42&allowWatchBookmarks=true&timeoutSeconds=300',
    )
    expect(withQuery('/x', watchQuery({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' }))).toBe('/x?watch=1&resourceVersionMatch=NotOlderThan&sendInitialEvents=true')
  })

  it('passes write options under kube-apiserver’s names', () => {
    expect(withQuery('/x', writeQuery({ dryRun: true, fieldValidation: 'Strict', fieldManager: 'coxswain-dashboard' }))).toBe(
      '/x?dryRun=All&fieldValidation=Strict&fieldManager=coxswain-dashboard',
    )
    expect(withQuery('/x', deleteQuery({ dryRun: ['All'], propagationPolicy: 'Foreground' }))).toBe('/x?dryRun=All')
  })
})
