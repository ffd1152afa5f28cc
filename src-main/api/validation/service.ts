// Service validation (ValidateService, ValidateServiceUpdate), as pkg/apis/core/validation.

import type { Service, ServicePort } from '../types/core.ts'
import { child, duplicate, forbidden, index, invalid, required, type FieldError } from './errors.ts'
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts'
import { IP_ERROR, isDNS1123Label, isDNS1123Subdomain, isIP, isQualifiedName, isValidCIDR, isValidPortName, isValidPortNum, nameIsDNS1035Label } from './names.ts'

const SPEC = 'spec'
const MAX_CLIENT_IP_TIMEOUT = 86400

const isHeadless = (svc: Service): boolean => svc.spec?.clusterIP === 'None'
const externallyAccessible = (svc: Service): boolean =>
  svc.spec?.type === 'NodePort' || svc.spec?.type === 'LoadBalancer' || (svc.spec?.type === 'ClusterIP' && !!svc.spec.externalIPs?.length)

function validatePortNumOrName(port: number | string | undefined, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m))
  if (typeof port === 'string') {
    const msgs = isValidPortName(port)
    return msgs.length ? [invalid(path, port, msgs.join(', '))] : []
  }
  return []
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (requireName && !sp.name) errs.push(required(child(path, 'name')))
  else if (sp.name) {
    errs.push(...isDNS1123Label(sp.name).map((m) => invalid(child(path, 'name'), sp.name, m)))
    if (names.has(sp.name)) errs.push(duplicate(child(path, 'name'), sp.name))
    names.add(sp.name)
  }
  errs.push(...isValidPortNum(sp.port).map((m) => invalid(child(path, 'port'), sp.port, m)))
  if (!sp.protocol) errs.push(required(child(path, 'protocol')))
  errs.push(...validatePortNumOrName(sp.targetPort, child(path, 'targetPort')))
  if (sp.appProtocol) errs.push(...isQualifiedName(sp.appProtocol).map((m) => invalid(child(path, 'appProtocol'), sp.appProtocol, m)))
  if (sp.nodePort) errs.push(...isValidPortNum(sp.nodePort).map((m) => invalid(child(path, 'nodePort'), sp.nodePort, m)))
  return errs
}

function validateClusterIPs(svc: Service): FieldError[] {
  const spec = svc.spec ?? {}
  const errs: FieldError[] = []
  if (spec.type === 'ExternalName') return errs
  const ip = spec.clusterIP ?? ''
  if (ip && ip !== 'None' && !isIP(ip)) errs.push(invalid(child(SPEC, 'clusterIP'), ip, IP_ERROR))
  const ips = spec.clusterIPs ?? []
  if (ips.length && ip && ips[0] !== ip) errs.push(invalid(child(SPEC, 'clusterIPs'), ips, 'first value must match `clusterIP`'))
  ips.forEach((v, i) => {
    if (v === 'None') {
      if (i > 0 || ips.length > 1) errs.push(invalid(index(child(SPEC, 'clusterIPs'), i), v, 'must not have more than one value when `clusterIP` is None'))
    } else if (!isIP(v)) {
      errs.push(invalid(index(child(SPEC, 'clusterIPs'), i), v, IP_ERROR))
    }
  })
  if (ips.length > 1) errs.push(invalid(child(SPEC, 'clusterIPs'), ips, 'may not have more than one IP: Coxswain services are single-stack IPv4'))
  return errs
}

