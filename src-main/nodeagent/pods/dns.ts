// A pod's resolver settings from dnsPolicy and dnsConfig, as the kubelet's GetPodDNS decides them,
// expressed as Docker's Dns / DnsSearch / DnsOptions. Docker fills each list it is not given from
// the node's /etc/resolv.conf, which is exactly dnsPolicy Default; on a user-defined network the
// container's resolv.conf names Docker's embedded resolver (127.0.0.11), which forwards to these
// servers from inside the pod's network namespace.

import type { Pod } from '../../api/types/pod.ts'

export interface ClusterDNS {
  /** The cluster DNS servers (kubelet --cluster-dns). Empty: ClusterFirst falls back to Default. */
  servers: string[]
  /** kubelet --cluster-domain, e.g. `cluster.local`. */
  domain: string
  /**
   * The node's own resolv.conf, when known. Only needed to merge a pod's dnsConfig with the node's
   * settings (Default) or the node's search domains with the cluster's (ClusterFirst); without it
   * Docker's per-list fallback to the node's file stands in.
   */
  node?: { nameservers: string[]; searches: string[]; options: string[] }
}

export interface DockerDNS {
  Dns?: string[]
  DnsSearch?: string[]
  DnsOptions?: string[]
}

const MAX_NAMESERVERS = 3
const MAX_SEARCHES = 32
const CLUSTER_FIRST_OPTIONS = ['ndots:5']
/** Docker's spelling of "no search domains" (an empty list would mean "the node's"). */
const NO_SEARCH = ['.']

type PodDNSType = 'cluster' | 'host' | 'none'

/** getPodDNSType: ClusterFirst on the host network falls back to Default. */
function podDNSType(pod: Pod): PodDNSType {
  switch (pod.spec?.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'none'
    case 'ClusterFirstWithHostNet':
      return 'cluster'
    case 'ClusterFirst':
      return pod.spec?.hostNetwork ? 'host' : 'cluster'
    case 'Default':
      return 'host'
  }
}

const unique = (items: string[]): string[] => [...new Set(items)]

export function podDNS(pod: Pod, cluster: ClusterDNS): DockerDNS {
  const namespace = pod.metadata.namespace ?? 'default'
  let type = podDNSType(pod)
  if (type === 'cluster' && cluster.servers.length === 0) type = 'host'
  const dnsConfig = pod.spec?.dnsConfig

  let servers: string[] | undefined
  let searches: string[] | undefined
  let options: string[] | undefined
  if (type === 'cluster') {
    const domain = cluster.domain
    const clusterSearch = domain ? [`${namespace}.svc.${domain}`, `svc.${domain}`, domain] : []
    servers = [...cluster.servers]
    searches = unique([...clusterSearch, ...(cluster.node?.searches ?? [])])
    options = [...CLUSTER_FIRST_OPTIONS]
  } else if (type === 'none') {
    servers = []
    searches = []
    options = []
  } else {
    if (!dnsConfig) return {}
    servers = cluster.node?.nameservers
    searches = cluster.node?.searches
    options = cluster.node?.options
  }

  if (dnsConfig) {
    servers = unique([...(servers ?? []), ...(dnsConfig.nameservers ?? [])])
    searches = unique([...(searches ?? []), ...(dnsConfig.searches ?? [])])
    options = mergeOptions(options ?? [], dnsConfig.options ?? [])
  }

  const out: DockerDNS = {}
  if (servers?.length) out.Dns = servers.slice(0, MAX_NAMESERVERS)
  if (searches?.length) out.DnsSearch = searches.slice(0, MAX_SEARCHES)
  else if (type === 'none') out.DnsSearch = NO_SEARCH
  if (options?.length) out.DnsOptions = options
  return out
}

/** Options by name; a pod's option replaces the policy's of the same name (mergeDNSOptions). */
function mergeOptions(base: string[], podOptions: { name?: string; value?: string }[]): string[] {
  const merged = new Map<string, string>()
  for (const op of base) {
    const i = op.indexOf(':')
    if (i >= 0) merged.set(op.slice(0, i), op.slice(i + 1))
    else merged.set(op, '')
  }
  for (const op of podOptions) merged.set(op.name ?? '', op.value ?? '')
  return [...merged].map(([name, value]) => (value ? `${name}:${value}` : name))
}
