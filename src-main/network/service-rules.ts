// The service proxy's rules, as kube-proxy's iptables mode lays them out, rendered as one
// `iptables-restore --noflush` input (pure: exact text, tested as such). Coxswain owns every chain
// named COXSWAIN-* or CXSW-*; declaring a chain in the input flushes it, so a render replaces
// all of our rules at once and nothing else on the node is touched.
//
//   nat PREROUTING/OUTPUT ─▶ COXSWAIN-SERVICES ─ VIP:port ─▶ CXSW-SVC-<h> ─ random ─▶ CXSW-SEP-<h> ─▶ DNAT pod:port
//                                              └ local address ─▶ COXSWAIN-NODEPORTS ─ port ─▶ CXSW-EXT-<h> (mark) ─▶ CXSW-SVC-<h>
//   nat POSTROUTING ─▶ COXSWAIN-POSTROUTING: marked ─▶ MASQUERADE; pod → pod ─▶ ACCEPT (no NAT across nodes)
//   filter FORWARD ─▶ COXSWAIN-FORWARD: pod traffic, replies, marked traffic ─▶ ACCEPT (the FORWARD policy may be DROP)
//   filter INPUT/OUTPUT/FORWARD ─▶ COXSWAIN-REJECT: a port with no ready endpoint ─▶ REJECT (refuse, never hang)

import { createHash } from 'node:crypto'

export const SERVICES_CHAIN = 'COXSWAIN-SERVICES'
export const NODEPORTS_CHAIN = 'COXSWAIN-NODEPORTS'
export const POSTROUTING_CHAIN = 'COXSWAIN-POSTROUTING'
export const MARK_MASQ_CHAIN = 'COXSWAIN-MARK-MASQ'
export const FORWARD_CHAIN = 'COXSWAIN-FORWARD'
export const REJECT_CHAIN = 'COXSWAIN-REJECT'
/** Prefix of the per-service and per-endpoint chains (short: chain names end at 28 characters). */
export const DYNAMIC_CHAIN_PREFIX = 'CXSW-'
/** The bit that says "masquerade this on the way out", kube-proxy's 0x4000. */
export const MASQ_MARK = '0x4000/0x4000'
/** The comment that carries the hash of what was rendered: equal hash, nothing to apply. */
export const RULES_HASH_COMMENT = 'coxswain-rules'

export type Protocol = 'TCP' | 'UDP' | 'SCTP'

export interface ProxyEndpoint {
  ip: string
  port: number
  /** The node the endpoint's pod runs on (for the Local traffic policies). */
  nodeName?: string
}

/** One port of one Service, with where its traffic goes. */
export interface ServicePortRule {
  namespace: string
  name: string
  /** The Service port's name ('' when unnamed). */
  portName: string
  protocol: Protocol
  clusterIP: string
  port: number
  nodePort?: number
  /** sessionAffinity ClientIP: seconds an address sticks to its endpoint. */
  affinitySeconds?: number
  /** Ready endpoints; empty: the port rejects. */
  endpoints: ProxyEndpoint[]
  /** internalTrafficPolicy Local: cluster IP traffic goes to this node's endpoints only. */
  internalLocal?: boolean
  /** externalTrafficPolicy Local: node-port traffic goes to this node's endpoints only, client address kept. */
  externalLocal?: boolean
}

export interface ProxyRulesInput {
  clusterCIDR: string
  /** The node the rules are for (the Local traffic policies pick its endpoints). */
  nodeName?: string
  services: readonly ServicePortRule[]
  /** The cluster DNS: its virtual IP's port 53 (UDP and TCP) goes to this node's own DNS server. */
  dns?: { clusterIP: string; target: string }
}

/** Chain tables of what is on the node now (from iptables-save), so stale chains are removed. */
export interface ExistingChains {
  nat: readonly string[]
  filter: readonly string[]
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').replace(/[-_]/g, 'x').slice(0, 16).toUpperCase()
}

