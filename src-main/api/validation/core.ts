// Validation of the small core/v1 kinds: Namespace, Node, ConfigMap, Secret, Endpoints, Event.

import type { ConfigMap, Endpoints, Event, Namespace, Node, Secret } from '../types/core.ts'
import { child, duplicate, forbidden, index, invalid, key, required, tooLong, type FieldError } from './errors.ts'
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate, validateLabelName } from './meta.ts'
import {
  IP_ERROR,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isIP,
  isIPv4,
  isLabelValue,
  isQualifiedName,
  isValidCIDR,
  isValidPortName,
  isValidPortNum,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from './names.ts'

/** ConfigMaps and Secrets hold at most 1 MiB. */
export const MAX_DATA_SIZE = 1024 * 1024
const IMMUTABLE_SET = 'field is immutable when `immutable` is set'

// --- Namespace -----------------------------------------------------------------------------------

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, name: nameIsDNSLabel })
  for (const f of ns.spec?.finalizers ?? []) {
    if (f !== 'kubernetes' && (!f.includes('/') || isQualifiedName(f).length)) {
      errs.push(invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'))
    }
  }
  return errs
}

export function validateNamespaceUpdate(next: Namespace, old: Namespace): FieldError[] {
  return [...validateObjectMetaUpdate(next.metadata, old.metadata), ...validateNamespace(next).filter((e) => !e.field.startsWith('metadata'))]
}

// --- Node ----------------------------------------------------------------------------------------

export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, { namespaced: false, name: nameIsDNSSubdomain })
  const spec = node.spec ?? {}
  const cidrs = spec.podCIDRs ?? []
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(c).map((m) => invalid(index('spec.podCIDRs', i), c, m))))
  if (cidrs.length > 2) errs.push(invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'))
  if (spec.podCIDR && cidrs.length && cidrs[0] !== spec.podCIDR) errs.push(invalid('spec.podCIDRs', cidrs, 'first value must match `podCIDR`'))
  const seen = new Set<string>()
  ;(spec.taints ?? []).forEach((t, i) => {
    const p = index('spec.taints', i)
    if (!t.key) errs.push(required(child(p, 'key')))
    else errs.push(...validateLabelName(t.key, child(p, 'key')))
    if (t.value) errs.push(...isLabelValue(t.value).map((m) => invalid(child(p, 'value'), t.value, m)))
    if (!t.effect) errs.push(required(child(p, 'effect')))
    const id = `${t.key}:${t.effect}`
    if (seen.has(id)) errs.push(duplicate(p, t))
    seen.add(id)
  })
  for (const a of node.status?.addresses ?? []) {
    if ((a.type === 'InternalIP' || a.type === 'ExternalIP') && !isIP(a.address)) errs.push(invalid('status.addresses', a.address, IP_ERROR))
  }
  return errs
}

export function validateNodeUpdate(next: Node, old: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata)
  const was = old.spec?.podCIDRs ?? []
  const now = next.spec?.podCIDRs ?? []
  if (was.length && (was.length !== now.length || was.some((c, i) => now[i] !== c))) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'))
  }
  if (old.spec?.providerID && old.spec.providerID !== next.spec?.providerID) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'))
  }
  return [...errs, ...validateNode(next).filter((e) => !e.field.startsWith('metadata'))]
}

// --- ConfigMap -----------------------------------------------------------------------------------

const base64Length = (b64: string): number => Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0)
const byteLength = (s: string): number => new TextEncoder().encode(s).length

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, name: nameIsDNSSubdomain })
  let total = 0
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(key('data', k), k, m)))
    if (cm.binaryData && Object.hasOwn(cm.binaryData, k)) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'))
    total += byteLength(v)
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(key('binaryData', k), k, m)))
    total += base64Length(v)
  }
  if (total > MAX_DATA_SIZE) errs.push(tooLong('', MAX_DATA_SIZE))
  return errs
}

function validateImmutableData<T extends ConfigMap | Secret>(next: T, old: T): FieldError[] {
  if (!old.immutable) return []
  const errs: FieldError[] = []
  if (!next.immutable) errs.push(forbidden('immutable', IMMUTABLE_SET))
  if (validateImmutable(next.data ?? {}, old.data ?? {}, 'data').length) errs.push(forbidden('data', IMMUTABLE_SET))
  const nb = (next as ConfigMap).binaryData
  const ob = (old as ConfigMap).binaryData
  if (validateImmutable(nb ?? {}, ob ?? {}, 'binaryData').length) errs.push(forbidden('binaryData', IMMUTABLE_SET))
  return errs
}

export function validateConfigMapUpdate(next: ConfigMap, old: ConfigMap): FieldError[] {
  return [
    ...validateObjectMetaUpdate(next.metadata, old.metadata),
    ...validateImmutableData(next, old),
    ...validateConfigMap(next).filter((e) => !e.field.startsWith('metadata')),
  ]
}

