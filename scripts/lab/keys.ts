// SSH keys of the lab: one client key every node accepts, one host key per node. Kept across
// lab restarts so that host keys a user pinned stay valid.

import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { run } from './run.ts'

export async function ensureKey(path: string, comment: string): Promise<void> {
  if (existsSync(path) && existsSync(`${path}.pub`)) return
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  await run(['rm', '-f', path, `${path}.pub`])
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path])
}

/** `ssh-ed25519 AAAA…` without the comment. */
export function publicKeyLine(path: string): string {
  const [type, blob] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/)
  if (!type || !blob) throw new Error(`${path}.pub is not an OpenSSH public key`)
  return `${type} ${blob}`
}

/** OpenSSH's fingerprint: SHA256 of the key blob, base64 without padding. */
export function fingerprint(publicKey: string): string {
  const blob = publicKey.trim().split(/\s+/)[1]
  if (!blob) throw new Error('not an OpenSSH public key line')
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64')
  return `SHA256:${digest.replace(/=+$/, '')}`
}

/**
 * The lab-only root password of every node (random, kept across restarts like the keys) and its
 * SHA-512 crypt hash for the nodes' own shadow file. Lab-only: the nodes live on an isolated
 * bridge with no route anywhere, and the host's accounts are untouched.
 */
export async function ensureRootPassword(path: string): Promise<{ password: string; hash: string }> {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    writeFileSync(path, `${randomBytes(15).toString('base64url')}\n`, { mode: 0o600 })
  }
  const password = readFileSync(path, 'utf8').trim()
  // On stdin, so the password never shows in a process list.
  const { stdout } = await run(['openssl', 'passwd', '-6', '-stdin'], { input: `${password}\n` })
  return { password, hash: stdout.trim() }
}
