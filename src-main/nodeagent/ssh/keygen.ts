// Ed25519 key pairs in OpenSSH format. ssh2's generator (1.17) drops a leading zero byte of the
// public key now and then (about 1 key in 250): the result is a 31-byte key that ssh2 itself and
// OpenSSH refuse as malformed. Such a pair is thrown away and generated again.

import ssh2 from 'ssh2'

const { utils } = ssh2

export interface OpenSshKeyPair {
  /** OpenSSH private key (PEM-like `-----BEGIN OPENSSH PRIVATE KEY-----`). */
  private: string
  /** `ssh-ed25519 AAAA… comment` */
  public: string
}

const ATTEMPTS = 20

function parses(text: string): boolean {
  const parsed = utils.parseKey(text)
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  return key !== undefined && !(key instanceof Error)
}

export function generateEd25519KeyPair(comment?: string): OpenSshKeyPair {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const pair = comment === undefined ? utils.generateKeyPairSync('ed25519') : utils.generateKeyPairSync('ed25519', { comment })
    if (parses(pair.public) && parses(pair.private)) return { private: pair.private, public: pair.public }
  }
  throw new Error(`could not generate a valid ed25519 key in ${ATTEMPTS} attempts`)
}
