// Defaulting for Service, Namespace, Node, Secret, Endpoints and EndpointSlice, as
// pkg/apis/core/v1/defaults.go and pkg/apis/discovery/v1/defaults.go. Pure: each returns a copy.

import type { Endpoints, Namespace, Node, Secret, Service } from '../types/core.ts'
import type { EndpointSlice } from '../types/discovery.ts'

/** Three hours, as Kubernetes' default ClientIP session stickiness. */
export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800

/**
 * SetDefaults_Service, plus the single-stack IPv4 family fields kube-apiserver's service registry
 * fills in (Coxswain's service network is IPv4 only).
 */
export function defaultService(svc: Service): Service {
  const out = structuredClone(svc)
  const spec = (out.spec ??= {})
  spec.sessionAffinity ||= 'None'
  spec.type ||= 'ClusterIP'
  for (const p of spec.ports ?? []) {
    p.protocol ||= 'TCP'
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port
  }
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster'
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {}
    spec.sessionAffinityConfig.clientIP ??= {}
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= DEFAULT_CLIENT_IP_TIMEOUT_SECONDS
  }
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ||= 'Cluster'
    spec.ipFamilyPolicy ||= 'SingleStack'
    if (!spec.ipFamilies?.length) spec.ipFamilies = ['IPv4']
    if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP]
  }
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true
  return out
}

/**
 * What kube-apiserver carries over on a Service update when the new object leaves allocated
 * values empty — so re-applying a manifest without clusterIP or nodePort keeps them: the cluster
 * IPs, the node port of each port that is still there (same port and protocol), and the
 * healthCheckNodePort. Returns a copy of `next`.
 */
export function carryOverServiceAllocations(next: Service, old: Service): Service {
  const out = structuredClone(next)
  const ns = out.spec
  const os = old.spec
  if (!ns || !os) return out
  const nodePortTypes = ['NodePort', 'LoadBalancer']
  if (ns.type !== 'ExternalName' && os.type !== 'ExternalName') {
    if (!ns.clusterIP && os.clusterIP) ns.clusterIP = os.clusterIP
    if (!ns.clusterIPs?.length && os.clusterIPs?.length) ns.clusterIPs = [...os.clusterIPs]
  }
  if (nodePortTypes.includes(ns.type ?? '') && nodePortTypes.includes(os.type ?? '')) {
    for (const p of ns.ports ?? []) {
      if (p.nodePort) continue
      const match = (os.ports ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))
      if (match?.nodePort) p.nodePort = match.nodePort
    }
    if (!ns.healthCheckNodePort && os.healthCheckNodePort) ns.healthCheckNodePort = os.healthCheckNodePort
  }
  return out
}

/** SetDefaults_Namespace and SetDefaults_NamespaceStatus: the name label, phase Active. */
export function defaultNamespace(ns: Namespace): Namespace {
  const out = structuredClone(ns)
  const name = out.metadata.name
  if (name) {
    out.metadata.labels = { ...out.metadata.labels, 'kubernetes.io/metadata.name': name }
  }
  out.status ??= {}
  out.status.phase ||= 'Active'
  return out
}

/** SetDefaults_NodeStatus: allocatable defaults to capacity. */
export function defaultNode(node: Node): Node {
  const out = structuredClone(node)
  if (out.status?.capacity && !out.status.allocatable) out.status.allocatable = { ...out.status.capacity }
  return out
}

/** SetDefaults_Secret: type Opaque. */
export function defaultSecret(secret: Secret): Secret {
  const out = structuredClone(secret)
  out.type ||= 'Opaque'
  return out
}

/** SetDefaults_Endpoints: port protocol TCP. */
export function defaultEndpoints(ep: Endpoints): Endpoints {
  const out = structuredClone(ep)
  for (const ss of out.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= 'TCP'
  return out
}

/** discovery/v1 SetDefaults_EndpointPort: name "" and protocol TCP. */
export function defaultEndpointSlice(slice: EndpointSlice): EndpointSlice {
  const out = structuredClone(slice)
  for (const p of out.ports ?? []) {
    p.name ??= ''
    p.protocol ||= 'TCP'
  }
  return out
}

function utf8ToBase64(s: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(s)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/**
 * The v1 → internal conversion of a Secret: `stringData` is merged into `data` (winning over
 * equal keys) and is never stored.
 */
export function convertSecretStringData(secret: Secret): Secret {
  const out = structuredClone(secret)
  if (!out.stringData) return out
  out.data ??= {}
  for (const [k, v] of Object.entries(out.stringData)) out.data[k] = utf8ToBase64(v)
  delete out.stringData
  return out
}
