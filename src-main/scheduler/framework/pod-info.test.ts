import { describe, expect, it } from 'vitest'
import type { Pod } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { normalizeImage } from './node-info.ts'
import { EXCLUSIVE_HOST_PATHS_ANNOTATION, normalizePath, podInfo } from './pod-info.ts'
import { isBestEffort, nonZeroRequests, podRequests } from './resources.ts'

describe('normalizePath', () => {
  it.each([
    ['/srv/db', '/srv/db'],
    ['/srv/db/', '/srv/db'],
    ['//srv/./db', '/srv/db'],
    ['/srv/x/../db', '/srv/db'],
    ['/../..', '/'],
    ['/', '/'],
  ])('%s → %s', (input, expected) => expect(normalizePath(input)).toBe(expected))
})

describe('normalizeImage', () => {
  it.each([
    ['nginx', 'nginx:latest'],
    ['nginx:1.25', 'nginx:1.25'],
    ['docker.io/library/nginx:1.25', 'nginx:1.25'],
    ['docker.io/bitnami/redis', 'bitnami/redis:latest'],
    ['registry.local:5000/app', 'registry.local:5000/app:latest'],
    ['registry.local:5000/app:2', 'registry.local:5000/app:2'],
    ['busybox@sha256:abc', 'busybox@sha256:abc'],
  ])('%s → %s', (input, expected) => expect(normalizeImage(input)).toBe(expected))
})

describe('pod requests', () => {
  const pod = (containers: Record<string, string>[], init: Record<string, string>[] = []): Pod => {
    const b = makePod()
    containers.forEach((requests, i) => b.withContainer({ name: `c${i}`, image: 'x', resources: { requests } }))
    init.forEach((requests, i) => b.withInitContainer({ name: `i${i}`, image: 'x', resources: { requests } }))
    return b.obj()
  }
  it.each<[string, Pod, { milliCPU: number; memory: number }]>([
    ['nothing requested', makePod().withContainer().obj(), { milliCPU: 0, memory: 0 }],
    ['containers add up', pod([{ cpu: '250m', memory: '64Mi' }, { cpu: '750m', memory: '64Mi' }]), { milliCPU: 1000, memory: 128 * 1024 * 1024 }],
    ['a larger init container wins', pod([{ cpu: '100m' }], [{ cpu: '2' }]), { milliCPU: 2000, memory: 0 }],
    ['a smaller init container does not', pod([{ cpu: '1' }, { cpu: '1' }], [{ cpu: '1500m' }]), { milliCPU: 2000, memory: 0 }],
  ])('%s', (_what, p, expected) => {
    expect(podRequests(p)).toMatchObject(expected)
  })

  it('counts Kubernetes’ defaults for containers that request nothing, for scoring only', () => {
    expect(nonZeroRequests(pod([{}, { cpu: '300m' }]))).toEqual({ milliCPU: 400, memory: 2 * 200 * 1024 * 1024 })
  })

  it.each<[string, Pod, boolean]>([
    ['no resources', makePod().withContainer().obj(), true],
    ['a request', pod([{ memory: '1Mi' }]), false],
    ['only an extended resource', pod([{ 'example.com/gpu': '1' }]), true],
  ])('BestEffort: %s → %s', (_what, p, expected) => expect(isBestEffort(p)).toBe(expected))
})

describe('podInfo', () => {
  it('collects host ports of every container with their defaults', () => {
    const p = makePod()
      .withContainer({ name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] })
      .withContainer({ name: 'b', image: 'x', ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] })
      .obj()
    expect(podInfo(p).hostPorts).toEqual([
      { protocol: 'TCP', ip: '0.0.0.0', port: 8080 },
      { protocol: 'UDP', ip: '10.0.0.1', port: 53 },
    ])
  })

  it('reads hostPath mounts: read-write when any container writes, exclusive when annotated', () => {
    const p = makePod()
      .withVolume({ name: 'db', hostPath: { path: '/srv/db/' } })
      .withVolume({ name: 'logs', hostPath: { path: '/var/log' } })
      .withVolume({ name: 'scratch', emptyDir: {} })
      .withContainer({ name: 'a', image: 'x', volumeMounts: [{ name: 'db', mountPath: '/db', readOnly: true }, { name: 'logs', mountPath: '/l', readOnly: true }] })
      .withContainer({ name: 'b', image: 'x', volumeMounts: [{ name: 'db', mountPath: '/db' }] })
      .obj()
    p.metadata.annotations = { [EXCLUSIVE_HOST_PATHS_ANNOTATION]: ' /srv/db , ' }
    expect(podInfo(p).hostPaths).toEqual([
      { path: '/srv/db', readWrite: true, exclusive: true },
      { path: '/var/log', readWrite: false, exclusive: false },
    ])
  })

  it('defaults an affinity term’s namespaces to the pod’s own, and folds matchLabelKeys into its selector', () => {
    const p = makePod('p', 'shop')
      .withLabels({ rev: '7' })
      .withContainer()
      .withSpec({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'x' } }, matchLabelKeys: ['rev', 'absent'] }] } } })
      .obj()
    const [term] = podInfo(p).requiredAffinity
    expect([...(term?.namespaces ?? [])]).toEqual(['shop'])
    expect(term?.selector.requirements.map((r) => `${r.key} ${r.operator} ${r.values.join(',')}`)).toEqual(['app = x', 'rev in 7'])
  })
})
