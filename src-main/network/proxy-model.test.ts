import { describe, expect, it } from 'vitest'
import type { Endpoints, Node } from '../api/types/core.ts'
import { makeService } from '../api/testing/builders.ts'
import { peerNodes, servicePortRules } from './proxy-model.ts'

const endpoints: Endpoints = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'web', namespace: 'shop' },
  subsets: [
    { addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.0.9' }], notReadyAddresses: [{ ip: '10.244.2.2' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'admin', port: 9000, protocol: 'TCP' }] },
  ],
}

describe('servicePortRules', () => {
  it('pairs each Service port with the Endpoints port of its name, ready addresses only, sorted', () => {
    const svc = makeService('web', 'shop')
      .withSpec({ clusterIP: '10.96.0.2', type: 'NodePort', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })
      .withPorts({ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }, { name: 'admin', port: 90, protocol: 'TCP', nodePort: 30090 })
      .obj()
    expect(servicePortRules([svc], [endpoints])).toEqual([
      { namespace: 'shop', name: 'web', portName: 'http', protocol: 'TCP', clusterIP: '10.96.0.2', port: 80, nodePort: 30080, affinitySeconds: 60, endpoints: [{ ip: '10.244.0.9', port: 8080 }, { ip: '10.244.1.5', port: 8080 }] },
      { namespace: 'shop', name: 'web', portName: 'admin', protocol: 'TCP', clusterIP: '10.96.0.2', port: 90, nodePort: 30090, affinitySeconds: 60, endpoints: [{ ip: '10.244.0.9', port: 9000 }, { ip: '10.244.1.5', port: 9000 }] },
    ])
  })

  it.each([
    ['headless', makeService('web', 'shop').withSpec({ clusterIP: 'None' }).obj()],
    ['not yet allocated', makeService('web', 'shop').obj()],
    ['ExternalName', makeService('web', 'shop').withSpec({ type: 'ExternalName', externalName: 'x.example', clusterIP: '10.96.0.2' }).obj()],
  ])('makes no rules for a %s Service', (_, svc) => {
    expect(servicePortRules([svc], [endpoints])).toEqual([])
  })

  it('keeps a port without Endpoints, with no endpoints (it rejects)', () => {
    const svc = makeService('db', 'shop').withSpec({ clusterIP: '10.96.0.3' }).withPorts({ port: 5432, protocol: 'TCP' }).obj()
    expect(servicePortRules([svc], [endpoints])).toMatchObject([{ name: 'db', endpoints: [] }])
  })
})

describe('peerNodes', () => {
  it('takes the InternalIP and the pod CIDR', () => {
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.3.0/24' }, status: { addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '192.168.1.5' }] } }
    expect(peerNodes([node, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } }])).toEqual([
      { name: 'n1', address: '192.168.1.5', podCIDR: '10.244.3.0/24' },
      { name: 'n2', address: '', podCIDR: '' },
    ])
  })
})
