import { describe, expect, it } from 'vitest'
import type { Service } from '../api/types/core.ts'
import { makeService } from '../api/testing/builders.ts'
import { formatFieldError } from '../api/validation/errors.ts'
import { allocateService, allocationsOf, type ServiceRanges } from './service-allocation.ts'

const RANGES: ServiceRanges = { serviceCIDR: '10.96.0.0/29', nodePorts: { min: 30000, max: 30002 }, reservedIPs: ['10.96.0.3'] }
const none = () => ({ clusterIPs: new Set<string>(), nodePorts: new Set<string>() })
const withUid = (s: Service, uid: string): Service => ({ ...s, metadata: { ...s.metadata, uid } })

describe('allocateService', () => {
  it('gives the lowest free IP past .1, skipping reserved and taken ones', () => {
    const svc = makeService('a').obj()
    expect(allocateService(svc, { clusterIPs: new Set(['10.96.0.2']), nodePorts: new Set() }, RANGES)).toEqual([])
    expect(svc.spec).toMatchObject({ clusterIP: '10.96.0.4', clusterIPs: ['10.96.0.4'] })
  })

  it.each([
    ['a free IP in range', '10.96.0.5', [], '10.96.0.5'],
    ['headless', 'None', [], 'None'],
    ['an IP out of range', '10.0.0.9', ['spec.clusterIPs[0]: Invalid value: "10.0.0.9": failed to allocate IP 10.0.0.9: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/29'], '10.0.0.9'],
    ['a taken IP', '10.96.0.2', ['spec.clusterIPs[0]: Invalid value: "10.96.0.2": failed to allocate IP 10.96.0.2: provided IP is already allocated'], '10.96.0.2'],
    ['the cluster DNS IP', '10.96.0.3', ['spec.clusterIPs[0]: Invalid value: "10.96.0.3": failed to allocate IP 10.96.0.3: provided IP is already allocated'], '10.96.0.3'],
  ])('honours a requested cluster IP: %s', (_, requested, errors, ip) => {
    const svc = makeService('a').withSpec({ clusterIP: requested }).obj()
    const errs = allocateService(svc, { clusterIPs: new Set(['10.96.0.2']), nodePorts: new Set() }, RANGES)
    expect(errs.map(formatFieldError)).toEqual(errors)
    expect(svc.spec?.clusterIP).toBe(ip)
  })

  it('says the range is full', () => {
    const taken = { clusterIPs: new Set(['10.96.0.2', '10.96.0.4', '10.96.0.5', '10.96.0.6']), nodePorts: new Set<string>() }
    expect(allocateService(makeService('a').obj(), taken, RANGES)[0]?.detail).toBe('failed to allocate a serviceIP: range is full (10.96.0.0/29)')
  })

  it('gives each port of a NodePort Service a free node port, keeping requested ones and protocols apart', () => {
    const svc = makeService('a')
      .withSpec({ type: 'NodePort' })
      .withPorts({ name: 'a', port: 80, protocol: 'TCP' }, { name: 'b', port: 81, protocol: 'TCP', nodePort: 30001 }, { name: 'c', port: 80, protocol: 'UDP' })
      .obj()
    expect(allocateService(svc, { clusterIPs: new Set(), nodePorts: new Set(['TCP/30000']) }, RANGES)).toEqual([])
    expect(svc.spec?.ports?.map((p) => p.nodePort)).toEqual([30002, 30001, 30000])
  })

  it.each([
    [29999, 'provided port is not in the valid range. The range of valid ports is 30000-30002'],
    [30000, 'provided port is already allocated'],
  ])('refuses node port %d', (nodePort, detail) => {
    const svc = makeService('a').withSpec({ type: 'NodePort' }).withPorts({ port: 80, protocol: 'TCP', nodePort }).obj()
    const errs = allocateService(svc, { clusterIPs: new Set(), nodePorts: new Set(['TCP/30000']) }, RANGES)
    expect(errs).toMatchObject([{ field: 'spec.ports[0].nodePort', detail }])
  })

  it('keeps what an updated Service holds, and drops node ports when it stops being a NodePort', () => {
    const old = withUid(makeService('a').withSpec({ type: 'NodePort', clusterIP: '10.96.0.2' }).withPorts({ port: 80, protocol: 'TCP', nodePort: 30001 }).obj(), 'u1')
    const all = [old, withUid(makeService('b').withSpec({ clusterIP: '10.96.0.4' }).obj(), 'u2')]
    const same = structuredClone(old)
    expect(allocateService(same, allocationsOf(all, 'u1'), RANGES, old)).toEqual([])
    expect(same.spec?.ports?.[0]?.nodePort).toBe(30001)
    const toClusterIP = structuredClone(old)
    if (toClusterIP.spec) toClusterIP.spec.type = 'ClusterIP'
    expect(allocateService(toClusterIP, allocationsOf(all, 'u1'), RANGES, old)).toEqual([])
    expect(toClusterIP.spec?.ports?.[0]?.nodePort).toBeUndefined()
    expect(allocationsOf(all, 'u1')).toEqual({ clusterIPs: new Set(['10.96.0.4']), nodePorts: new Set() })
  })

  it('gives ExternalName Services neither', () => {
    const svc = makeService('a').withSpec({ type: 'ExternalName', externalName: 'db.example.com' }).obj()
    expect(allocateService(svc, none(), RANGES)).toEqual([])
    expect(svc.spec?.clusterIP).toBeUndefined()
  })
})