const servicePortName = (s: ServicePortRule): string => `${s.namespace}/${s.name}${s.portName ? `:${s.portName}` : ''}`
const proto = (p: Protocol): string => p.toLowerCase()

export const serviceChain = (s: ServicePortRule): string => `${DYNAMIC_CHAIN_PREFIX}SVC-${shortHash(`${servicePortName(s)}/${s.protocol}`)}`
export const externalChain = (s: ServicePortRule): string => `${DYNAMIC_CHAIN_PREFIX}EXT-${shortHash(`${servicePortName(s)}/${s.protocol}`)}`
export const localChain = (s: ServicePortRule): string => `${DYNAMIC_CHAIN_PREFIX}SVL-${shortHash(`${servicePortName(s)}/${s.protocol}`)}`
export const endpointChain = (s: ServicePortRule, e: ProxyEndpoint): string =>
  `${DYNAMIC_CHAIN_PREFIX}SEP-${shortHash(`${servicePortName(s)}/${s.protocol}/${e.ip}:${e.port}`)}`

/** A rule's comment argument, quoted the way iptables-save prints it. */
const comment = (text: string): string => `-m comment --comment "${text.replace(/["\\]/g, '')}"`

/** Probability with 10 decimals, as kube-proxy writes it: endpoint i of n takes 1/(n-i) of what is left. */
function probability(remaining: number): string {
  return (1 / remaining).toFixed(10)
}

