import { describe, expect, it } from 'vitest'
import { makeService } from '../../../src-main/api/testing/builders.ts'
import { container, makePod } from '../../../src-main/api/testing/builders.ts'
import type { Node, Service } from '../../../src-main/api/types/core.ts'
import type { Tone } from '../connection.ts'
import { backendsText, backendsTone, clusterIpText, dnsNames, dnsTarget, nodePortLinks, serviceBackends, servicePortsText, type ServiceBackends } from './network.ts'

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

describe('serviceBackends', () => {
  const ready = (name: string, labels: Record<string, string>, namespace = 'default') =>
    makePod(name, namespace).withLabels(labels).withContainer(container('app')).withStatus({ phase: 'Running' }).withCondition('Ready', 'True').obj()
  const notReady = (name: string, labels: Record<string, string>) => makePod(name).withLabels(labels).withContainer(container('app')).withStatus({ phase: 'Running' }).withCondition('Ready', 'False').obj()
  const pods = [
    ready('web-1', { app: 'web' }),
    notReady('web-2', { app: 'web' }),
    ready('web-other-ns', { app: 'web' }, 'shop'),
    ready('db-1', { app: 'db' }),
    makePod('web-gone').withLabels({ app: 'web' }).withStatus({ phase: 'Running' }).withCondition('Ready', 'True').deleting().obj(),
  ]
  it.each([
    ['some ready', makeService('web').withSpec({ selector: { app: 'web' } }).obj(), { ready: 1, total: 2 }, '1/2 ready', 'warning'],
    ['all ready', makeService('db').withSpec({ selector: { app: 'db' } }).obj(), { ready: 1, total: 1 }, '1/1 ready', 'ok'],
    ['no pods picked', makeService('cache').withSpec({ selector: { app: 'cache' } }).obj(), { ready: 0, total: 0 }, 'no pods', 'warning'],
    ['no selector', { ...makeService('ext').obj(), spec: { ports: [{ port: 80 }] } }, null, 'no selector', 'pending'],
  ] as [string, Service, ServiceBackends | null, string, Tone][])('%s', (_name, svc, backends, text, tone) => {
    const b = serviceBackends(svc, pods)
    expect(b).toEqual(backends)
    expect(backendsText(b)).toBe(text)
    expect(backendsTone(b)).toBe(tone)
  })
})

describe('nodePortLinks', () => {
  const node = (name: string, address?: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: address ? { addresses: [{ type: 'InternalIP', address }] } : {} })
  const nodes = [node('node-1', '192.168.1.11'), node('node-2', 'fd00::2'), node('node-3')]
  it('links every addressed node on every TCP node port', () => {
    const svc: Service = { ...makeService('web').obj(), spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }, { port: 53, protocol: 'UDP', nodePort: 30053 }] } }
    expect(nodePortLinks(svc, nodes).map((l) => l.url)).toEqual(['http://192.168.1.11:30080/', 'http://[fd00::2]:30080/'])
  })
  it('has none for a ClusterIP service', () => {
    expect(nodePortLinks(makeService('web').withSpec({ type: 'ClusterIP' }).obj(), nodes)).toEqual([])
  })
})

describe('clusterIpText', () => {
  it.each([
    [{ clusterIP: '10.96.0.7' }, '10.96.0.7'],
    [{ clusterIP: 'None' }, 'None'],
    [{ type: 'ExternalName' as const, externalName: 'example.org' }, '—'],
    [{}, 'pending'],
  ])('%j', (spec, text) => expect(clusterIpText({ ...makeService('s').obj(), spec })).toBe(text))
})
