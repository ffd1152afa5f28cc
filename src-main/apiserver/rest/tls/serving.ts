// TLS for the Kubernetes API. kubectl (client-go) sends a kubeconfig's credentials only over TLS —
// to an http:// server it sends no token at all — so the door needs https even on loopback.
//
// A cluster CA (EC P-256, ten years) is made once and kept in DATA_DIR/pki (key mode 0600); the
// kubeconfig pins it. Each start issues a fresh serving certificate from it for the names the
// server answers to, so a changed --listen address never invalidates an exported kubeconfig.

import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { hostname, networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { isIP } from 'node:net'
import { ensurePrivateDir, writePrivateFileAtomic } from '../../../util/private-fs.ts'
import { issueCertificate, toPem, type DistinguishedName } from './x509.ts'

export const PKI_DIR = 'pki'
const CA_CERT_FILE = 'ca.crt'
const CA_KEY_FILE = 'ca.key'

const DAY_MS = 24 * 3600 * 1000
/** Certificates start an hour early, so a client whose clock is a little behind still accepts them. */
const CLOCK_SKEW_MS = 3600 * 1000

export interface CertificateAuthority {
  /** PEM: what a kubeconfig's certificate-authority-data carries (base64 of this). */
  certPem: string
  key: KeyObject
  subject: DistinguishedName
}

export interface ServingCertificate {
  certPem: string
  keyPem: string
  caPem: string
}

function newKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
}

/** The cluster CA in `dataDir/pki`, made on first use. A half-written or unreadable pair is replaced. */
export function loadOrCreateCertificateAuthority(dataDir: string, clusterName: string, now: Date = new Date()): CertificateAuthority {
  const dir = join(dataDir, PKI_DIR)
  ensurePrivateDir(dir)
  const certPath = join(dir, CA_CERT_FILE)
  const keyPath = join(dir, CA_KEY_FILE)
  const subject: DistinguishedName = { commonName: `${clusterName}-ca`, organization: 'Coxswain' }
  if (existsSync(certPath) && existsSync(keyPath)) {
    try {
      const certPem = readFileSync(certPath, 'utf8')
      const key = createPrivateKey(readFileSync(keyPath, 'utf8'))
      const cert = new X509Certificate(certPem)
      if (cert.checkPrivateKey(key) && new Date(cert.validTo).getTime() > now.getTime() + 30 * DAY_MS) {
        return { certPem, key, subject: { commonName: cert.subject.match(/CN=([^\n]*)/)?.[1] ?? subject.commonName, organization: 'Coxswain' } }
      }
    } catch {
      // Unreadable: make a new one below. The old kubeconfig stops working, as it must.
    }
  }
  const { privateKey, publicKey } = newKeyPair()
  const der = issueCertificate({
    subject,
    publicKey,
    issuer: subject,
    issuerKey: privateKey,
    issuerPublicKey: publicKey,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + 3650 * DAY_MS),
    isCA: true,
  })
  const certPem = toPem(der)
  // Key first: a cert without its key is useless, a key without its cert is replaced next start.
  writePrivateFileAtomic(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())
  writePrivateFileAtomic(certPath, certPem)
  return { certPem, key: privateKey, subject }
}

/** The names a serving certificate covers for a server listening on `listen`. */
export function servingNames(listen: string): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames = new Set(['localhost'])
  const ipAddresses = new Set(['127.0.0.1', '::1'])
  const wildcard = listen === '0.0.0.0' || listen === '::' || listen === '[::]'
  if (wildcard) {
    // Reachable on every interface: cover each of their addresses and the host's name.
    for (const addresses of Object.values(networkInterfaces())) {
      for (const a of addresses ?? []) if (!a.address.includes('%')) ipAddresses.add(a.address)
    }
    dnsNames.add(hostname())
  } else if (isIP(listen.replace(/^\[|\]$/g, ''))) {
    ipAddresses.add(listen.replace(/^\[|\]$/g, ''))
  } else if (listen) {
    dnsNames.add(listen)
  }
  return { dnsNames: [...dnsNames].filter((d) => /^[A-Za-z0-9.-]+$/.test(d)), ipAddresses: [...ipAddresses] }
}

/** A fresh serving certificate (one year) for `listen`, signed by `ca`. */
export function issueServingCertificate(ca: CertificateAuthority, listen: string, now: Date = new Date()): ServingCertificate {
  const { privateKey, publicKey } = newKeyPair()
  const names = servingNames(listen)
  const der = issueCertificate({
    subject: { commonName: 'coxswain-apiserver', organization: 'Coxswain' },
    publicKey,
    issuer: ca.subject,
    issuerKey: ca.key,
    issuerPublicKey: createPublicKey(ca.key),
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + 365 * DAY_MS),
    isCA: false,
    ...names,
  })
  return { certPem: toPem(der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), caPem: ca.certPem }
}
