import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { fingerprintOf } from './host-key.ts'
import { HostKeyChangedError, HostKeyUnknownError, verifyHostKey } from './host-key-policy.ts'
import { PinnedHostKeys, hostPortKey } from './pinned-host-keys.ts'

const keyA = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIB/DMEx+roavj+eMnvqfH7V332iP96Xo8MxRybmtZ2pf', 'base64')
const keyB = Buffer.from(keyA.map((byte, i) => (i === keyA.length - 1 ? byte ^ 1 : byte)))
const fpA = fingerprintOf(keyA)
const fpB = fingerprintOf(keyB)
const endpoint = '10.77.0.12:22'

let dir: string
let path: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coxswain-hostkeys-'))
  path = join(dir, 'config', 'known-hosts.json')
})

describe('PinnedHostKeys', () => {
  it('starts empty when the file does not exist', () => {
    expect(new PinnedHostKeys(path).list().size).toBe(0)
  })

  it('persists pins to a 0600 file, atomically, and reloads them', () => {
    const store = new PinnedHostKeys(path)
    const pinned = store.pin(endpoint, keyA, new Date('2025-01-02T03:04:05Z'))
    expect(pinned).toEqual({ keyType: 'ssh-ed25519', fingerprint: fpA, publicKey: keyA.toString('base64'), pinnedAt: '2025-01-02T03:04:05.000Z' })
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readdirSync(join(dir, 'config'))).toEqual(['known-hosts.json'])
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, hosts: { [endpoint]: pinned } })
    expect(new PinnedHostKeys(path).get(endpoint)).toEqual(pinned)
  })

  it('forgets a pin', () => {
    const store = new PinnedHostKeys(path)
    store.pin(endpoint, keyA)
    expect(store.forget(endpoint)).toBe(true)
    expect(store.forget(endpoint)).toBe(false)
    expect(new PinnedHostKeys(path).get(endpoint)).toBeUndefined()
  })

  it('refuses a corrupt file instead of silently trusting nothing', () => {
    writeFileSync(join(dir, 'bad.json'), '{ nope')
    expect(() => new PinnedHostKeys(join(dir, 'bad.json'))).toThrow(/not valid JSON/)
  })

  it('keys endpoints as host:port with IPv6 in brackets', () => {
    expect(hostPortKey('10.0.0.1', 22)).toBe('10.0.0.1:22')
    expect(hostPortKey('fd00::1', 2222)).toBe('[fd00::1]:2222')
  })
})

describe('verifyHostKey', () => {
  it('accepts a key that matches its pin', () => {
    const store = new PinnedHostKeys(path)
    store.pin(endpoint, keyA)
    expect(verifyHostKey(store, endpoint, keyA)).toMatchObject({ accepted: true, fingerprint: fpA, newlyPinned: false })
  })

  it('refuses a changed key, showing both fingerprints and how to re-trust', () => {
    const store = new PinnedHostKeys(path)
    store.pin(endpoint, keyA)
    const verdict = verifyHostKey(store, endpoint, keyB, { trustOnFirstUse: true, expectedFingerprint: fpB })
    expect(verdict.accepted).toBe(false)
    if (verdict.accepted) return
    expect(verdict.error).toBeInstanceOf(HostKeyChangedError)
    expect(verdict.error).toMatchObject({ expected: fpA, presented: fpB, hostPort: endpoint })
    expect(verdict.error.message).toContain(`expected ${fpA}`)
    expect(verdict.error.message).toContain(`presented ${fpB}`)
    expect(verdict.error.message).toContain(`remove the pin for "${endpoint}" from ${path}`)
    expect(store.get(endpoint)?.fingerprint).toBe(fpA)
  })

  it('refuses an unknown key, showing its fingerprint, and pins nothing', () => {
    const store = new PinnedHostKeys(path)
    const verdict = verifyHostKey(store, endpoint, keyA)
    expect(verdict).toMatchObject({ accepted: false, error: expect.any(HostKeyUnknownError) })
    if (verdict.accepted) return
    expect(verdict.error.message).toContain(`presented ${fpA}`)
    expect(store.get(endpoint)).toBeUndefined()
  })

  it('accepts and pins an unknown key that matches the expected fingerprint, however pasted', () => {
    const store = new PinnedHostKeys(path)
    const pasted = ` ${fpA.replace('SHA256:', '')}= `
    expect(verifyHostKey(store, endpoint, keyA, { expectedFingerprint: pasted })).toMatchObject({ accepted: true, newlyPinned: true })
    expect(new PinnedHostKeys(path).get(endpoint)?.fingerprint).toBe(fpA)
  })

  it('refuses an unknown key that does not match the expected fingerprint, even with trust-on-first-use', () => {
    const store = new PinnedHostKeys(path)
    const verdict = verifyHostKey(store, endpoint, keyB, { expectedFingerprint: fpA, trustOnFirstUse: true })
    expect(verdict.accepted).toBe(false)
    if (verdict.accepted) return
    expect(verdict.error).toMatchObject({ name: 'HostKeyUnknownError', expected: fpA, presented: fpB })
    expect(verdict.error.message).toContain(`expected ${fpA}, but it presented ${fpB}`)
    expect(store.get(endpoint)).toBeUndefined()
  })

  it('pins an unknown key on explicit trust-on-first-use', () => {
    const store = new PinnedHostKeys(path)
    expect(verifyHostKey(store, endpoint, keyB, { trustOnFirstUse: true })).toMatchObject({ accepted: true, newlyPinned: true })
    expect(store.get(endpoint)?.fingerprint).toBe(fpB)
  })

  it('still accepts a vouched-for key when the pin cannot be saved, and says so', () => {
    const store = new PinnedHostKeys(join(dir, 'blocked', 'known-hosts.json'))
    writeFileSync(join(dir, 'blocked'), 'a file where the directory should be')
    const verdict = verifyHostKey(store, endpoint, keyA, { expectedFingerprint: fpA })
    expect(verdict).toMatchObject({ accepted: true, newlyPinned: false, pinError: expect.any(Error) })
  })
})
