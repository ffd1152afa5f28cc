import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import ssh2 from 'ssh2'
import { authorizedKeysInstallCommand, CLUSTER_KEY_DIR, CLUSTER_KEY_FILE, loadOrCreateClusterKey } from './cluster-key.ts'
import { PlainSecretFile } from './secret-file.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coxswain-key-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const keyPath = () => join(dir, CLUSTER_KEY_DIR, CLUSTER_KEY_FILE)
const mode = (path: string) => statSync(path).mode & 0o777

describe('the cluster key', () => {
  it('is an ed25519 key in OpenSSH format, private to the user (dir 0700, file 0600)', () => {
    const key = loadOrCreateClusterKey(new PlainSecretFile(keyPath()), 'home')
    expect(readFileSync(keyPath(), 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/)
    expect(mode(join(dir, CLUSTER_KEY_DIR))).toBe(0o700)
    expect(mode(keyPath())).toBe(0o600)
    expect(key.publicKeyLine).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/]+=* coxswain@home$/)
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
    expect(ssh2.utils.parseKey(key.privateKey)).not.toBeInstanceOf(Error)
  })

  it('is generated once and then reused', () => {
    const first = loadOrCreateClusterKey(new PlainSecretFile(keyPath()), 'home')
    const second = loadOrCreateClusterKey(new PlainSecretFile(keyPath()), 'home')
    expect(second.publicKeyLine).toBe(first.publicKeyLine)
    expect(second.privateKey).toBe(first.privateKey)
  })

  it('tightens a key file that others could read', async () => {
    loadOrCreateClusterKey(new PlainSecretFile(keyPath()), 'home')
    const { chmodSync } = await import('node:fs')
    chmodSync(keyPath(), 0o644)
    const tightened: string[] = []
    loadOrCreateClusterKey(new PlainSecretFile(keyPath(), (what) => tightened.push(what)), 'home')
    expect(mode(keyPath())).toBe(0o600)
    expect(tightened).toEqual([keyPath()])
  })

  it('says how to replace a key file that is not a key', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs')
    mkdirSync(join(dir, CLUSTER_KEY_DIR), { mode: 0o700 })
    writeFileSync(keyPath(), 'garbage', { mode: 0o600 })
    expect(() => loadOrCreateClusterKey(new PlainSecretFile(keyPath()), 'home')).toThrow(/cluster key .* cannot be read.*move it away to generate a new one/)
  })
})

describe('authorizedKeysInstallCommand', () => {
  it('quotes the key line and leaves ~ to the remote shell', () => {
    expect(authorizedKeysInstallCommand('ssh-ed25519 AAAAC3Nza coxswain@home\n')).toBe(
      "mkdir -p ~/.ssh && echo 'ssh-ed25519 AAAAC3Nza coxswain@home' >> ~/.ssh/authorized_keys && chmod 700 ~/.ssh && chmod 600 ~/.ssh/authorized_keys",
    )
  })

  it('cannot be broken out of by a hostile comment', () => {
    expect(authorizedKeysInstallCommand("ssh-ed25519 AAAA x'; rm -rf ~; echo '")).toContain(`echo 'ssh-ed25519 AAAA x'\\''; rm -rf ~; echo '\\''' >>`)
  })
})
