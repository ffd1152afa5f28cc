import { describe, expect, it } from 'vitest'
import { apiResourceList, fieldLabels, groupVersions, lookupResource, RESOURCES, resourceFor, resourceForKind } from './registry.ts'

describe('the resource registry', () => {
  it.each([
    ['pods', '', 'Pod', true, ['po'], ['all'], ['status', 'log', 'exec', 'binding', 'eviction']],
    ['services', '', 'Service', true, ['svc'], ['all'], ['status']],
    ['namespaces', '', 'Namespace', false, ['ns'], [], ['status']],
    ['nodes', '', 'Node', false, ['no'], [], ['status']],
    ['endpoints', '', 'Endpoints', true, ['ep'], [], []],
    ['events', '', 'Event', true, ['ev'], [], []],
    ['configmaps', '', 'ConfigMap', true, ['cm'], [], []],
    ['secrets', '', 'Secret', true, [], [], []],
    ['deployments', 'apps', 'Deployment', true, ['deploy'], ['all'], ['status', 'scale']],
    ['replicasets', 'apps', 'ReplicaSet', true, ['rs'], ['all'], ['status', 'scale']],
    ['daemonsets', 'apps', 'DaemonSet', true, ['ds'], ['all'], ['status']],
    ['endpointslices', 'discovery.k8s.io', 'EndpointSlice', true, [], [], []],
  ])('%s', (resource, group, kind, namespaced, shortNames, categories, subresources) => {
    const r = resourceFor(group, resource)
    expect(r).toMatchObject({ kind, namespaced, shortNames, categories, version: 'v1', listKind: `${kind}List` })
    expect(r?.subresources.map((s) => s.name)).toEqual(subresources)
    expect(r?.schema.gvk).toEqual([{ group, version: 'v1', kind }])
  })

  it('resolves what users type after kubectl get', () => {
    expect(lookupResource('po')?.kind).toBe('Pod')
    expect(lookupResource('Deployment')?.resource).toBe('deployments')
    expect(lookupResource('deployments.apps')?.kind).toBe('Deployment')
    expect(lookupResource('deploy')?.kind).toBe('Deployment')
    expect(lookupResource('EndpointSlice')?.group).toBe('discovery.k8s.io')
    expect(lookupResource('jobs')).toBeUndefined()
    expect(resourceForKind('apps/v1', 'DaemonSet')?.resource).toBe('daemonsets')
    expect(resourceForKind('v1', 'Deployment')).toBeUndefined()
  })

  it.each([
    ['leases', 'coordination.k8s.io', 'v1', 'Lease', true, [], []],
    ['machines', 'coxswain.dev', 'v1alpha1', 'Machine', false, ['mach'], ['status']],
  ])('%s', (resource, group, version, kind, namespaced, shortNames, subresources) => {
    const r = resourceFor(group, resource)
    expect(r).toMatchObject({ kind, namespaced, shortNames, version, listKind: `${kind}List` })
    expect(r?.subresources.map((s) => s.name)).toEqual(subresources)
    expect(r?.schema.gvk).toEqual([{ group, version, kind }])
  })

  it('serves five group-versions', () => {
    expect(groupVersions()).toEqual([
      { group: '', version: 'v1' },
      { group: 'apps', version: 'v1' },
      { group: 'discovery.k8s.io', version: 'v1' },
      { group: 'coordination.k8s.io', version: 'v1' },
      { group: 'coxswain.dev', version: 'v1alpha1' },
    ])
  })

  it('publishes discovery documents with subresources and their own kinds', () => {
    const core = apiResourceList('', 'v1')
    expect(core.groupVersion).toBe('v1')
    expect(core.resources.find((r) => r.name === 'pods')).toEqual({
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
    })
    expect(core.resources.find((r) => r.name === 'pods/eviction')).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] })
    expect(core.resources.find((r) => r.name === 'pods/log')).toMatchObject({ kind: 'Pod', verbs: ['get'] })
    const apps = apiResourceList('apps', 'v1')
    expect(apps.groupVersion).toBe('apps/v1')
    expect(apps.resources.find((r) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' })
    expect(apps.resources.map((r) => r.name)).toEqual(['deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale', 'daemonsets', 'daemonsets/status'])
  })

  it.each([
    ['pods', '', ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName']],
    ['nodes', '', ['metadata.name', 'spec.unschedulable']],
    ['namespaces', '', ['metadata.name', 'status.phase']],
    ['secrets', '', ['metadata.name', 'metadata.namespace', 'type']],
    ['events', '', ['metadata.name', 'metadata.namespace', 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type']],
    ['deployments', 'apps', ['metadata.name', 'metadata.namespace']],
  ])('supports the field selectors Kubernetes does on %s', (resource, group, labels) => {
    const r = resourceFor(group, resource)
    expect(r && fieldLabels(r)).toEqual(labels)
  })

  it('has unique plural and short names', () => {
    const names = RESOURCES.flatMap((r) => [r.resource, ...r.shortNames])
    expect(new Set(names).size).toBe(names.length)
  })
})
