import { createPublicKey, X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { issueServingCertificate, loadOrCreateCertificateAuthority, PKI_DIR, servingNames } from './serving.ts'
import { ipBytes } from './x509.ts'

describe('cluster CA and serving certificates', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coxswain-pki-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('makes a CA once, keeps its key private, and reuses it', () => {
    const ca = loadOrCreateCertificateAuthority(dir, 'coxswain')
    const cert = new X509Certificate(ca.certPem)
    expect(cert.ca).toBe(true)
    expect(cert.subject).toContain('CN=coxswain-ca')
    expect(cert.checkPrivateKey(ca.key)).toBe(true)
    expect(statSync(join(dir, PKI_DIR, 'ca.key')).mode & 0o077).toBe(0)
    expect(statSync(join(dir, PKI_DIR)).mode & 0o077).toBe(0)
    expect(loadOrCreateCertificateAuthority(dir, 'coxswain').certPem).toBe(ca.certPem)
  })

  it('issues a serving certificate the CA signed, for loopback names', () => {
    const ca = loadOrCreateCertificateAuthority(dir, 'coxswain')
    const serving = issueServingCertificate(ca, '127.0.0.1')
    const cert = new X509Certificate(serving.certPem)
    expect(cert.ca).toBe(false)
    expect(cert.verify(createPublicKey(ca.key))).toBe(true)
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true)
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(cert.checkIP('::1')).toBe('::1')
    expect(cert.checkHost('localhost')).toBe('localhost')
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1') // serverAuth
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(Date.now())
  })

  it('covers the listen address', () => {
    expect(servingNames('192.168.1.5').ipAddresses).toContain('192.168.1.5')
    expect(servingNames('[fd00::5]').ipAddresses).toContain('fd00::5')
    expect(servingNames('coxswain.lan').dnsNames).toContain('coxswain.lan')
    expect(servingNames('0.0.0.0').ipAddresses).toContain('127.0.0.1')
  })

  it('replaces a CA whose files are damaged', () => {
    const first = loadOrCreateCertificateAuthority(dir, 'coxswain')
    rmSync(join(dir, PKI_DIR, 'ca.key'))
    expect(loadOrCreateCertificateAuthority(dir, 'coxswain').certPem).not.toBe(first.certPem)
  })
})

describe('ipBytes', () => {
  it.each([
    ['127.0.0.1', '7f000001'],
    ['::1', '00000000000000000000000000000001'],
    ['fd00::5', 'fd000000000000000000000000000005'],
    ['::ffff:10.0.0.1', '00000000000000000000ffff0a000001'],
    ['2001:db8:1:2:3:4:5:6', '20010db8000100020003000400050006'],
  ])('%s', (ip, hex) => {
    expect(ipBytes(ip).toString('hex')).toBe(hex)
  })
})
