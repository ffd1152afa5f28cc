// SSH host key identities as OpenSSH shows them, so a fingerprint in our messages can be compared
// with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the machine itself.

import { createHash } from 'node:crypto'

/** `SHA256:` + unpadded base64 of the SHA-256 of the key blob (the public key in SSH wire format). */
export function fingerprintOf(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')
}

/** The algorithm name a key blob starts with, e.g. `ssh-ed25519`; `unknown` if it is malformed. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown'
  const length = keyBlob.readUInt32BE(0)
  if (length === 0 || length > 64 || 4 + length > keyBlob.length) return 'unknown'
  const name = keyBlob.toString('latin1', 4, 4 + length)
  return /^[\x21-\x7e]+$/.test(name) ? name : 'unknown'
}

/** Parses one OpenSSH public key line (`ssh-ed25519 AAAA… comment`) into its type and blob. */
export function parseOpenSshPublicKey(line: string): { keyType: string; blob: Buffer } {
  const [keyType, base64] = line.trim().split(/\s+/)
  if (!keyType || !base64) throw new Error(`not an OpenSSH public key: ${JSON.stringify(line.slice(0, 40))}`)
  const blob = Buffer.from(base64, 'base64')
  if (keyTypeOf(blob) !== keyType) throw new Error(`OpenSSH public key of type ${keyType} carries a ${keyTypeOf(blob)} blob`)
  return { keyType, blob }
}

/** Canonical form of a fingerprint typed or pasted by a person: `SHA256:` prefix, no padding. */
export function normalizeFingerprint(fingerprint: string): string {
  const bare = fingerprint.trim().replace(/^SHA256:/i, '').replace(/=+$/, '')
  return `SHA256:${bare}`
}