/** ValidateService. */
export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, name: nameIsDNS1035Label })
  const spec = svc.spec
  if (!spec) return [...errs, required(SPEC)]
  const ports = spec.ports ?? []
  if (ports.length === 0 && !isHeadless(svc) && spec.type !== 'ExternalName') errs.push(required(child(SPEC, 'ports')))
  switch (spec.type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (isHeadless(svc)) errs.push(invalid(index(child(SPEC, 'clusterIPs'), 0), 'None', `may not be set to 'None' for ${spec.type} services`))
      break
    case 'ExternalName': {
      if (spec.clusterIPs?.length || (spec.clusterIP && spec.clusterIP !== '')) errs.push(forbidden(child(SPEC, 'clusterIPs'), 'may not be set for ExternalName services'))
      if (spec.ipFamilies?.length) errs.push(forbidden(child(SPEC, 'ipFamilies'), 'may not be set for ExternalName services'))
      if (spec.ipFamilyPolicy) errs.push(forbidden(child(SPEC, 'ipFamilyPolicy'), 'may not be set for ExternalName services'))
      const cname = (spec.externalName ?? '').replace(/\.$/, '')
      if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => invalid(child(SPEC, 'externalName'), cname, m)))
      else errs.push(required(child(SPEC, 'externalName')))
      break
    }
  }
  const names = new Set<string>()
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, index(child(SPEC, 'ports'), i))))
  if (spec.selector) errs.push(...validateLabels(spec.selector, child(SPEC, 'selector')))
  if (!spec.sessionAffinity) errs.push(required(child(SPEC, 'sessionAffinity')))
  else if (spec.sessionAffinity === 'ClientIP') {
    const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds
    const tp = 'spec.sessionAffinityConfig.clientIP.timeoutSeconds'
    if (timeout === undefined) errs.push(required(tp))
    else if (timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT) errs.push(invalid(tp, timeout, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT}`))
  } else if (spec.sessionAffinityConfig) {
    errs.push(forbidden(child(SPEC, 'sessionAffinityConfig'), 'must not be set when session affinity is None'))
  }
  errs.push(...validateClusterIPs(svc))
  ;(spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isIP(ip)) errs.push(invalid(index(child(SPEC, 'externalIPs'), i), ip, IP_ERROR))
  })
  if (!spec.type) errs.push(required(child(SPEC, 'type')))
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(child(index(child(SPEC, 'ports'), i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"))
    })
  }
  const nodePorts = new Set<string>()
  const portKeys = new Set<string>()
  ports.forEach((p, i) => {
    const pp = index(child(SPEC, 'ports'), i)
    if (p.nodePort) {
      const k = `${p.protocol ?? ''}/${p.nodePort}`
      if (nodePorts.has(k)) errs.push(duplicate(child(pp, 'nodePort'), p.nodePort))
      nodePorts.add(k)
    }
    const k = `${p.protocol ?? ''}/${p.port}`
    if (portKeys.has(k)) errs.push(duplicate(pp, { port: p.port, protocol: p.protocol ?? '' }))
    portKeys.add(k)
  })
  ;(spec.loadBalancerSourceRanges ?? []).forEach((r, i) => {
    errs.push(...isValidCIDR(r.trim()).map((m) => invalid(index(child(SPEC, 'loadBalancerSourceRanges'), i), r, m)))
  })
  if (spec.loadBalancerSourceRanges?.length && spec.type !== 'LoadBalancer') {
    errs.push(forbidden(child(SPEC, 'loadBalancerSourceRanges'), 'may only be used when `type` is \'LoadBalancer\''))
  }
  if (!externallyAccessible(svc)) {
    if (spec.externalTrafficPolicy) errs.push(invalid(child(SPEC, 'externalTrafficPolicy'), spec.externalTrafficPolicy, 'may only be set for externally-accessible services'))
  } else if (!spec.externalTrafficPolicy && spec.type !== 'ClusterIP') {
    errs.push(required(child(SPEC, 'externalTrafficPolicy')))
  }
  const needsHealthCheck = spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local'
  if (spec.healthCheckNodePort && !needsHealthCheck) {
    errs.push(invalid(child(SPEC, 'healthCheckNodePort'), spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
  }
  if (!spec.internalTrafficPolicy && spec.type !== 'ExternalName') errs.push(required(child(SPEC, 'internalTrafficPolicy')))
  if (spec.type !== 'LoadBalancer') {
    if (spec.loadBalancerClass) errs.push(forbidden(child(SPEC, 'loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'"))
    if (spec.allocateLoadBalancerNodePorts !== undefined) {
      errs.push(forbidden(child(SPEC, 'allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"))
    }
  } else if (spec.loadBalancerClass) {
    errs.push(...isQualifiedName(spec.loadBalancerClass).map((m) => invalid(child(SPEC, 'loadBalancerClass'), spec.loadBalancerClass, m)))
  }
  if (spec.loadBalancerIP && !isIP(spec.loadBalancerIP)) errs.push(invalid(child(SPEC, 'loadBalancerIP'), spec.loadBalancerIP, IP_ERROR))
  return errs
}

/** ValidateServiceUpdate: the allocated cluster IP may not change, except to or from ExternalName. */
export function validateServiceUpdate(next: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata)
  const ns = next.spec ?? {}
  const os = old.spec ?? {}
  if (ns.type !== 'ExternalName' && os.type !== 'ExternalName' && os.clusterIPs?.length) {
    const was = os.clusterIPs[0] ?? ''
    const now = ns.clusterIPs?.[0] ?? ns.clusterIP ?? ''
    if (!now) errs.push(required(index(child(SPEC, 'clusterIPs'), 0), 'primary clusterIP can not be unset'))
    else if (now !== was) errs.push(invalid(index(child(SPEC, 'clusterIPs'), 0), now, 'may not change once set'))
  }
  if (os.type === 'LoadBalancer' && ns.type === 'LoadBalancer' && os.loadBalancerClass !== ns.loadBalancerClass) {
    errs.push(invalid(child(SPEC, 'loadBalancerClass'), ns.loadBalancerClass ?? null, 'may not change once set'))
  }
  return [...errs, ...validateService(next).filter((e) => !e.field.startsWith('metadata'))]
}
