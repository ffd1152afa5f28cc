// Names, addresses and paths of the lab, derived from a few settings. Everything the lab
// creates on the host carries the `cxlab` prefix or the `coxswain-lab` tag, so `down` can
// find what a crashed run from any checkout left behind without reading its files.

import { join } from 'node:path'

/**
 * Several labs may run side by side on one host (one per checkout working in parallel): LAB_ID
 * 1–9 shifts every name, address and path below; unset or 0 is the default lab CI uses. `down`
 * only ever touches its own lab's objects.
 */
export const LAB_ID = labIdFromEnv(process.env)
const suffix = LAB_ID === 0 ? '' : String(LAB_ID)

export const LAB_TAG = `coxswain-lab${suffix}`
export const NETNS_PREFIX = `cxlab${suffix}-`
export const VETH_PREFIX = `cxl${suffix}-`
export const BRIDGE = `cxlab${LAB_ID}`
/** The "home LAN": a /24 used only by the lab, with no route anywhere else. */
export const LAN_PREFIX = `192.168.${213 + LAB_ID}`
export const LAN_PREFIX_LENGTH = 24
export const BRIDGE_ADDRESS = `${LAN_PREFIX}.1`
export const TEST_IMAGE = 'coxswain-test/busybox:latest'
export const MAX_NODES = 50

export interface LabSettings {
  nodeCount: number
  /** LAB_NODES was given: a running lab of another size is rebuilt; otherwise it is kept as it is. */
  nodeCountChosen: boolean
  /** Runtime state of the nodes: per-node dirs, docker data, keys. Outside the checkout on purpose. */
  stateDir: string
  /** The checkout's `.lab` folder, where `nodes.json` is published. */
  labDir: string
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env, projectRoot = process.cwd()): LabSettings {
  const raw = env.LAB_NODES ?? '3'
  const nodeCount = Number(raw)
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > MAX_NODES) {
    throw new Error(`LAB_NODES must be a whole number from 1 to ${MAX_NODES}, got "${raw}"`)
  }
  return {
    nodeCount,
    nodeCountChosen: env.LAB_NODES !== undefined,
    stateDir: env.LAB_STATE_DIR ?? `/var/lib/${LAB_TAG}`,
    labDir: join(projectRoot, '.lab'),
  }
}

export interface NodePlan {
  name: string
  index: number
  netns: string
  /** Root-side end of the node's veth; the node's end is renamed eth0. */
  veth: string
  address: string
  dir: string
  hostKeyPath: string
}

export function nodeName(index: number): string {
  return `node-${index}`
}

export function planNode(settings: LabSettings, index: number): NodePlan {
  const name = nodeName(index)
  return {
    name,
    index,
    netns: NETNS_PREFIX + name,
    veth: VETH_PREFIX + name,
    address: `${LAN_PREFIX}.${10 + index}`,
    dir: join(settings.stateDir, 'nodes', name),
    hostKeyPath: join(settings.stateDir, 'keys', `host_${name}`),
  }
}

export function planNodes(settings: LabSettings): NodePlan[] {
  return Array.from({ length: settings.nodeCount }, (_, i) => planNode(settings, i + 1))
}

export const clientKeyPath = (settings: LabSettings): string => join(settings.stateDir, 'keys', 'client_ed25519')
/** The lab-only root password every node's sshd accepts (see keys.ts ensureRootPassword). */
export const rootPasswordPath = (settings: LabSettings): string => join(settings.stateDir, 'keys', 'root-password')
export const initScriptPath = (settings: LabSettings): string => join(settings.stateDir, 'node-init.sh')

export function labIdFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.LAB_ID ?? '0'
  const id = Number(raw)
  if (!/^[0-9]$/.test(raw) || !Number.isInteger(id)) throw new Error(`LAB_ID must be a digit from 0 to 9, got "${raw}"`)
  return id
}
