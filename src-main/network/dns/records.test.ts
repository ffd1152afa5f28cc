import { describe, expect, it } from 'vitest'
import type { Endpoints } from '../../api/types/core.ts'
import { makeService } from '../../api/testing/builders.ts'
import { dnsEntries, dnsTable } from './records.ts'

const ep = (name: string, ips: string[]): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'shop' }, subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ port: 8080 }] }] })

describe('dnsTable', () => {
  it('names cluster IPs, headless pod IPs and SRV records of named ports; skips ExternalName and unallocated', () => {
    const services = [
      makeService('web', 'shop').withSpec({ clusterIP: '10.96.0.2' }).withPorts({ name: 'http', port: 80, protocol: 'TCP' }, { port: 81 }).obj(),
      makeService('db', 'shop').withSpec({ clusterIP: 'None' }).withPorts({ port: 5432 }).obj(),
      makeService('ext', 'shop').withSpec({ type: 'ExternalName', externalName: 'x.example' }).obj(),
      makeService('new', 'shop').obj(),
    ]
    expect(dnsTable(services, [ep('db', ['10.244.2.6', '10.244.1.5']), ep('web', ['10.244.9.9'])])).toEqual({
      domain: 'cluster.local',
      records: {
        'db.shop.svc.cluster.local': { a: ['10.244.1.5', '10.244.2.6'] },
        'new.shop.svc.cluster.local': { a: [] },
        'web.shop.svc.cluster.local': { a: ['10.96.0.2'] },
        '_http._tcp.web.shop.svc.cluster.local': { srv: [{ port: 80, target: 'web.shop.svc.cluster.local' }] },
      },
    })
  })

  it('lists every name with its target', () => {
    const table = dnsTable([makeService('web', 'shop').withSpec({ clusterIP: '10.96.0.2' }).withPorts({ name: 'http', port: 80, protocol: 'TCP' }).obj()], [], 'example.internal')
    expect(dnsEntries(table)).toEqual([
      { name: 'web.shop.svc.example.internal', type: 'A', targets: ['10.96.0.2'], service: 'web', namespace: 'shop' },
      { name: '_http._tcp.web.shop.svc.example.internal', type: 'SRV', targets: ['web.shop.svc.example.internal:80'], service: 'web', namespace: 'shop' },
    ])
  })
})