/** Services in a stable order, so equal inputs give equal text. */
function sorted(services: readonly ServicePortRule[]): ServicePortRule[] {
  const key = (s: ServicePortRule): string => `${servicePortName(s)}/${s.protocol}`
  return [...services].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

export interface RenderedRules {
  /** The iptables-restore input (both tables). */
  text: string
  /** Hash of what the rules say (without the hash line itself). */
  hash: string
  natChains: string[]
  filterChains: string[]
}

/**
 * The node's complete rule set. `existing` names chains present on the node; ours among them that
 * the new set does not declare are flushed and deleted in the same restore.
 */
export function renderProxyRules(input: ProxyRulesInput, existing: ExistingChains = { nat: [], filter: [] }): RenderedRules {
  const cidr = input.clusterCIDR
  const services = sorted(input.services)
  const natChains = [SERVICES_CHAIN, NODEPORTS_CHAIN, POSTROUTING_CHAIN, MARK_MASQ_CHAIN]
  const filterChains = [FORWARD_CHAIN, REJECT_CHAIN]
  const nat: string[] = []
  const filter: string[] = []

  nat.push(`-A ${MARK_MASQ_CHAIN} -j MARK --or-mark ${MASQ_MARK.split('/')[0]}`)
  nat.push(`-A ${POSTROUTING_CHAIN} -m mark --mark ${MASQ_MARK} ${comment('service traffic that needs SNAT')} -j MASQUERADE`)
  nat.push(`-A ${POSTROUTING_CHAIN} -s ${cidr} -d ${cidr} ${comment('pod to pod: no NAT across nodes')} -j ACCEPT`)
  // The pod bridge is made without Docker's masquerade (whose rule would sit before ours): pods reach beyond the cluster through this one.
  nat.push(`-A ${POSTROUTING_CHAIN} -s ${cidr} ! -d ${cidr} ${comment('pods to the outside')} -j MASQUERADE`)

  filter.push(`-A ${FORWARD_CHAIN} -s ${cidr} ${comment('from pods')} -j ACCEPT`)
  filter.push(`-A ${FORWARD_CHAIN} -d ${cidr} ${comment('to pods')} -j ACCEPT`)
  filter.push(`-A ${FORWARD_CHAIN} -m mark --mark ${MASQ_MARK} ${comment('service traffic')} -j ACCEPT`)
  filter.push(`-A ${FORWARD_CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED ${comment('replies')} -j ACCEPT`)

  if (input.dns) {
    for (const p of ['udp', 'tcp']) {
      nat.push(`-A ${SERVICES_CHAIN} -d ${input.dns.clusterIP}/32 -p ${p} -m ${p} --dport 53 ${comment('cluster DNS on this node')} -j DNAT --to-destination ${input.dns.target}`)
    }
  }
  const nodePortJumps: string[] = []
  for (const s of services) {
    const name = servicePortName(s)
    const match = `-p ${proto(s.protocol)} -m ${proto(s.protocol)}`
    const reject = (dest: string, port: number, why: string): void => {
      filter.push(`-A ${REJECT_CHAIN} ${dest} ${match} --dport ${port} ${comment(`${name} ${why}`)} -j REJECT --reject-with icmp-port-unreachable`)
    }
    // Traffic policy Local: only this node's endpoints (and, from outside, the client's own address kept).
    const local = s.endpoints.filter((e) => e.nodeName !== undefined && e.nodeName === input.nodeName)
    const clusterSet = s.internalLocal ? local : s.endpoints
    const externalSet = s.externalLocal ? local : s.endpoints
    const why = (isLocal: boolean | undefined): string => (s.endpoints.length === 0 || !isLocal ? 'has no endpoints' : 'has no endpoints on this node')
    const used = new Map<string, ProxyEndpoint>()
    const select = (chain: string, set: readonly ProxyEndpoint[]): void => {
      const endpoints = set.map((e) => ({ e, chain: endpointChain(s, e) }))
      if (s.affinitySeconds) {
        for (const { e, chain: sep } of endpoints) {
          nat.push(`-A ${chain} ${comment(`${name} -> ${e.ip}:${e.port}`)} -m recent --name ${sep} --mask 255.255.255.255 --rsource --rcheck --seconds ${s.affinitySeconds} --reap -j ${sep}`)
        }
      }
      endpoints.forEach(({ e, chain: sep }, i) => {
        const remaining = endpoints.length - i
        const pick = remaining > 1 ? ` -m statistic --mode random --probability ${probability(remaining)}` : ''
        nat.push(`-A ${chain} ${comment(`${name} -> ${e.ip}:${e.port}`)}${pick} -j ${sep}`)
        used.set(sep, e)
      })
    }
    const svc = serviceChain(s)
    if (clusterSet.length === 0) {
      reject(`-d ${s.clusterIP}/32`, s.port, why(s.internalLocal))
    } else {
      natChains.push(svc)
      nat.push(`-A ${SERVICES_CHAIN} -d ${s.clusterIP}/32 ${match} --dport ${s.port} ${comment(`${name} cluster IP`)} -j ${svc}`)
      nat.push(`-A ${svc} ! -s ${cidr} -d ${s.clusterIP}/32 ${match} --dport ${s.port} ${comment(`${name} cluster IP`)} -j ${MARK_MASQ_CHAIN}`)
    }
    if (s.nodePort) {
      if (externalSet.length === 0) {
        reject('-m addrtype --dst-type LOCAL', s.nodePort, why(s.externalLocal))
      } else {
        const ext = externalChain(s)
        natChains.push(ext)
        nodePortJumps.push(`-A ${NODEPORTS_CHAIN} ${match} --dport ${s.nodePort} ${comment(name)} -j ${ext}`)
        if (!s.externalLocal) nat.push(`-A ${ext} ${comment('masquerade traffic for ' + name + ' external destinations')} -j ${MARK_MASQ_CHAIN}`)
        if (externalSet === clusterSet) {
          nat.push(`-A ${ext} -j ${svc}`)
        } else {
          // Local: the client's address is kept (no masquerade), so replies must come from this node's pods.
          const svl = localChain(s)
          natChains.push(svl)
          nat.push(`-A ${ext} -j ${svl}`)
          select(svl, externalSet)
        }
      }
    }
    if (clusterSet.length > 0) select(svc, clusterSet)
    for (const [chain, e] of [...used].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      natChains.push(chain)
      nat.push(`-A ${chain} -s ${e.ip}/32 ${comment(name)} -j ${MARK_MASQ_CHAIN}`)
      const sticky = s.affinitySeconds ? ` -m recent --name ${chain} --mask 255.255.255.255 --rsource --set` : ''
      nat.push(`-A ${chain} ${match} ${comment(name)}${sticky} -j DNAT --to-destination ${e.ip}:${e.port}`)
    }
  }
  nat.push(...nodePortJumps)
  nat.push(`-A ${SERVICES_CHAIN} -m addrtype --dst-type LOCAL ${comment('node ports, last')} -j ${NODEPORTS_CHAIN}`)

  // The hash covers what the rules say, not which stale chains go: equal hash, equal rules.
  const hash = shortHash([...natChains, ...nat, ...filterChains, ...filter].join('\n'))
  // It rides on a rule that changes nothing: a RETURN at the end of our NODEPORTS chain.
  nat.push(`-A ${NODEPORTS_CHAIN} ${comment(`${RULES_HASH_COMMENT} ${hash}`)} -j RETURN`)
  const text = [
    '*nat',
    ...chainDeclarations(natChains, existing.nat),
    ...nat,
    ...deletions(natChains, existing.nat),
    'COMMIT',
    '*filter',
    ...chainDeclarations(filterChains, existing.filter),
    ...filter,
    ...deletions(filterChains, existing.filter),
    'COMMIT',
  ]
  return { text: text.join('\n') + '\n', hash, natChains, filterChains }
}

const isOurs = (chain: string): boolean => chain.startsWith('COXSWAIN-') || chain.startsWith(DYNAMIC_CHAIN_PREFIX)

/** Every chain we declare (which flushes it), then ours that exist but are no longer wanted (flushed, deleted below). */
function chainDeclarations(wanted: readonly string[], existing: readonly string[]): string[] {
  const stale = existing.filter((c) => isOurs(c) && !wanted.includes(c)).sort()
  return [...wanted, ...stale].map((c) => `:${c} - [0:0]`)
}

function deletions(wanted: readonly string[], existing: readonly string[]): string[] {
  return existing
    .filter((c) => isOurs(c) && !wanted.includes(c))
    .sort()
    .map((c) => `-X ${c}`)
}

/** The user chains of one table in `iptables-save` output. */
export function parseChains(save: string): ExistingChains {
  const out: { nat: string[]; filter: string[] } = { nat: [], filter: [] }
  let table: 'nat' | 'filter' | null = null
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) table = line === '*nat' ? 'nat' : line === '*filter' ? 'filter' : null
    else if (line.startsWith(':') && table) out[table].push(line.slice(1).split(' ')[0] ?? '')
  }
  return out
}