// --- Secret --------------------------------------------------------------------------------------

function decodeBase64(b64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))
  } catch {
    return ''
  }
}

export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, name: nameIsDNSSubdomain })
  const data = secret.data ?? {}
  let total = 0
  for (const [k, v] of Object.entries(data)) {
    errs.push(...isConfigMapKey(k).map((m) => invalid(key('data', k), k, m)))
    total += base64Length(v)
  }
  if (total > MAX_DATA_SIZE) errs.push(tooLong('data', MAX_DATA_SIZE))
  const has = (k: string): boolean => Object.hasOwn(data, k) && (data[k] ?? '') !== ''
  const requireJson = (k: string): void => {
    if (!has(k)) {
      errs.push(required(key('data', k)))
      return
    }
    try {
      JSON.parse(decodeBase64(data[k] ?? ''))
    } catch (e) {
      errs.push(invalid(key('data', k), '<secret contents redacted>', e instanceof Error ? e.message : 'invalid JSON'))
    }
  }
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')))
      }
      break
    case 'kubernetes.io/dockercfg':
      requireJson('.dockercfg')
      break
    case 'kubernetes.io/dockerconfigjson':
      requireJson('.dockerconfigjson')
      break
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(required(key('data', 'username')), required(key('data', 'password')))
      }
      break
    case 'kubernetes.io/ssh-auth':
      if (!has('ssh-privatekey')) errs.push(required(key('data', 'ssh-privatekey')))
      break
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required(key('data', 'tls.crt')))
      if (!has('tls.key')) errs.push(required(key('data', 'tls.key')))
      break
  }
  return errs
}

export function validateSecretUpdate(next: Secret, old: Secret): FieldError[] {
  return [
    ...validateObjectMetaUpdate(next.metadata, old.metadata),
    ...validateImmutable(next.type ?? '', old.type ?? '', 'type'),
    ...validateImmutableData(next, old),
    ...validateSecret(next).filter((e) => !e.field.startsWith('metadata')),
  ]
}

// --- Endpoints -----------------------------------------------------------------------------------

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { namespaced: true, name: nameIsDNSSubdomain })
  ;(ep.subsets ?? []).forEach((ss, i) => {
    const sp = index('subsets', i)
    for (const list of ['addresses', 'notReadyAddresses'] as const) {
      ;(ss[list] ?? []).forEach((a, j) => {
        const ap = index(child(sp, list), j)
        if (!isIP(a.ip)) errs.push(invalid(child(ap, 'ip'), a.ip, IP_ERROR))
        else if (isIPv4(a.ip) && a.ip.startsWith('127.')) errs.push(invalid(child(ap, 'ip'), a.ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'))
        if (a.hostname) errs.push(...isDNS1123Label(a.hostname).map((m) => invalid(child(ap, 'hostname'), a.hostname, m)))
        if (a.nodeName) errs.push(...isDNS1123Subdomain(a.nodeName).map((m) => invalid(child(ap, 'nodeName'), a.nodeName, m)))
      })
    }
    const ports = ss.ports ?? []
    ports.forEach((port, j) => {
      const pp = index(child(sp, 'ports'), j)
      if (ports.length > 1 && !port.name) errs.push(required(child(pp, 'name')))
      else if (port.name) errs.push(...isValidPortName(port.name).map((m) => invalid(child(pp, 'name'), port.name, m)))
      errs.push(...isValidPortNum(port.port).map((m) => invalid(child(pp, 'port'), port.port, m)))
      if (!port.protocol) errs.push(required(child(pp, 'protocol')))
    })
  })
  return errs
}

export function validateEndpointsUpdate(next: Endpoints, old: Endpoints): FieldError[] {
  return [...validateObjectMetaUpdate(next.metadata, old.metadata), ...validateEndpoints(next).filter((e) => !e.field.startsWith('metadata'))]
}

// --- Event ---------------------------------------------------------------------------------------

export function validateEvent(ev: Event): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, { namespaced: true, name: nameIsDNSSubdomain })
  const ns = ev.metadata.namespace ?? ''
  const involved = ev.involvedObject?.namespace ?? ''
  if (!ev.eventTime) {
    if (involved === '' ? ns !== '' && ns !== 'default' : ns !== involved) {
      errs.push(invalid('involvedObject.namespace', involved, 'does not match event.namespace'))
    }
  } else {
    if (!ev.reportingComponent) errs.push(required('reportingController'))
    if (!ev.action) errs.push(required('action'))
    if (!ev.reason) errs.push(required('reason'))
  }
  if (ev.type && ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(invalid('type', ev.type, 'must be "Normal" or "Warning"'))
  return errs
}

export function validateEventUpdate(next: Event, old: Event): FieldError[] {
  return [...validateObjectMetaUpdate(next.metadata, old.metadata), ...validateEvent(next).filter((e) => !e.field.startsWith('metadata'))]
}
