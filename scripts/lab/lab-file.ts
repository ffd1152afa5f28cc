// The facts a running lab publishes for tests, benches and `serve --lab`: `.lab/nodes.json`.

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export interface LabNode {
  /** Hostname inside the node, also its name in the cluster. */
  name: string
  /** The node's address on the lab's "home LAN" bridge. */
  address: string
  sshPort: number
  /** The node's SSH host public key in OpenSSH form (`ssh-ed25519 AAAA…`). */
  hostKey: string
  /** OpenSSH-style fingerprint of that key: `SHA256:…` (base64, no padding). */
  hostKeyFingerprint: string
  /** The node's Docker socket as seen from the machine running the lab (for tests and benches). */
  localDockerSocket: string
  /** The Docker socket path on the node itself, reached over SSH. */
  dockerSocket: string
}

export interface LabFile {
  version: 1
  /** SSH user on every node. */
  user: string
  /** Private key (ed25519, OpenSSH format) that every node's authorized_keys accepts. */
  keyPath: string
  /**
   * root's password on every node: a lab-only secret (random per lab state dir, the nodes sit on an
   * isolated bridge with no route out), for tests of the one-time password login that installs a
   * key. It lives in the nodes' own /etc/shadow, never the host's.
   */
  rootPassword: string
  /** Test image loaded on every node: busybox-static with the usual applets. */
  image: string
  bridge: { name: string; address: string; prefixLength: number }
  nodes: LabNode[]
}

export const labFilePath = (projectRoot = process.cwd()): string => resolve(projectRoot, '.lab', 'nodes.json')

/** Reads `.lab/nodes.json`; throws a message that says how to bring the lab up. */
export function readLabFile(projectRoot = process.cwd()): LabFile {
  const path = labFilePath(projectRoot)
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LabFile
  } catch (cause) {
    throw new Error(`no lab found at ${path}: run \`npm run lab:up\` as root first`, { cause })
  }
}
