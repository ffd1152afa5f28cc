import { describe, expect, it } from 'vitest'
import { deepFreeze, makeService } from '../testing/builders.ts'
import type { Service } from '../types/core.ts'
import {
  carryOverServiceAllocations,
  convertSecretStringData,
  defaultEndpoints,
  defaultEndpointSlice,
  defaultNamespace,
  defaultNode,
  defaultSecret,
  defaultService,
} from './core.ts'

describe('defaultService', () => {
  it('fills what Kubernetes fills for a ClusterIP service', () => {
    const svc = deepFreeze(makeService().withPorts({ port: 80 }, { name: 'metrics', port: 9090, targetPort: 'metrics' }).obj())
    expect(defaultService(svc).spec).toEqual({
      selector: { app: 'web' },
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
      ],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    })
  })

  it.each<[Service['spec'], Partial<NonNullable<Service['spec']>>]>([
    [{ type: 'NodePort', ports: [{ port: 80 }] }, { externalTrafficPolicy: 'Cluster' }],
    [{ type: 'LoadBalancer', ports: [{ port: 80 }] }, { externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true }],
    [{ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }, { sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } }],
    [{ clusterIP: '10.96.0.10', ports: [{ port: 53 }] }, { clusterIPs: ['10.96.0.10'] }],
  ])('%j gets %j', (spec, expected) => {
    expect(defaultService({ metadata: { name: 's' }, spec }).spec).toMatchObject(expected)
  })

  it('gives ExternalName services no IP families or traffic policy', () => {
    const spec = defaultService({ metadata: { name: 'db' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } }).spec
    expect(spec).toEqual({ type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' })
  })
})

describe('carryOverServiceAllocations', () => {
  const old = makeService().withSpec({ type: 'NodePort', clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'] }).withPorts({ port: 80, protocol: 'TCP', nodePort: 30080 }).obj()

  it('keeps the cluster IP and node ports a re-applied manifest leaves out', () => {
    const next = deepFreeze(makeService().withSpec({ type: 'NodePort' }).withPorts({ port: 80 }, { port: 443 }).obj())
    expect(carryOverServiceAllocations(next, old).spec).toMatchObject({
      clusterIP: '10.96.0.5',
      clusterIPs: ['10.96.0.5'],
      ports: [{ port: 80, nodePort: 30080 }, { port: 443 }],
    })
  })

  it('does not carry node ports into a ClusterIP service', () => {
    const next = makeService().withPorts({ port: 80 }).obj()
    expect(carryOverServiceAllocations(next, old).spec?.ports?.[0]?.nodePort).toBeUndefined()
  })
})

describe('other core kinds', () => {
  it('labels a namespace with its name and marks it Active', () => {
    expect(defaultNamespace(deepFreeze({ metadata: { name: 'shop', labels: { team: 'a' } } }))).toEqual({
      metadata: { name: 'shop', labels: { team: 'a', 'kubernetes.io/metadata.name': 'shop' } },
      status: { phase: 'Active' },
    })
  })

  it('defaults node allocatable to capacity', () => {
    expect(defaultNode(deepFreeze({ metadata: { name: 'n1' }, status: { capacity: { cpu: '4' } } })).status?.allocatable).toEqual({ cpu: '4' })
  })

  it('types secrets Opaque and merges stringData into data', () => {
    expect(defaultSecret(deepFreeze({ metadata: { name: 's' } })).type).toBe('Opaque')
    const converted = convertSecretStringData(deepFreeze({ metadata: { name: 's' }, data: { a: 'eA==' }, stringData: { a: 'y', pass: 'héllo' } }))
    expect(converted).toEqual({ metadata: { name: 's' }, data: { a: 'eQ==', pass: 'aMOpbGxv' } })
  })

  it('defaults endpoint port protocols', () => {
    expect(defaultEndpoints(deepFreeze({ metadata: { name: 'e' }, subsets: [{ ports: [{ port: 80 }] }] })).subsets?.[0]?.ports).toEqual([{ port: 80, protocol: 'TCP' }])
    expect(defaultEndpointSlice(deepFreeze({ metadata: { name: 'e' }, addressType: 'IPv4', endpoints: [], ports: [{ port: 80 }] })).ports).toEqual([{ port: 80, name: '', protocol: 'TCP' }])
  })
})
