import { describe, expect, it } from 'vitest'
import { RESOURCES, resourceFor } from '../registry.ts'
import { patchMetaFor } from './patch-meta.ts'

const meta = (resource: string, group = '') => {
  const r = resourceFor(group, resource)
  if (!r) throw new Error(resource)
  return patchMetaFor(r.schema)
}

describe('strategic merge patch metadata, as Kubernetes tags its Go types', () => {
  it.each([
    ['pods', '', 'spec.containers', { strategy: 'merge', mergeKey: 'name' }],
    ['pods', '', 'spec.initContainers', { strategy: 'merge', mergeKey: 'name' }],
    ['pods', '', 'spec.containers.env', { strategy: 'merge', mergeKey: 'name' }],
    ['pods', '', 'spec.containers.ports', { strategy: 'merge', mergeKey: 'containerPort' }],
    ['pods', '', 'spec.containers.volumeMounts', { strategy: 'merge', mergeKey: 'mountPath' }],
    ['pods', '', 'spec.volumes', { strategy: 'merge,retainKeys', mergeKey: 'name' }],
    ['pods', '', 'spec.imagePullSecrets', { strategy: 'merge', mergeKey: 'name' }],
    ['pods', '', 'spec.hostAliases', { strategy: 'merge', mergeKey: 'ip' }],
    ['pods', '', 'spec.topologySpreadConstraints', { strategy: 'merge', mergeKey: 'topologyKey' }],
    ['pods', '', 'spec.tolerations', {}],
    ['pods', '', 'spec.containers.envFrom', {}],
    ['pods', '', 'spec.readinessGates', {}],
    ['pods', '', 'status.conditions', { strategy: 'merge', mergeKey: 'type' }],
    ['pods', '', 'status.podIPs', { strategy: 'merge', mergeKey: 'ip' }],
    ['pods', '', 'status.containerStatuses', {}],
    ['pods', '', 'metadata.ownerReferences', { strategy: 'merge', mergeKey: 'uid' }],
    ['pods', '', 'metadata.finalizers', { strategy: 'merge' }],
    ['pods', '', 'metadata.labels', {}],
    ['services', '', 'spec.ports', { strategy: 'merge', mergeKey: 'port' }],
    ['nodes', '', 'spec.taints', {}],
    ['nodes', '', 'spec.podCIDRs', { strategy: 'merge' }],
    ['nodes', '', 'status.addresses', { strategy: 'merge', mergeKey: 'type' }],
    ['namespaces', '', 'spec.finalizers', {}],
    ['endpoints', '', 'subsets', {}],
    ['deployments', 'apps', 'spec.strategy', { strategy: 'retainKeys' }],
    ['deployments', 'apps', 'spec.template.spec.containers', { strategy: 'merge', mergeKey: 'name' }],
    ['deployments', 'apps', 'status.conditions', { strategy: 'merge', mergeKey: 'type' }],
    ['daemonsets', 'apps', 'spec.updateStrategy', {}],
    ['pods', '', 'spec.nosuchfield.x', {}],
  ])('%s %s %s', (resource, group, path, expected) => {
    expect(meta(resource, group)(path.split('.'))).toEqual(expected)
  })

  it('works for every kind', () => {
    for (const r of RESOURCES) expect(patchMetaFor(r.schema)(['metadata', 'finalizers'])).toEqual({ strategy: 'merge' })
  })
})
