// Services and the DNS names they give: type, ClusterIP, ports (with NodePorts), and every name a
// pod can resolve (NAME, NAME.NS, NAME.NS.svc.cluster.local) with what it resolves to.

import { matchesLabels, selectorFromSet } from '../../../src-main/api/selectors/labels.ts'
import type { Node, Service } from '../../../src-main/api/types/core.ts'
import type { Pod } from '../../../src-main/api/types/pod.ts'
import type { Tone } from '../connection.ts'
import type { ColumnSpec } from './columns.ts'
import { ageColumn, nameColumn, namespaceColumn } from './common.ts'
import { ipSortKey } from './pods.ts'

export const CLUSTER_DOMAIN = 'cluster.local'

/** "80/TCP", "80:30080/TCP" (port:nodePort), "dns 53/UDP" — one entry per port. */
export function servicePortsText(svc: Service): string {
  return (svc.spec?.ports ?? [])
    .map((p) => `${p.nodePort ? `${p.port}:${p.nodePort}` : p.port}/${p.protocol ?? 'TCP'}`)
    .join(', ')
}

export const isHeadless = (svc: Service): boolean => svc.spec?.clusterIP === 'None'

/** What a Service's name resolves to: its ClusterIP, its pods (headless) or another name (ExternalName). */
export function dnsTarget(svc: Service): string {
  if (svc.spec?.type === 'ExternalName') return `CNAME ${svc.spec.externalName ?? ''}`
  if (isHeadless(svc)) return 'the IPs of its ready pods (headless)'
  return svc.spec?.clusterIP ?? 'not allocated yet'
}

/** The fully qualified name, then the short forms a pod's search domains complete. */
export function dnsNames(svc: Service, clusterDomain = CLUSTER_DOMAIN): { fqdn: string; short: string[] } {
  const name = svc.metadata.name ?? ''
  const ns = svc.metadata.namespace ?? 'default'
  return { fqdn: `${name}.${ns}.svc.${clusterDomain}`, short: [`${name}.${ns}`, `${name} (from pods in ${ns})`] }
}

export interface ServiceBackends {
  ready: number
  total: number
}

/**
 * The pods a Service sends traffic to, as its endpoints would list them: running pods in its
 * namespace that its selector picks, ready or not. A Service without a selector has none here
 * (its endpoints are managed by hand).
 */
export function serviceBackends(svc: Service, pods: readonly Pod[]): ServiceBackends | null {
  const selector = svc.spec?.selector
  if (!selector || Object.keys(selector).length === 0) return null
  const match = selectorFromSet(selector)
  const picked = pods.filter(
    (p) => p.metadata.namespace === svc.metadata.namespace && !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && matchesLabels(match, p.metadata.labels),
  )
  const ready = picked.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length
  return { ready, total: picked.length }
}

export function backendsText(b: ServiceBackends | null): string {
  if (!b) return 'no selector'
  if (b.total === 0) return 'no pods'
  return `${b.ready}/${b.total} ready`
}

export function backendsTone(b: ServiceBackends | null): Tone {
  if (!b) return 'pending'
  if (b.total === 0) return 'warning'
  return b.ready === b.total ? 'ok' : b.ready === 0 ? 'error' : 'warning'
}

/** The ClusterIP, "None" for a headless service, "—" for an ExternalName, "pending" until allocated. */
export function clusterIpText(svc: Service): string {
  if (svc.spec?.type === 'ExternalName') return '—'
  return svc.spec?.clusterIP || 'pending'
}

export const serviceColumns: ColumnSpec<Service>[] = [
  nameColumn(),
  namespaceColumn(),
  { id: 'type', label: 'Type', width: '7rem', text: (s) => s.spec?.type ?? 'ClusterIP' },
  { id: 'clusterIP', label: 'Cluster IP', width: '8rem', text: clusterIpText, sortValue: (s) => ipSortKey(s.spec?.clusterIP) },
  { id: 'ports', label: 'Ports', width: 'minmax(8rem, 1.5fr)', text: servicePortsText },
  {
    id: 'endpoints',
    label: 'Endpoints',
    kind: 'pill',
    width: '8.5rem',
    description: 'Pods the selector picks: ready / all',
    text: (s, ctx) => backendsText(serviceBackends(s, ctx.pods ?? [])),
    tone: (s, ctx) => backendsTone(serviceBackends(s, ctx.pods ?? [])),
  },
  { id: 'selector', label: 'Selector', width: 'minmax(6rem, 1.2fr)', text: (s) => Object.entries(s.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') },
  ageColumn(),
]

export const dnsColumns: ColumnSpec<Service>[] = [
  { id: 'fqdn', label: 'Name', width: 'minmax(14rem, 2.5fr)', text: (s) => dnsNames(s).fqdn },
  { id: 'short', label: 'Also resolves as', width: 'minmax(10rem, 1.5fr)', text: (s) => dnsNames(s).short.join(', ') },
  { id: 'target', label: 'Target', width: 'minmax(8rem, 1.2fr)', text: dnsTarget },
  nameColumn(),
]

export interface NodePortLink {
  node: string
  port: number
  url: string
}

/**
 * Where a NodePort (or LoadBalancer, which acts as one here) Service answers: every node's
 * address on each node port. TCP ports only; http:// is a guess the user can see in the URL.
 */
export function nodePortLinks(svc: Service, nodes: readonly Node[]): NodePortLink[] {
  if (svc.spec?.type !== 'NodePort' && svc.spec?.type !== 'LoadBalancer') return []
  const out: NodePortLink[] = []
  for (const node of nodes) {
    const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? node.status?.addresses?.[0]?.address
    if (!address) continue
    for (const p of svc.spec.ports ?? []) {
      if (!p.nodePort || (p.protocol ?? 'TCP') !== 'TCP') continue
      const host = address.includes(':') ? `[${address}]` : address
      out.push({ node: node.metadata.name ?? '', port: p.nodePort, url: `http://${host}:${p.nodePort}/` })
    }
  }
  return out
}
