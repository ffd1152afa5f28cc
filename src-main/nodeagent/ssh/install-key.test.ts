import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { authorizedKeysInstallCommand } from '../../security/cluster-key.ts'
import { fingerprintOf } from './host-key.ts'
import { HostKeyUnknownError } from './host-key-policy.ts'
import { installKeyWithPassword, type InstallKeyOptions } from './install-key.ts'
import { PinnedHostKeys, hostPortKey } from './pinned-host-keys.ts'
import { TestSshServer, generateKeyPair, publicKeyBlob, type KeyPair } from './test-ssh-server.ts'

const PASSWORD = 'correct horse battery staple'
let hostKey: KeyPair
let clusterKey: KeyPair
beforeAll(() => {
  hostKey = generateKeyPair()
  clusterKey = generateKeyPair()
})

let home: string
let store: PinnedHostKeys
let server: TestSshServer
beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'coxswain-home-'))
  store = new PinnedHostKeys(join(home, 'pins.json'))
  // Commands run with HOME pointing here, so ~/.ssh is the test's own.
  server = await TestSshServer.start({ hostKey, clientPublicKey: clusterKey.public, password: PASSWORD, commandEnv: { ...process.env, HOME: home } })
})
afterEach(async () => {
  await server.stop()
  rmSync(home, { recursive: true, force: true })
})

const options = (overrides: Partial<InstallKeyOptions> = {}): InstallKeyOptions => ({
  host: '127.0.0.1',
  port: server.port,
  username: 'tester',
  password: PASSWORD,
  installCommand: authorizedKeysInstallCommand(clusterKey.public),
  hostKeys: { store, expectedFingerprint: fingerprintOf(publicKeyBlob(hostKey)) },
  timeoutMs: 5000,
  ...overrides,
})

describe('installKeyWithPassword', () => {
  it('appends the key to authorized_keys with the modes sshd wants, and pins the host key', async () => {
    const result = await installKeyWithPassword(options())
    expect(result.hostKeyFingerprint).toBe(fingerprintOf(publicKeyBlob(hostKey)))
    expect(readFileSync(join(home, '.ssh', 'authorized_keys'), 'utf8')).toBe(`${clusterKey.public.trim()}\n`)
    expect(statSync(join(home, '.ssh')).mode & 0o777).toBe(0o700)
    expect(statSync(join(home, '.ssh', 'authorized_keys')).mode & 0o777).toBe(0o600)
    expect(store.get(hostPortKey('127.0.0.1', server.port))?.fingerprint).toBe(result.hostKeyFingerprint)
  })

  it('says the password was refused without repeating it', async () => {
    const error = (await installKeyWithPassword(options({ password: 'S3cret-but-wrong' })).then(
      () => new Error('installed with a wrong password'),
      (err: unknown) => err,
    )) as Error
    expect(error.message).toBe(`log in as tester@127.0.0.1:${server.port} with the password failed: wrong password, or the machine does not accept passwords`)
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('S3cret-but-wrong')
  })

  it('refuses a machine whose host key is not the expected one, before sending the password', async () => {
    const other = fingerprintOf(publicKeyBlob(generateKeyPair()))
    await expect(installKeyWithPassword(options({ hostKeys: { store, expectedFingerprint: other } }))).rejects.toBeInstanceOf(HostKeyUnknownError)
    expect(server.authentications).toBe(0)
  })
})
