// EndpointSlice validation, as pkg/apis/discovery/validation.

import type { EndpointSlice } from '../types/discovery.ts'
import { child, duplicate, index, invalid, required, tooMany, type FieldError } from './errors.ts'
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts'
import { isDNS1123Label, isDNS1123Subdomain, isIPv4, isIPv6, isValidPortNum, nameIsDNSSubdomain } from './names.ts'

const MAX_ENDPOINTS = 1000
const MAX_ADDRESSES = 100
const MAX_PORTS = 20000

export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, { namespaced: true, name: nameIsDNSSubdomain })
  const endpoints = slice.endpoints ?? []
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS))
  endpoints.forEach((ep, i) => {
    const p = index('endpoints', i)
    const addrs = ep.addresses ?? []
    if (addrs.length === 0) errs.push(required(child(p, 'addresses'), 'must contain at least 1 address'))
    else if (addrs.length > MAX_ADDRESSES) errs.push(tooMany(child(p, 'addresses'), addrs.length, MAX_ADDRESSES))
    addrs.forEach((a, j) => {
      const ap = index(child(p, 'addresses'), j)
      if (slice.addressType === 'IPv4' && !isIPv4(a)) errs.push(invalid(ap, a, 'must be a valid IPv4 address'))
      if (slice.addressType === 'IPv6' && !isIPv6(a)) errs.push(invalid(ap, a, 'must be a valid IPv6 address'))
      if (slice.addressType === 'FQDN') errs.push(...isDNS1123Subdomain(a).map((m) => invalid(ap, a, m)))
    })
    if (ep.hostname) errs.push(...isDNS1123Label(ep.hostname).map((m) => invalid(child(p, 'hostname'), ep.hostname, m)))
    if (ep.nodeName) errs.push(...isDNS1123Subdomain(ep.nodeName).map((m) => invalid(child(p, 'nodeName'), ep.nodeName, m)))
  })
  const ports = slice.ports ?? []
  if (ports.length > MAX_PORTS) errs.push(tooMany('ports', ports.length, MAX_PORTS))
  const names = new Set<string>()
  ports.forEach((port, i) => {
    const p = index('ports', i)
    const name = port.name ?? ''
    if (name) errs.push(...isDNS1123Label(name).map((m) => invalid(child(p, 'name'), name, m)))
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name))
    names.add(name)
    if (port.port !== undefined) errs.push(...isValidPortNum(port.port).map((m) => invalid(child(p, 'port'), port.port, m)))
    if (!port.protocol) errs.push(required(child(p, 'protocol')))
  })
  return errs
}

export function validateEndpointSliceUpdate(next: EndpointSlice, old: EndpointSlice): FieldError[] {
  return [
    ...validateObjectMetaUpdate(next.metadata, old.metadata),
    ...validateImmutable(next.addressType, old.addressType, 'addressType'),
    ...validateEndpointSlice(next).filter((e) => !e.field.startsWith('metadata')),
  ]
}
