// The cluster's SSH identity: one ed25519 key pair, generated at first start and kept in
// DATA_DIR/keys/cluster_ed25519 (OpenSSH format) through a SecretFile. Machines trust it by
// carrying its public half in authorized_keys; the app shows the one-line command that puts it there.

import { chmodSync, existsSync, readFileSync } from 'node:fs'
import ssh2 from 'ssh2'
import { fingerprintOf } from '../nodeagent/ssh/host-key.ts'
import { generateEd25519KeyPair } from '../nodeagent/ssh/keygen.ts'
import { writePrivateFileAtomic } from '../util/private-fs.ts'
import { quoteArg } from '../util/shell.ts'
import type { SecretFile } from './secret-file.ts'

const { utils: sshUtils } = ssh2

export const CLUSTER_KEY_DIR = 'keys'
export const CLUSTER_KEY_FILE = 'cluster_ed25519'

export interface ClusterKey {
  /** The private key, OpenSSH format; for ssh2's `privateKey`. Never logged, never sent. */
  readonly privateKey: string
  /** `ssh-ed25519 AAAA… coxswain@CLUSTER`: the line for authorized_keys. */
  readonly publicKeyLine: string
  /** SHA256 fingerprint of the public key, as `ssh-keygen -lf` shows it. */
  readonly fingerprint: string
  /** The command a user runs on a machine to let the cluster in. */
  readonly installCommand: string
}

/** The comment on the cluster's key: who holds it. */
export function clusterKeyComment(clusterName: string): string {
  return `coxswain@${clusterName}`
}

/**
 * The shell command that appends `publicKeyLine` to the user's authorized_keys with the modes sshd
 * insists on. `~` stays unquoted so the remote shell expands it; the key line is quoted.
 */
export function authorizedKeysInstallCommand(publicKeyLine: string): string {
  const line = quoteArg(publicKeyLine.trim())
  return `mkdir -p ~/.ssh && echo ${line} >> ~/.ssh/authorized_keys && chmod 700 ~/.ssh && chmod 600 ~/.ssh/authorized_keys`
}

/** Reads the cluster key from `file`, generating and storing it first if there is none. */
export function loadOrCreateClusterKey(file: SecretFile, clusterName: string): ClusterKey {
  let stored = file.read()
  if (stored === null) {
    const pair = generateEd25519KeyPair(clusterKeyComment(clusterName))
    // Another start may have written one meanwhile: whichever won is the key.
    file.createExclusive(Buffer.from(pair.private, 'utf8'))
    stored = file.read()
    if (stored === null) throw new Error(`cluster key ${file.path} vanished right after it was written`)
  }
  return clusterKeyFrom(stored.toString('utf8'), file.path)
}

/** The public parts of an OpenSSH private key. */
export function clusterKeyFrom(privateKey: string, where: string): ClusterKey {
  const parsed = sshUtils.parseKey(privateKey)
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  if (!key || key instanceof Error) {
    throw new Error(`cluster key ${where} cannot be read${key instanceof Error ? `: ${key.message}` : ''}; move it away to generate a new one`)
  }
  const blob = key.getPublicSSH()
  const publicKeyLine = `${key.type} ${blob.toString('base64')}${key.comment ? ` ${key.comment}` : ''}`
  return { privateKey, publicKeyLine, fingerprint: fingerprintOf(blob), installCommand: authorizedKeysInstallCommand(publicKeyLine) }
}

/**
 * Keeps `path` (the key's `.pub`) holding `publicKeyLine`, for `ssh-copy-id -i` and the command
 * line tool; public, so mode 0644. Rewritten only when it differs.
 */
export function writePublicKeyFile(path: string, publicKeyLine: string): void {
  const content = `${publicKeyLine}\n`
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return
  writePrivateFileAtomic(path, content)
  chmodSync(path, 0o644)
}
