import { describe, expect, it } from 'vitest'
import { admitCreate, admitUpdate } from '../admission.ts'
import { configMaps, endpointSlices, endpoints, events, namespaces, nodes, secrets } from '../registry.ts'
import type { ConfigMap, Secret } from '../types/core.ts'
import { formatFieldError } from './errors.ts'

const b64 = (s: string): string => btoa(s)

describe('namespaces and nodes', () => {
  it.each([
    [{ metadata: { name: 'shop' } }, []],
    [{ metadata: { name: 'shop.eu' } }, ['metadata.name: Invalid value: "shop.eu": must not contain dots']],
    [{ metadata: { name: 'shop', namespace: 'default' } }, ['metadata.namespace: Forbidden: not allowed on this type']],
    [{ metadata: { name: 'shop' }, spec: { finalizers: ['foo'] } }, ['spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified']],
  ])('namespace %j', (ns, expected) => {
    expect(admitCreate(namespaces, ns).errors.map(formatFieldError)).toEqual(expected)
  })

  it.each([
    [{ metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } }, []],
    [{ metadata: { name: 'node-1' }, spec: { podCIDRs: ['10.244.1.0/33'] } }, ['spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    [{ metadata: { name: 'node-1' }, spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }] } }, ['spec.taints[1]: Duplicate value: {"effect":"NoSchedule","key":"a"}']],
    [{ metadata: { name: 'node-1' }, spec: { taints: [{ key: 'a', effect: 'Sometimes' }] } }, ['spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"']],
  ])('node %j', (node, expected) => {
    expect(admitCreate(nodes, node).errors.map(formatFieldError)).toEqual(expected)
  })

  it('forbids changing a node pod CIDR once set', () => {
    const old = { metadata: { name: 'n', uid: 'u', resourceVersion: '1' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } }
    const next = { ...old, spec: { podCIDR: '10.244.2.0/24', podCIDRs: ['10.244.2.0/24'] } }
    expect(admitUpdate(nodes, next, old).errors.map(formatFieldError)).toEqual(['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'])
  })
})

describe('config maps and secrets', () => {
  const cm = (extra: Partial<ConfigMap>): ConfigMap => ({ metadata: { name: 'cfg', namespace: 'default' }, ...extra })

  it.each<[Partial<ConfigMap>, string[]]>([
    [{ data: { 'app.properties': 'a=1', '.env': 'X=1' } }, []],
    [{ data: { 'a b': 'x' } }, [`data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`]],
    [{ data: { '..x': 'x' } }, [`data[..x]: Invalid value: "..x": must not start with '..'`]],
    [{ data: { k: 'x' }, binaryData: { k: b64('y') } }, ['data[k]: Invalid value: "k": duplicate of key present in binaryData']],
    [{ data: { big: 'x'.repeat(1024 * 1024 + 1) } }, [': Too long: may not be more than 1048576 bytes']],
  ])('config map %#', (extra, expected) => {
    expect(admitCreate(configMaps, cm(extra)).errors.map(formatFieldError)).toEqual(expected)
  })

  it('keeps immutable config maps immutable', () => {
    const old = cm({ data: { a: '1' }, immutable: true, metadata: { name: 'cfg', namespace: 'default', uid: 'u', resourceVersion: '1' } })
    const next = { ...old, data: { a: '2' } }
    expect(admitUpdate(configMaps, next, old).errors.map(formatFieldError)).toEqual(['data: Forbidden: field is immutable when `immutable` is set'])
  })

  const secret = (extra: Partial<Secret>): Secret => ({ metadata: { name: 's', namespace: 'default' }, ...extra })

  it.each<[Partial<Secret>, string[]]>([
    [{ stringData: { password: 'hunter2' } }, []],
    [{ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }, ['data[tls.key]: Required value']],
    [{ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{not json') } }, ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>"']],
    [{ type: 'kubernetes.io/basic-auth', data: {} }, ['data[username]: Required value', 'data[password]: Required value']],
    [{ type: 'kubernetes.io/ssh-auth', stringData: { 'ssh-privatekey': 'KEY' } }, []],
  ])('secret %#', (extra, expected) => {
    const errors = admitCreate(secrets, secret(extra)).errors.map(formatFieldError)
    expect(errors.length).toBe(expected.length)
    expected.forEach((e, i) => expect(errors[i]).toContain(e))
  })

  it('stores stringData as base64 data and never keeps stringData', () => {
    const { object } = admitCreate(secrets, secret({ data: { user: b64('old') }, stringData: { user: 'admin', pass: 'pa55' } }))
    expect(object).toEqual({ metadata: { name: 's', namespace: 'default' }, data: { user: b64('admin'), pass: b64('pa55') }, type: 'Opaque' })
  })

  it('forbids changing a secret type', () => {
    const old = secret({ type: 'Opaque', metadata: { name: 's', namespace: 'default', uid: 'u', resourceVersion: '1' } })
    expect(admitUpdate(secrets, { ...old, type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': b64('k') } }, old).errors.map(formatFieldError)).toEqual([
      'type: Invalid value: "kubernetes.io/ssh-auth": field is immutable',
    ])
  })
})

describe('endpoints, endpoint slices and events', () => {
  it.each([
    [{ subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ port: 80 }] }] }, []],
    [{ subsets: [{ addresses: [{ ip: '10.244.1.500' }] }] }, ['subsets[0].addresses[0].ip: Invalid value: "10.244.1.500": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    [{ subsets: [{ addresses: [{ ip: '127.0.0.1' }] }] }, ['subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    [{ subsets: [{ ports: [{ port: 80 }, { name: 'b', port: 81 }] }] }, ['subsets[0].ports[0].name: Required value']],
  ])('endpoints %j', (extra, expected) => {
    expect(admitCreate(endpoints, { metadata: { name: 'web', namespace: 'default' }, ...extra }).errors.map(formatFieldError)).toEqual(expected)
  })

  it.each([
    [{ addressType: 'IPv4', endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true } }], ports: [{ name: 'http', port: 80 }] }, []],
    [{ addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1'] }] }, ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address']],
    [{ addressType: 'IPv4', endpoints: [{ addresses: [] }] }, ['endpoints[0].addresses: Required value: must contain at least 1 address']],
    [{ addressType: 'IPv4', endpoints: [], ports: [{ port: 80 }, { port: 81 }] }, ['ports[1].name: Duplicate value: ""']],
  ])('endpoint slice %j', (extra, expected) => {
    expect(admitCreate(endpointSlices, { metadata: { name: 'web-abc', namespace: 'default' }, ...extra }).errors.map(formatFieldError)).toEqual(expected)
  })

  it('requires an event to live in the namespace of the object it is about', () => {
    const ev = { metadata: { name: 'web.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'shop' }, reason: 'Started', type: 'Normal' }
    expect(admitCreate(events, ev).errors.map(formatFieldError)).toEqual(['involvedObject.namespace: Invalid value: "shop": does not match event.namespace'])
    expect(admitCreate(events, { ...ev, involvedObject: { kind: 'Node', name: 'n1' } }).errors).toEqual([])
  })
})
