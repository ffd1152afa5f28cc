// Node pod CIDRs carved out of the cluster CIDR: each node gets one subnet (a /24 of 10.244.0.0/16
// by default), as kube-controller-manager's range allocator hands them out. Pure: the caller passes
// every subnet in use (the podCIDRs of the nodes that exist), so a deleted node's subnet is free again.

import { formatIPv4, parseCidr, type IPv4Cidr } from '../../nodeagent/pods/ip-allocator.ts'

export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16'
export const DEFAULT_NODE_MASK_SIZE = 24

const size = (prefixLength: number): number => 2 ** (32 - prefixLength)

function overlaps(a: IPv4Cidr, b: IPv4Cidr): boolean {
  return a.base < b.base + size(b.prefixLength) && b.base < a.base + size(a.prefixLength)
}

/** Parses `cidr`, or null when it is not an IPv4 CIDR (an IPv6 podCIDR, say: not ours to count). */
function tryParse(cidr: string): IPv4Cidr | null {
  try {
    return parseCidr(cidr)
  } catch {
    return null
  }
}

/**
 * The lowest subnet of `maskSize` bits in `clusterCidr` that overlaps none of `used`; null when the
 * cluster CIDR is full. Unparseable entries of `used` are ignored.
 */
export function nextFreeSubnet(clusterCidr: string, maskSize: number, used: Iterable<string>): string | null {
  const cluster = parseCidr(clusterCidr)
  if (!Number.isInteger(maskSize) || maskSize < cluster.prefixLength || maskSize > 30) {
    throw new Error(`node mask size ${maskSize} does not fit cluster CIDR ${clusterCidr}: it must be between ${cluster.prefixLength} and 30`)
  }
  const taken = [...used].map(tryParse).filter((c): c is IPv4Cidr => c !== null && overlaps(c, cluster))
  const step = size(maskSize)
  const count = size(cluster.prefixLength) / step
  for (let i = 0; i < count; i++) {
    const candidate: IPv4Cidr = { base: cluster.base + i * step, prefixLength: maskSize }
    if (!taken.some((t) => overlaps(t, candidate))) return `${formatIPv4(candidate.base)}/${maskSize}`
  }
  return null
}
