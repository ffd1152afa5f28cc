// Services + Endpoints → the proxy's per-port model (pure), as kube-proxy pairs them: a Service
// port matches the Endpoints port of the same name, whose number is the resolved targetPort.
// Headless and ExternalName Services, and Services without a cluster IP, get no rules.

import type { Endpoints, Node, Service } from '../api/types/core.ts'
import type { PeerNode } from './routes.ts'
import type { ProxyEndpoint, ServicePortRule } from './service-rules.ts'

const keyOf = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? ''}/${name ?? ''}`

export function servicePortRules(services: readonly Service[], endpoints: readonly Endpoints[]): ServicePortRule[] {
  const byKey = new Map(endpoints.map((e) => [keyOf(e.metadata.namespace, e.metadata.name), e]))
  const out: ServicePortRule[] = []
  for (const svc of services) {
    const spec = svc.spec
    const ip = spec?.clusterIP
    if (!spec || !ip || ip === 'None' || spec.type === 'ExternalName') continue
    const ep = byKey.get(keyOf(svc.metadata.namespace, svc.metadata.name))
    const affinity = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : undefined
    for (const port of spec.ports ?? []) {
      const protocol = port.protocol ?? 'TCP'
      const portName = port.name ?? ''
      const targets: ProxyEndpoint[] = []
      for (const subset of ep?.subsets ?? []) {
        const match = (subset.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol)
        if (!match) continue
        for (const a of subset.addresses ?? []) targets.push({ ip: a.ip, port: match.port, ...(a.nodeName ? { nodeName: a.nodeName } : {}) })
      }
      const unique = [...new Map(targets.map((t) => [`${t.ip}:${t.port}`, t])).values()].sort((a, b) =>
        a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1,
      )
      out.push({
        namespace: svc.metadata.namespace ?? '',
        name: svc.metadata.name ?? '',
        portName,
        protocol,
        clusterIP: ip,
        port: port.port,
        ...(port.nodePort && (spec.type === 'NodePort' || spec.type === 'LoadBalancer') ? { nodePort: port.nodePort } : {}),
        ...(affinity !== undefined ? { affinitySeconds: affinity } : {}),
        endpoints: unique,
        ...(spec.internalTrafficPolicy === 'Local' ? { internalLocal: true } : {}),
        ...(spec.externalTrafficPolicy === 'Local' ? { externalLocal: true } : {}),
      })
    }
  }
  return out
}

/** Nodes as route peers: InternalIP and the first pod CIDR. */
export function peerNodes(nodes: readonly Node[]): PeerNode[] {
  return nodes.map((n) => ({
    name: n.metadata.name ?? '',
    address: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '',
    podCIDR: n.spec?.podCIDR ?? n.spec?.podCIDRs?.[0] ?? '',
  }))
}
