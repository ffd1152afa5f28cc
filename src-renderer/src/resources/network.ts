// Services and the DNS names they give: type, ClusterIP, ports (with NodePorts), and every name a
// pod can resolve (NAME, NAME.NS, NAME.NS.svc.cluster.local) with what it resolves to.

import type { Service } from '../../../src-main/api/types/core.ts'
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

export const serviceColumns: ColumnSpec<Service>[] = [
  nameColumn(),
  namespaceColumn(),
  { id: 'type', label: 'Type', width: '7rem', text: (s) => s.spec?.type ?? 'ClusterIP' },
  { id: 'clusterIP', label: 'Cluster IP', width: '8rem', text: (s) => s.spec?.clusterIP ?? '', sortValue: (s) => ipSortKey(s.spec?.clusterIP) },
  { id: 'ports', label: 'Ports', width: 'minmax(8rem, 1.5fr)', text: servicePortsText },
  { id: 'selector', label: 'Selector', width: 'minmax(6rem, 1.2fr)', text: (s) => Object.entries(s.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') },
  ageColumn(),
]

export const dnsColumns: ColumnSpec<Service>[] = [
  { id: 'fqdn', label: 'Name', width: 'minmax(14rem, 2.5fr)', text: (s) => dnsNames(s).fqdn },
  { id: 'short', label: 'Also resolves as', width: 'minmax(10rem, 1.5fr)', text: (s) => dnsNames(s).short.join(', ') },
  { id: 'target', label: 'Target', width: 'minmax(8rem, 1.2fr)', text: dnsTarget },
  nameColumn(),
]
