import { describe, expect, it } from 'vitest'
import { admitCreate, admitUpdate } from '../admission.ts'
import { services } from '../registry.ts'
import { makeService } from '../testing/builders.ts'
import type { Service } from '../types/core.ts'
import { formatFieldError, type FieldErrorType } from './errors.ts'

const errorsOf = (svc: Service) => admitCreate(services, svc).errors

describe('service validation', () => {
  it.each<[string, Service]>([
    ['a ClusterIP service', makeService().withPorts({ name: 'http', port: 80, targetPort: 'http' }, { name: 'https', port: 443, targetPort: 8443 }).obj()],
    ['a NodePort service with a fixed node port', makeService().withSpec({ type: 'NodePort' }).withPorts({ port: 80, nodePort: 30080 }).obj()],
    ['a LoadBalancer service (NodePort with a pending external IP)', makeService().withSpec({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' }).withPorts({ port: 80 }).obj()],
    ['a headless service without ports', makeService().withSpec({ clusterIP: 'None', ports: [] }).obj()],
    ['an ExternalName service', { metadata: { name: 'db', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'db.example.com.' } }],
    ['ClientIP affinity', makeService().withSpec({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } }).obj()],
  ])('accepts %s', (_name, svc) => {
    expect(errorsOf(svc).map(formatFieldError)).toEqual([])
  })

  it.each<[string, Service, FieldErrorType, string, string?]>([
    ['name not a DNS-1035 label', makeService('1web').obj(), 'FieldValueInvalid', 'metadata.name', 'a DNS-1035 label must consist of lower case alphanumeric characters'],
    ['no ports', makeService().withPorts().obj(), 'FieldValueRequired', 'spec.ports'],
    ['unnamed ports when there are several', makeService().withPorts({ port: 80 }, { port: 443 }).obj(), 'FieldValueRequired', 'spec.ports[0].name'],
    ['duplicate port names', makeService().withPorts({ name: 'web', port: 80 }, { name: 'web', port: 443 }).obj(), 'FieldValueDuplicate', 'spec.ports[1].name'],
    ['port out of range', makeService().withPorts({ port: 70000 }).obj(), 'FieldValueInvalid', 'spec.ports[0].port', 'must be between 1 and 65535, inclusive'],
    ['bad target port name', makeService().withPorts({ port: 80, targetPort: 'Http-Port' }).obj(), 'FieldValueInvalid', 'spec.ports[0].targetPort'],
    ['duplicate port and protocol', makeService().withPorts({ name: 'a', port: 80 }, { name: 'b', port: 80 }).obj(), 'FieldValueDuplicate', 'spec.ports[1]'],
    ['node port on a ClusterIP service', makeService().withPorts({ port: 80, nodePort: 30080 }).obj(), 'FieldValueForbidden', 'spec.ports[0].nodePort', "may not be used when `type` is 'ClusterIP'"],
    ['bad cluster IP', makeService().withSpec({ clusterIP: '10.96.0.300' }).obj(), 'FieldValueInvalid', 'spec.clusterIP', 'must be a valid IP address'],
    ['headless NodePort', makeService().withSpec({ type: 'NodePort', clusterIP: 'None' }).obj(), 'FieldValueInvalid', 'spec.clusterIPs[0]', "may not be set to 'None' for NodePort services"],
    ['ExternalName without a name', { metadata: { name: 'db', namespace: 'default' }, spec: { type: 'ExternalName' } }, 'FieldValueRequired', 'spec.externalName'],
    ['externalTrafficPolicy on a ClusterIP service', makeService().withSpec({ externalTrafficPolicy: 'Local' }).obj(), 'FieldValueInvalid', 'spec.externalTrafficPolicy', 'may only be set for externally-accessible services'],
    ['affinity timeout too long', makeService().withSpec({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } } }).obj(), 'FieldValueInvalid', 'spec.sessionAffinityConfig.clientIP.timeoutSeconds'],
    ['bad selector', makeService().withSpec({ selector: { app: 'a b' } }).obj(), 'FieldValueInvalid', 'spec.selector'],
  ])('refuses %s', (_name, svc, type, field, detail) => {
    const errors = errorsOf(svc)
    const match = errors.find((e) => e.field === field && e.type === type)
    expect(match, JSON.stringify(errors.map(formatFieldError))).toBeDefined()
    if (detail) expect(match?.message).toContain(detail)
  })

  it('refuses IPv6 and dual stack by name', () => {
    const errors = errorsOf(makeService().withSpec({ ipFamilyPolicy: 'RequireDualStack' }).obj())
    expect(errors[0]).toMatchObject({ type: 'FieldValueNotSupported', field: 'spec.ipFamilyPolicy' })
    expect(errors[0]?.message).toContain('IPv4 only')
  })
})

describe('service updates', () => {
  const allocated = (): Service => {
    const svc = admitCreate(services, makeService().withSpec({ type: 'NodePort' }).obj()).object
    svc.metadata = { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '3' }
    if (svc.spec) {
      svc.spec.clusterIP = '10.96.0.5'
      svc.spec.clusterIPs = ['10.96.0.5']
      if (svc.spec.ports?.[0]) svc.spec.ports[0].nodePort = 30080
    }
    return svc
  }

  it('keeps the allocated IP and node port when a re-applied manifest leaves them out', () => {
    const old = allocated()
    const next = makeService().withSpec({ type: 'NodePort' }).obj()
    next.metadata = { ...old.metadata }
    const result = admitUpdate(services, next, old)
    expect(result.errors).toEqual([])
    expect(result.object.spec).toMatchObject({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'], ports: [{ port: 80, nodePort: 30080 }] })
  })

  it('refuses a new cluster IP', () => {
    const old = allocated()
    const next = structuredClone(old)
    if (next.spec) {
      next.spec.clusterIP = '10.96.0.6'
      next.spec.clusterIPs = ['10.96.0.6']
    }
    expect(admitUpdate(services, next, old).errors.map(formatFieldError)).toEqual(['spec.clusterIPs[0]: Invalid value: "10.96.0.6": may not change once set'])
  })

  it('lets a service become ExternalName, dropping its IP', () => {
    const old = allocated()
    const next = { metadata: { ...old.metadata }, spec: { type: 'ExternalName' as const, externalName: 'example.com' } }
    expect(admitUpdate(services, next, old).errors).toEqual([])
  })
})
