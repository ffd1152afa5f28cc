// Cluster IPs and node ports for Services, as kube-apiserver's allocators hand them out: a cluster
// IP from the service CIDR (stable for the Service's life; a requested one is checked), `None` for
// headless Services, and a node port from 30000–32767 for every port of a NodePort/LoadBalancer
// Service that names none. Pure: the caller passes what other Services hold, so the API server can
// run it under one lock with the list it read.

import type { Service, ServiceSpec } from '../api/types/core.ts'
import { child, index, invalid, type FieldError } from '../api/validation/errors.ts'
import { cidrContains, formatIPv4, parseCidr } from '../nodeagent/pods/ip-allocator.ts'

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12'
/** The cluster DNS's virtual IP (kubelet --cluster-dns), never handed to a Service. */
export const DEFAULT_CLUSTER_DNS_IP = '10.96.0.10'
export const DEFAULT_NODE_PORT_RANGE = { min: 30000, max: 32767 } as const

export interface ServiceRanges {
  serviceCIDR: string
  nodePorts: { min: number; max: number }
  /** Addresses of the range no Service may have (the cluster DNS's). */
  reservedIPs: readonly string[]
}

export const DEFAULT_SERVICE_RANGES: ServiceRanges = {
  serviceCIDR: DEFAULT_SERVICE_CIDR,
  nodePorts: DEFAULT_NODE_PORT_RANGE,
  reservedIPs: [DEFAULT_CLUSTER_DNS_IP],
}

/** What the other Services hold. */
export interface ServiceAllocations {
  clusterIPs: Set<string>
  /** `PROTOCOL/port`, e.g. `TCP/30080`. */
  nodePorts: Set<string>
}

const NODE_PORT_TYPES = new Set(['NodePort', 'LoadBalancer'])
const nodePortKey = (protocol: string | undefined, port: number): string => `${protocol ?? 'TCP'}/${port}`

export function usesNodePorts(svc: Service): boolean {
  return NODE_PORT_TYPES.has(svc.spec?.type ?? '')
}

/** What `services` hold, leaving out the one with `exceptUid` (the Service being updated). */
export function allocationsOf(services: readonly Service[], exceptUid?: string): ServiceAllocations {
  const out: ServiceAllocations = { clusterIPs: new Set(), nodePorts: new Set() }
  for (const svc of services) {
    if (exceptUid && svc.metadata.uid === exceptUid) continue
    const ip = svc.spec?.clusterIP
    if (ip && ip !== 'None') out.clusterIPs.add(ip)
    for (const p of svc.spec?.ports ?? []) if (p.nodePort) out.nodePorts.add(nodePortKey(p.protocol, p.nodePort))
  }
  return out
}

/**
 * Fills `svc`'s cluster IP and node ports in place (it is the API server's private copy), or says
 * why it cannot. `old` is the stored Service on an update: what it held stays its own.
 */
export function allocateService(svc: Service, taken: ServiceAllocations, ranges: ServiceRanges = DEFAULT_SERVICE_RANGES, old?: Service): FieldError[] {
  const spec = svc.spec
  if (!spec) return []
  const errs: FieldError[] = []
  if (spec.type === 'ExternalName') {
    delete spec.clusterIP
    delete spec.clusterIPs
  } else {
    errs.push(...allocateClusterIP(spec, taken, ranges, old))
  }
  errs.push(...allocateNodePorts(svc, spec, taken, ranges, old))
  return errs
}

function allocateClusterIP(spec: ServiceSpec, taken: ServiceAllocations, ranges: ServiceRanges, old?: Service): FieldError[] {
  const requested = spec.clusterIP || spec.clusterIPs?.[0] || ''
  const path = child('spec', 'clusterIPs')
  if (requested === 'None') {
    spec.clusterIP = 'None'
    spec.clusterIPs = ['None']
    return []
  }
  if (requested) {
    if (old?.spec?.clusterIP === requested) return []
    const problem = !cidrContains(ranges.serviceCIDR, requested)
      ? `failed to allocate IP ${requested}: provided IP is not in the valid range. The range of valid IPs is ${ranges.serviceCIDR}`
      : taken.clusterIPs.has(requested) || ranges.reservedIPs.includes(requested)
        ? `failed to allocate IP ${requested}: provided IP is already allocated`
        : null
    if (problem) return [invalid(index(path, 0), requested, problem)]
    spec.clusterIP = requested
    spec.clusterIPs = [requested]
    return []
  }
  const ip = freeIP(ranges, taken)
  if (!ip) return [invalid(index(path, 0), '', `failed to allocate a serviceIP: range is full (${ranges.serviceCIDR})`)]
  spec.clusterIP = ip
  spec.clusterIPs = [ip]
  return []
}

/** The lowest free address of the range past the network address and .1 (kube-apiserver's `kubernetes` Service). */
function freeIP(ranges: ServiceRanges, taken: ServiceAllocations): string | null {
  const cidr = parseCidr(ranges.serviceCIDR)
  const size = 2 ** (32 - cidr.prefixLength)
  for (let i = 2; i < size - 1; i++) {
    const ip = formatIPv4(cidr.base + i)
    if (!taken.clusterIPs.has(ip) && !ranges.reservedIPs.includes(ip)) return ip
  }
  return null
}

function allocateNodePorts(svc: Service, spec: ServiceSpec, taken: ServiceAllocations, ranges: ServiceRanges, old?: Service): FieldError[] {
  const ports = spec.ports ?? []
  const wants = usesNodePorts(svc) && !(spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === false)
  if (!wants) {
    // A Service leaving NodePort drops the ports it was given (dropTypeDependentFields).
    if (old && usesNodePorts(old)) for (const p of ports) if (p.nodePort && old.spec?.ports?.some((o) => o.nodePort === p.nodePort)) delete p.nodePort
    return []
  }
  const mine = new Set((old && usesNodePorts(old) ? (old.spec?.ports ?? []) : []).flatMap((p) => (p.nodePort ? [nodePortKey(p.protocol, p.nodePort)] : [])))
  const used = new Set(taken.nodePorts)
  const errs: FieldError[] = []
  const { min, max } = ranges.nodePorts
  ports.forEach((p, i) => {
    if (!p.nodePort) return
    const key = nodePortKey(p.protocol, p.nodePort)
    const path = child(index(child('spec', 'ports'), i), 'nodePort')
    if (mine.has(key)) {
      used.add(key)
      return
    }
    if (p.nodePort < min || p.nodePort > max) errs.push(invalid(path, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${min}-${max}`))
    else if (used.has(key)) errs.push(invalid(path, p.nodePort, 'provided port is already allocated'))
    else used.add(key)
  })
  ports.forEach((p, i) => {
    if (p.nodePort) return
    let port: number | undefined
    for (let candidate = min; candidate <= max; candidate++) {
      if (!used.has(nodePortKey(p.protocol, candidate))) {
        port = candidate
        break
      }
    }
    if (port === undefined) {
      errs.push(invalid(child(index(child('spec', 'ports'), i), 'nodePort'), 0, `failed to allocate a nodePort: range is full (${min}-${max})`))
      return
    }
    p.nodePort = port
    used.add(nodePortKey(p.protocol, port))
  })
  return errs
}
