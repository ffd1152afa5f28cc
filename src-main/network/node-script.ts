// The few shell scripts the network component runs on a node, built from argv lists through the
// one quoting helper: reading the node's network state in one round trip, and making sure our
// chains are jumped to from the built-in ones.

import { shellQuote } from '../util/shell.ts'
import { readTableScript } from './dns/runtime.ts'
import { JUMPS } from './service-rules.ts'

/** Separates the sections of the read script's output. */
export const SECTION = '--- coxswain ---'

/** Reads routes, the nat and filter tables, and the DNS table in `dnsDir`, in one exec. */
export function readStateScript(dnsDir: string): string {
  return [
    shellQuote(['ip', '-4', '-o', 'route', 'show']),
    shellQuote(['echo', SECTION]),
    shellQuote(['iptables-save', '-t', 'nat']),
    shellQuote(['echo', SECTION]),
    shellQuote(['iptables-save', '-t', 'filter']),
    shellQuote(['echo', SECTION]),
    readTableScript(dnsDir),
  ].join(' && ')
}

export interface NodeState {
  routes: string
  nat: string
  filter: string
  /** The cluster DNS table file as it is on the node ('' when absent). */
  dnsTable: string
}

export function parseState(output: string): NodeState {
  const [routes = '', nat = '', filter = '', dnsTable = ''] = output.split(`${SECTION}\n`)
  return { routes, nat, filter, dnsTable }
}

/**
 * Forwarding on, then each jump into our chains inserted first unless present (`-C || -I`). Run
 * after the restore that creates the chains; idempotent.
 */
export function ensureJumpsScript(): string {
  const lines = [
    shellQuote(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']),
    // Docker makes DOCKER-USER and jumps to it first from FORWARD; without Docker's rules, we do.
    `{ ${shellQuote(['iptables', '-w', '-N', 'DOCKER-USER'])} 2>/dev/null || true; }`,
    `{ ${shellQuote(['iptables', '-w', '-C', 'FORWARD', '-j', 'DOCKER-USER'])} 2>/dev/null || ${shellQuote(['iptables', '-w', '-I', 'FORWARD', '1', '-j', 'DOCKER-USER'])}; }`,
  ]
  for (const [table = '', chain = '', ...rule] of JUMPS) {
    const check = shellQuote(['iptables', '-w', '-t', table, '-C', chain, ...rule])
    const remove = shellQuote(['iptables', '-w', '-t', table, '-D', chain, ...rule])
    const insert = shellQuote(['iptables', '-w', '-t', table, '-I', chain, '1', ...rule])
    // POSTROUTING's jump must come first (before any MASQUERADE Docker inserted): moved to the top.
    if (chain === 'POSTROUTING') lines.push(`{ while ${remove} 2>/dev/null; do :; done; ${insert}; }`)
    else lines.push(`{ ${check} 2>/dev/null || ${insert}; }`)
  }
  return lines.join(' && ')
}

/**
 * Whether every jump is in place, judged from iptables-save output of both tables; the
 * POSTROUTING one must be the chain's first rule (a MASQUERADE before it would NAT pod traffic).
 */
export function jumpsPresent(nat: string, filter: string): boolean {
  return JUMPS.every(([table, chain, , , , , , target]) => {
    const rules = (table === 'nat' ? nat : filter).split('\n').filter((l) => l.startsWith(`-A ${chain} `))
    const ours = (l: string): boolean => l.endsWith(`-j ${target}`)
    return chain === 'POSTROUTING' ? rules[0] !== undefined && ours(rules[0]) : rules.some(ours)
  })
}

/**
 * Everything Coxswain's proxy put in the node's iptables, gone in one atomic restore: our chains
 * (COXSWAIN-*, CXSW-*) and every jump into them; Docker's and the user's rules are written back as
 * they were. For a node leaving the cluster.
 */
export function removeRulesScript(): string {
  return `iptables-save | grep -v -e ${shellQuote(['COXSWAIN-'])} -e ${shellQuote(['CXSW-'])} | iptables-restore -w`
}
