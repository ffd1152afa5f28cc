import { describe, expect, it } from 'vitest'
import type { Pod } from '../../api/types/pod.ts'
import { makePod, makeService } from '../../api/testing/builders.ts'
import { computeSubsets, desiredEndpointSlice, resolveTargetPort } from './compute.ts'

function pod(name: string, ip: string, options: { ready?: boolean; labels?: Record<string, string>; deleting?: boolean; ns?: string; portName?: string } = {}): Pod {
  const b = makePod(name, options.ns ?? 'shop')
    .withLabels(options.labels ?? { app: 'web' })
    .withContainer({ name: 'main', image: 'busybox', ports: [{ name: options.portName ?? 'http', containerPort: 8080 }] })
    .withSpec({ nodeName: 'node-1' })
    .withStatus({ phase: 'Running', podIP: ip })
    .withCondition('Ready', options.ready === false ? 'False' : 'True')
  const p = b.obj()
  p.metadata.uid = `uid-${name}`
  if (options.deleting) p.metadata.deletionTimestamp = '2026-01-01T00:00:00Z'
  return p
}

const svc = makeService('web', 'shop').withPorts({ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }).obj()
const address = (name: string, ip: string) => ({ ip, nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'shop', name, uid: `uid-${name}` } })

describe('computeSubsets', () => {
  it('puts ready pods in addresses and unready ones apart, resolving the named target port', () => {
    const pods = [pod('b', '10.244.0.6'), pod('a', '10.244.0.5'), pod('c', '10.244.0.7', { ready: false })]
    expect(computeSubsets(svc, pods)).toEqual([
      { addresses: [address('a', '10.244.0.5'), address('b', '10.244.0.6')], notReadyAddresses: [address('c', '10.244.0.7')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    ])
  })

  it.each([
    ['terminating', pod('a', '10.244.0.5', { deleting: true })],
    ['without an IP', pod('a', '')],
    ['in another namespace', pod('a', '10.244.0.5', { ns: 'other' })],
    ['not selected', pod('a', '10.244.0.5', { labels: { app: 'db' } })],
    ['without the named port', pod('a', '10.244.0.5', { portName: 'metrics' })],
  ])('leaves out a pod %s', (_, p) => {
    expect(computeSubsets(svc, [p])).toEqual([])
  })

  it('publishes unready pods when asked to', () => {
    const open = makeService('web', 'shop').withSpec({ publishNotReadyAddresses: true }).withPorts({ port: 80, targetPort: 8080, protocol: 'TCP' }).obj()
    expect(computeSubsets(open, [pod('a', '10.244.0.5', { ready: false })])).toEqual([{ addresses: [address('a', '10.244.0.5')], ports: [{ port: 8080, protocol: 'TCP' }] }])
  })

  it('selects nothing for a Service without a selector', () => {
    const manual = makeService('web', 'shop').withSpec({ selector: {} }).obj()
    expect(computeSubsets(manual, [pod('a', '10.244.0.5')])).toEqual([])
  })

  it.each([
    [80, 80],
    ['8081', 8081],
    ['http', 8080],
    ['nope', undefined],
  ])('resolves targetPort %s to %s', (target, port) => {
    expect(resolveTargetPort({ port: 80, targetPort: target, protocol: 'TCP' }, pod('a', '10.244.0.5'))).toBe(port)
  })
})

describe('desiredEndpointSlice', () => {
  it('lists every pod with its conditions, terminating ones included, owned by the Service', () => {
    const owned = { ...svc, metadata: { ...svc.metadata, uid: 'svc-uid' } }
    const slice = desiredEndpointSlice(owned, [pod('a', '10.244.0.5'), pod('b', '10.244.0.6', { deleting: true }), pod('c', '10.244.0.7', { ready: false })])
    expect(slice.endpoints.map((e) => [e.addresses[0], e.conditions])).toEqual([
      ['10.244.0.5', { ready: true, serving: true, terminating: false }],
      ['10.244.0.6', { ready: false, serving: true, terminating: true }],
      ['10.244.0.7', { ready: false, serving: false, terminating: false }],
    ])
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }])
    expect(slice.metadata.labels).toMatchObject({ 'kubernetes.io/service-name': 'web' })
    expect(slice.metadata.ownerReferences).toMatchObject([{ kind: 'Service', name: 'web', uid: 'svc-uid', controller: true }])
  })
})
