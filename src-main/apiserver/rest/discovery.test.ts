import { describe, expect, it } from 'vitest'
import { aggregatedDiscovery, apiGroup, coreVersions, groupList, resourceList } from './discovery.ts'

describe('classic discovery', () => {
  it('lists the core version and the named groups', () => {
    expect(coreVersions('127.0.0.1:7443')).toEqual({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:7443' }] })
    const groups = groupList()
    expect(groups.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['apps', 'discovery.k8s.io']))
    expect(groups.groups.map((g) => g.name)).not.toContain('')
    expect(groups.groups.find((g) => g.name === 'apps')).toEqual({ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } })
    expect(apiGroup('apps')?.kind).toBe('APIGroup')
    expect(apiGroup('batch')).toBeUndefined()
  })

  it('lists resources with their subresources', () => {
    const names = resourceList('apps', 'v1').resources.map((r) => r.name)
    expect(names).toContain('deployments')
    expect(names).toContain('deployments/scale')
    expect(names).toContain('deployments/status')
  })
})

describe('aggregated discovery', () => {
  it('describes every resource of the core group in one document', () => {
    const doc = aggregatedDiscovery('core', 'v2')
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2')
    expect(doc.items).toHaveLength(1)
    expect(doc.items[0]?.metadata).toEqual({ creationTimestamp: null })
    const pods = doc.items[0]?.versions[0]?.resources.find((r) => r.resource === 'pods')
    expect(pods).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
      categories: ['all'],
    })
    expect(pods?.subresources).toContainEqual({ subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] })
    expect(pods?.subresources).toContainEqual({ subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] })
  })

  it('describes the named groups for /apis, in v2beta1 too', () => {
    const doc = aggregatedDiscovery('named', 'v2beta1')
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2beta1')
    expect(doc.items.map((i) => i.metadata.name)).toEqual(groupList().groups.map((g) => g.name))
    const apps = doc.items.find((i) => i.metadata.name === 'apps')
    const deployments = apps?.versions[0]?.resources.find((r) => r.resource === 'deployments')
    expect(deployments?.subresources).toContainEqual({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] })
    const slices = doc.items.find((i) => i.metadata.name === 'discovery.k8s.io')?.versions[0]?.resources[0]
    expect(slices).toMatchObject({ resource: 'endpointslices', scope: 'Namespaced' })
  })
})
