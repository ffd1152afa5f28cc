import { describe, expect, it } from 'vitest'
import { makeService } from '../../../src-main/api/testing/builders.ts'
import { dnsNames, dnsTarget, servicePortsText } from './network.ts'

describe('services', () => {
  it.each([
    ['one ClusterIP port', makeService('web').withPorts({ port: 80, protocol: 'TCP' }).obj(), '80/TCP'],
    ['a NodePort and UDP', makeService('dns').withPorts({ port: 53, protocol: 'UDP' }, { port: 80, nodePort: 30080 }).obj(), '53/UDP, 80:30080/TCP'],
    ['no ports', { ...makeService('empty').obj(), spec: {} }, ''],
  ])('%s', (_name, svc, text) => expect(servicePortsText(svc)).toBe(text))
})

describe('DNS', () => {
  it('names a service in its namespace under the cluster domain', () => {
    const svc = makeService('web', 'shop').obj()
    expect(dnsNames(svc).fqdn).toBe('web.shop.svc.cluster.local')
    expect(dnsNames(svc).short).toContain('web.shop')
  })

  it.each([
    ['a ClusterIP service', makeService('web').withSpec({ clusterIP: '10.96.0.12' }).obj(), '10.96.0.12'],
    ['a headless service', makeService('db').withSpec({ clusterIP: 'None' }).obj(), 'the IPs of its ready pods (headless)'],
    ['an ExternalName service', makeService('ext').withSpec({ type: 'ExternalName', externalName: 'example.org' }).obj(), 'CNAME example.org'],
    ['a service without an address yet', { ...makeService('new').obj(), spec: {} }, 'not allocated yet'],
  ])('%s resolves to %s', (_name, svc, target) => expect(dnsTarget(svc)).toBe(target))
})
