// The cluster DNS's data: every name a pod may ask for, from Services and Endpoints (pure). As
// Kubernetes' DNS spec: `SVC.NS.svc.DOMAIN` → the cluster IP (a headless Service: its ready pods'
// IPs), `_PORT._PROTO.SVC.NS.svc.DOMAIN` → SRV for each named port. The short forms (`SVC`,
// `SVC.NS`, `SVC.NS.svc`) reach these through the search domains pods are given. The table goes to
// every node as one JSON file; the DNS container there answers from it.

import type { Endpoints, Service } from '../../api/types/core.ts'

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local'

export interface DnsRecord {
  /** IPv4 addresses (A). */
  a?: string[]
  /** SRV targets. */
  srv?: { port: number; target: string }[]
}

export interface DnsTable {
  domain: string
  records: Record<string, DnsRecord>
}

/** One row for the API and the dashboard: a name, its kind of record, and where it points. */
export interface DnsEntry {
  name: string
  type: 'A' | 'SRV'
  targets: string[]
  namespace: string
  service: string
}

const keyOf = (ns: string | undefined, name: string | undefined): string => `${ns ?? ''}/${name ?? ''}`

export function dnsTable(services: readonly Service[], endpoints: readonly Endpoints[], domain = DEFAULT_CLUSTER_DOMAIN): DnsTable {
  const byKey = new Map(endpoints.map((e) => [keyOf(e.metadata.namespace, e.metadata.name), e]))
  const records: Record<string, DnsRecord> = {}
  const sorted = [...services].sort((a, b) => keyOf(a.metadata.namespace, a.metadata.name).localeCompare(keyOf(b.metadata.namespace, b.metadata.name)))
  for (const svc of sorted) {
    const spec = svc.spec
    if (!spec || spec.type === 'ExternalName') continue
    const fqdn = `${svc.metadata.name}.${svc.metadata.namespace}.svc.${domain}`
    const ep = byKey.get(keyOf(svc.metadata.namespace, svc.metadata.name))
    const headless = spec.clusterIP === 'None'
    const a = headless
      ? [...new Set((ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((x) => x.ip)))].sort()
      : spec.clusterIP
        ? [spec.clusterIP]
        : []
    records[fqdn] = { a }
    for (const port of spec.ports ?? []) {
      if (!port.name) continue
      records[`_${port.name}._${(port.protocol ?? 'TCP').toLowerCase()}.${fqdn}`] = { srv: [{ port: port.port, target: fqdn }] }
    }
  }
  return { domain, records }
}

/** The table as rows, for the API and the dashboard. */
export function dnsEntries(table: DnsTable): DnsEntry[] {
  return Object.entries(table.records).map(([name, r]) => {
    const base = name.startsWith('_') ? name.split('.').slice(2) : name.split('.')
    return {
      name,
      type: r.srv ? 'SRV' : 'A',
      targets: r.srv ? r.srv.map((s) => `${s.target}:${s.port}`) : (r.a ?? []),
      service: base[0] ?? '',
      namespace: base[1] ?? '',
    }
  })
}
