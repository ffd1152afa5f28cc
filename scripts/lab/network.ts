// The lab's "home LAN": a bridge in the root namespace, one network namespace per node joined
// by a veth, and no route out. Root-namespace iptables rules carry the lab tag so that
// teardown can find them.

import { BRIDGE, BRIDGE_ADDRESS, LAB_TAG, LAN_PREFIX_LENGTH, NETNS_PREFIX, VETH_PREFIX, type NodePlan } from './config.ts'
import { run } from './run.ts'

const tagged = ['-m', 'comment', '--comment', LAB_TAG]

/** Rules the root namespace needs whatever its policy: bridged node↔node traffic is forwarded. */
export const rootRules: readonly string[][] = [['FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT', ...tagged]]

export async function createBridge(): Promise<void> {
  await run(['ip', 'link', 'add', BRIDGE, 'type', 'bridge'])
  await run(['ip', 'addr', 'add', `${BRIDGE_ADDRESS}/${LAN_PREFIX_LENGTH}`, 'dev', BRIDGE])
  await run(['ip', 'link', 'set', BRIDGE, 'up'])
  for (const rule of rootRules) await run(['iptables', '-w', '-I', ...rule])
}

export async function createNodeNetwork(plan: NodePlan): Promise<void> {
  const peer = `cxp-${plan.index}`
  await run(['ip', 'netns', 'add', plan.netns])
  await run(['ip', 'link', 'add', plan.veth, 'type', 'veth', 'peer', 'name', peer, 'netns', plan.netns])
  await run(['ip', 'link', 'set', plan.veth, 'master', BRIDGE, 'up'])
  const inNode = ['ip', '-n', plan.netns]
  await run([...inNode, 'link', 'set', peer, 'name', 'eth0'])
  await run([...inNode, 'addr', 'add', `${plan.address}/${LAN_PREFIX_LENGTH}`, 'dev', 'eth0'])
  await run([...inNode, 'link', 'set', 'eth0', 'up'])
  await run([...inNode, 'link', 'set', 'lo', 'up'])
}

export async function labNetnsNames(): Promise<string[]> {
  const { stdout } = await run(['ip', '-j', 'netns', 'list'], { allowFailure: true })
  const entries = stdout.trim() ? (JSON.parse(stdout) as { name: string }[]) : []
  return entries.map((e) => e.name).filter((name) => name.startsWith(NETNS_PREFIX))
}

export async function labLinkNames(): Promise<string[]> {
  const { stdout } = await run(['ip', '-j', 'link', 'show'])
  const links = JSON.parse(stdout) as { ifname: string }[]
  return links.map((l) => l.ifname).filter((name) => name === BRIDGE || name.startsWith(VETH_PREFIX))
}

/**
 * Turns `iptables -S` lines that carry `tag` into the argv that deletes them.
 * `-A CHAIN rest` → `-D CHAIN rest`. Comments in our rules have no spaces, so splitting is exact.
 */
export function deletionsFor(listing: string, tag: string): string[][] {
  return listing
    .split('\n')
    .filter((line) => line.startsWith('-A ') && line.split(/\s+/).includes(tag))
    .map((line) => line.replaceAll('"', '').split(/\s+/).map((word, i) => (i === 0 ? '-D' : word)))
}

/** Deletes every rule carrying `tag` from the given tables, in the root or a node namespace. */
export async function deleteTaggedRules(tag: string, netns?: string, tables = ['filter', 'nat']): Promise<number> {
  const prefix = netns ? ['nsenter', `--net=/run/netns/${netns}`] : []
  let deleted = 0
  for (const table of tables) {
    const { stdout } = await run([...prefix, 'iptables', '-w', '-t', table, '-S'], { allowFailure: true })
    for (const rule of deletionsFor(stdout, tag)) {
      await run([...prefix, 'iptables', '-w', '-t', table, ...rule], { allowFailure: true })
      deleted++
    }
  }
  return deleted
}
