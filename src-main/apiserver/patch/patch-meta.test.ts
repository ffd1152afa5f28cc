import { describe, expect, it } from 'vitest'
import { noPatchMeta, patchMetaFor } from './patch-meta.ts'

const podTemplate = ['spec', 'template', 'spec']

describe('patchMetaFor', () => {
  it.each([
    { kind: 'Deployment', path: [...podTemplate, 'containers'], want: { strategy: 'merge', mergeKey: 'name' } },
    { kind: 'ReplicaSet', path: [...podTemplate, 'initContainers', 'env'], want: { strategy: 'merge', mergeKey: 'name' } },
    { kind: 'DaemonSet', path: [...podTemplate, 'containers', 'volumeMounts'], want: { strategy: 'merge', mergeKey: 'mountPath' } },
    { kind: 'Deployment', path: [...podTemplate, 'volumes'], want: { strategy: 'merge,retainKeys', mergeKey: 'name' } },
    { kind: 'Deployment', path: ['spec', 'strategy'], want: { strategy: 'retainKeys' } },
    { kind: 'Deployment', path: ['spec', 'template', 'metadata', 'finalizers'], want: { strategy: 'merge' } },
    { kind: 'Deployment', path: ['status', 'conditions'], want: { strategy: 'merge', mergeKey: 'type' } },
    { kind: 'Pod', path: ['spec', 'containers', 'ports'], want: { strategy: 'merge', mergeKey: 'containerPort' } },
    { kind: 'Pod', path: ['spec', 'topologySpreadConstraints'], want: { strategy: 'merge', mergeKey: 'topologyKey' } },
    { kind: 'Pod', path: ['status', 'podIPs'], want: { strategy: 'merge', mergeKey: 'ip' } },
    { kind: 'Pod', path: ['metadata', 'ownerReferences'], want: { strategy: 'merge', mergeKey: 'uid' } },
    { kind: 'Service', path: ['spec', 'ports'], want: { strategy: 'merge', mergeKey: 'port' } },
    { kind: 'Node', path: ['status', 'addresses'], want: { strategy: 'merge', mergeKey: 'type' } },
    { kind: 'Namespace', path: ['status', 'conditions'], want: { strategy: 'merge', mergeKey: 'type' } },
    { kind: 'ConfigMap', path: ['metadata', 'finalizers'], want: { strategy: 'merge' } },
  ])('$kind $path', ({ kind, path, want }) => {
    expect(patchMetaFor(kind)(path)).toEqual(want)
  })

  it.each([
    { kind: 'Pod', path: ['spec', 'tolerations'] },
    { kind: 'Pod', path: ['spec', 'containers', 'envFrom'] },
    { kind: 'Pod', path: ['status', 'containerStatuses'] },
    { kind: 'Node', path: ['spec', 'taints'] },
    { kind: 'Endpoints', path: ['subsets'] },
    { kind: 'Namespace', path: ['spec', 'finalizers'] },
    // Tags belong to their place: containers only merge by name inside a PodSpec.
    { kind: 'Deployment', path: ['spec', 'containers'] },
    { kind: 'Pod', path: ['spec', 'template', 'spec', 'containers'] },
    // Paths match field by field, never as joined strings.
    { kind: 'Pod', path: ['spec.containers'] },
  ])('$kind $path is untagged', ({ kind, path }) => {
    expect(patchMetaFor(kind)(path)).toEqual({})
  })

  it("gives a kind it does not know ObjectMeta's tags only", () => {
    const meta = patchMetaFor('Widget')
    expect(meta(['metadata', 'finalizers'])).toEqual({ strategy: 'merge' })
    expect(meta(['metadata', 'ownerReferences'])).toEqual({ strategy: 'merge', mergeKey: 'uid' })
    expect(meta(['spec', 'containers'])).toEqual({})
    expect(patchMetaFor('constructor')(['metadata', 'finalizers'])).toEqual({ strategy: 'merge' })
  })

  it('noPatchMeta tags nothing', () => {
    expect(noPatchMeta(['metadata', 'finalizers'])).toEqual({})
  })
})
