// Pod IPs from the node's pod CIDR. The agent picks each pod's address itself and hands it to
// Docker as a static address, so the IP stays the pod's for the pod's whole life, across container
// restarts and recreations (Docker's own IPAM would hand out a new one on every recreate).

export interface IPv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number
  prefixLength: number
}

export function parseIPv4(ip: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip)
  const octets = m?.slice(1).map(Number)
  if (!octets || octets.some((o) => o > 255)) throw new Error(`invalid IPv4 address "${ip}"`)
  return octets.reduce((acc, o) => acc * 256 + o, 0)
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

/** Parses `10.244.1.0/24`; host bits must be zero. */
export function parseCidr(cidr: string): IPv4Cidr {
  const [ip = '', prefix = '', extra] = cidr.split('/')
  const prefixLength = Number(prefix)
  if (extra !== undefined || !/^\d{1,2}$/.test(prefix) || prefixLength > 32) throw new Error(`invalid CIDR "${cidr}"`)
  const base = parseIPv4(ip)
  if (base % hostCount(prefixLength) !== 0) throw new Error(`invalid CIDR "${cidr}": host bits are set`)
  return { base, prefixLength }
}

const hostCount = (prefixLength: number): number => 2 ** (32 - prefixLength)

export function cidrContains(cidr: string | IPv4Cidr, ip: string): boolean {
  const c = typeof cidr === 'string' ? parseCidr(cidr) : cidr
  const n = parseIPv4(ip)
  return n >= c.base && n < c.base + hostCount(c.prefixLength)
}

/** The bridge's own address: the first host of the subnet (Docker's choice too). */
export function cidrGateway(cidr: string): string {
  const c = parseCidr(cidr)
  if (c.prefixLength > 30) throw new Error(`pod CIDR ${cidr} is too small`)
  return formatIPv4(c.base + 1)
}

export interface AllocateOptions {
  /** Reserved for the bridge; default the first host (cidrGateway). */
  gateway?: string
  /**
   * The address handed out last: the search starts after it and wraps, so a just-freed address is
   * not given to the next pod at once (stale conntrack entries, DNS answers and endpoints still
   * point at it) — the host-local IPAM plugin's round-robin.
   */
  after?: string
}

/**
 * The next free pod IP in `cidr`, skipping the network and broadcast addresses, the gateway and
 * `inUse`; null when the range is exhausted. Pure: the caller passes every IP its pods hold.
 */
export function allocatePodIP(cidr: string, inUse: Iterable<string>, options: AllocateOptions = {}): string | null {
  const c = parseCidr(cidr)
  if (c.prefixLength > 30) throw new Error(`pod CIDR ${cidr} is too small`)
  const first = c.base + 1
  const last = c.base + hostCount(c.prefixLength) - 2
  const taken = new Set<number>()
  for (const ip of inUse) taken.add(parseIPv4(ip))
  taken.add(parseIPv4(options.gateway ?? cidrGateway(cidr)))
  const after = options.after === undefined ? undefined : parseIPv4(options.after)
  const start = after !== undefined && after >= first && after < last ? after + 1 : first
  const size = last - first + 1
  for (let i = 0; i < size; i++) {
    const candidate = first + ((start - first + i) % size)
    if (!taken.has(candidate)) return formatIPv4(candidate)
  }
  return null
}