/** The hash our last render left on the node, from `iptables-save -t nat` output; null when none. */
export function parseRulesHash(save: string): string | null {
  const m = new RegExp(`${RULES_HASH_COMMENT} ([A-Z0-9x]{16})`).exec(save)
  return m ? (m[1] ?? null) : null
}

/** The jumps from the built-in chains into ours, each `[table, chain, rule...]`, inserted first. */
export const JUMPS: readonly (readonly string[])[] = [
  ['nat', 'PREROUTING', '-m', 'comment', '--comment', 'coxswain service portals', '-j', SERVICES_CHAIN],
  ['nat', 'OUTPUT', '-m', 'comment', '--comment', 'coxswain service portals', '-j', SERVICES_CHAIN],
  ['nat', 'POSTROUTING', '-m', 'comment', '--comment', 'coxswain postrouting', '-j', POSTROUTING_CHAIN],
  // DOCKER-USER: Docker evaluates it before its own FORWARD rules (which accept all a bridge sends out).
  ['filter', 'DOCKER-USER', '-m', 'comment', '--comment', 'coxswain pod network', '-j', FORWARD_CHAIN],
  ['filter', 'DOCKER-USER', '-m', 'comment', '--comment', 'coxswain services without endpoints', '-j', REJECT_CHAIN],
  ['filter', 'OUTPUT', '-m', 'comment', '--comment', 'coxswain services without endpoints', '-j', REJECT_CHAIN],
  ['filter', 'INPUT', '-m', 'comment', '--comment', 'coxswain services without endpoints', '-j', REJECT_CHAIN],
]
