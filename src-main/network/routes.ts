// Host-gateway routes for the pod network: every other node's pod subnet via that node's address
// (flannel's host-gw). Pure: the wanted routes from the nodes, the node's current ones parsed from
// `ip -4 -o route show`, and the exact `ip route` argv that turns one into the other.

import { cidrContains, parseCidr } from '../nodeagent/pods/ip-allocator.ts'

export interface PeerNode {
  name: string
  /** The node's address on the LAN (its InternalIP). */
  address: string
  podCIDR: string
}

export interface PodRoute {
  cidr: string
  via: string
}

/** Routes node `self` needs: one per other node with both an address and a pod CIDR. */
export function desiredRoutes(self: string, nodes: readonly PeerNode[]): PodRoute[] {
  return nodes
    .filter((n) => n.name !== self && n.address && n.podCIDR)
    .map((n) => ({ cidr: n.podCIDR, via: n.address }))
    .sort((a, b) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0))
}

/** True when `inner` (a CIDR) lies within `outer`. */
function within(outer: string, inner: string): boolean {
  try {
    const o = parseCidr(outer)
    const i = parseCidr(inner)
    return i.prefixLength >= o.prefixLength && cidrContains(o, inner.split('/')[0] ?? '')
  } catch {
    return false
  }
}

/** Gateway routes inside the cluster CIDR from `ip -4 -o route show` (the bridge's own link route is not one). */
export function parseRoutes(output: string, clusterCIDR: string): PodRoute[] {
  const out: PodRoute[] = []
  for (const line of output.split('\n')) {
    const words = line.trim().split(/\s+/)
    const dest = words[0] ?? ''
    const viaAt = words.indexOf('via')
    if (viaAt < 0 || !dest.includes('/') || !within(clusterCIDR, dest)) continue
    out.push({ cidr: dest, via: words[viaAt + 1] ?? '' })
  }
  return out
}

/** The `ip route` commands that make `current` into `desired`: replace what is missing or different, delete the rest. */
export function routeCommands(desired: readonly PodRoute[], current: readonly PodRoute[]): string[][] {
  const commands: string[][] = []
  for (const r of desired) {
    if (!current.some((c) => c.cidr === r.cidr && c.via === r.via)) commands.push(['ip', 'route', 'replace', r.cidr, 'via', r.via])
  }
  for (const c of current) {
    if (!desired.some((r) => r.cidr === c.cidr)) commands.push(['ip', 'route', 'del', c.cidr, 'via', c.via])
  }
  return commands
}

/**
 * The route that makes service IPs routable on a node with no default route: through the device
 * that holds the node's own address. A VIP with endpoints is DNATed before routing; one without
 * must reach the filter table's REJECT (FORWARD, OUTPUT) to be refused rather than dropped.
 * Null when it is already there, or when no device holds `nodeAddress`.
 */
export function serviceRouteCommand(output: string, serviceCIDR: string, nodeAddress: string): string[] | null {
  let device: string | undefined
  for (const line of output.split('\n')) {
    const words = line.trim().split(/\s+/)
    if (words[0] === serviceCIDR) return null
    const src = words.indexOf('src')
    const dev = words.indexOf('dev')
    if (src >= 0 && dev >= 0 && words[src + 1] === nodeAddress) device ??= words[dev + 1]
  }
  return device ? ['ip', 'route', 'replace', serviceCIDR, 'dev', device] : null
}
