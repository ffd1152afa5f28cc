import { describe, expect, it } from 'vitest'
import { container, makePod } from '../../api/testing/builders.ts'
import { canonicalJSON, containerSpecHash } from './spec-hash.ts'

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJSON({ b: 1, a: { d: [3, { z: 1, y: undefined, x: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"x":null,"z":1}]},"b":1}',
    )
  })
})

describe('container spec hash', () => {
  const base = () =>
    makePod('web')
      .withContainer(container('web', 'nginx:1.25', { ports: [{ containerPort: 80, protocol: 'TCP' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }))
      .withVolume({ name: 'data', emptyDir: {} })
      .withVolume({ name: 'other', emptyDir: {} })
      .obj()
  const hashOf = (p = base()) => containerSpecHash(p, p.spec?.containers[0] ?? container())

  it('is 16 hex digits and the same for the same spec whatever the key order', () => {
    const reordered = base()
    const c = reordered.spec?.containers[0]
    if (reordered.spec && c) {
      reordered.spec.containers[0] = { volumeMounts: c.volumeMounts, ports: [{ protocol: 'TCP', containerPort: 80 }], image: c.image, name: c.name }
    }
    expect(hashOf()).toMatch(/^[0-9a-f]{16}$/)
    expect(hashOf(reordered)).toBe(hashOf())
  })

  it('changes with the image', () => {
    const p = base()
    if (p.spec?.containers[0]) p.spec.containers[0].image = 'nginx:1.26'
    expect(hashOf(p)).not.toBe(hashOf())
  })

  it('changes with a volume the container mounts, not with one it does not', () => {
    const mounted = base()
    const unmounted = base()
    if (mounted.spec?.volumes?.[0]) mounted.spec.volumes[0].emptyDir = { medium: 'Memory' }
    if (unmounted.spec?.volumes?.[1]) unmounted.spec.volumes[1].emptyDir = { medium: 'Memory' }
    expect(hashOf(mounted)).not.toBe(hashOf())
    expect(hashOf(unmounted)).toBe(hashOf())
  })
})
