// Just enough DER (X.690) and X.509 (RFC 5280) to issue the certificates the API's TLS needs — a
// self-signed CA and serving certificates it signs — with node:crypto doing the keys and
// signatures (ECDSA P-256 with SHA-256). Node can parse certificates but not make them, and the
// app carries no native add-ons or openssl. Pure functions over bytes; tested by parsing the
// result with node:crypto's X509Certificate and by real kubectl handshakes.

import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto'
import { isIPv4, isIPv6 } from 'node:net'

// --- DER -----------------------------------------------------------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** One TLV with the given tag byte. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content])
}

export const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items))
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items))
const octetString = (b: Buffer): Buffer => tlv(0x04, b)
const utf8String = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'))
const boolean = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0x00]))
/** Context-specific, constructed: `[n] EXPLICIT`. */
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner)

/** An unsigned big-endian integer: leading zeros dropped, a 0x00 added when the top bit is set. */
export function integer(bytes: Buffer | number): Buffer {
  let b = typeof bytes === 'number' ? Buffer.from([bytes]) : bytes
  let start = 0
  while (start < b.length - 1 && b[start] === 0) start++
  b = b.subarray(start)
  if ((b[0] ?? 0) & 0x80) b = Buffer.concat([Buffer.from([0]), b])
  return tlv(0x02, b)
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number)
  const [a = 0, b = 0, ...rest] = parts
  const bytes: number[] = [40 * a + b]
  for (const part of rest) {
    const chunk: number[] = [part & 0x7f]
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f))
    bytes.push(...chunk)
  }
  return tlv(0x06, Buffer.from(bytes))
}

/** A BIT STRING holding whole bytes (signatures, key usage computed by the caller). */
function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]))
}

/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), to the second, in UTC. */
function time(date: Date): Buffer {
  const iso = date.toISOString() // 2026-01-02T03:04:05.678Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') // 20260102030405
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2) + 'Z')) : tlv(0x18, Buffer.from(digits + 'Z'))
}

// --- X.509 ---------------------------------------------------------------------------------------

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
}

export interface DistinguishedName {
  commonName: string
  organization?: string
}

function name(dn: DistinguishedName): Buffer {
  const rdns = [set(sequence(oid(OID.commonName), utf8String(dn.commonName)))]
  if (dn.organization) rdns.unshift(set(sequence(oid(OID.organization), utf8String(dn.organization))))
  return sequence(...rdns)
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value))
}

/** The SHA-1 of the public key's bits, as RFC 5280 §4.2.1.2 (1) suggests for key identifiers. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  // For EC keys the BIT STRING is the last element; its contents after the unused-bits octet are the key.
  const point = spki.subarray(spki.length - 65)
  return createHash('sha1').update(point).digest()
}

function subjectAltNames(dnsNames: readonly string[], ips: readonly string[]): Buffer {
  const names: Buffer[] = dnsNames.map((d) => tlv(0x82, Buffer.from(d, 'ascii')))
  for (const ip of ips) names.push(tlv(0x87, ipBytes(ip)))
  return sequence(...names)
}

export function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number))
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${ip}`)
  const [head = '', tail = ''] = ip.includes('::') ? ip.split('::') : [ip, '']
  const groups = (s: string): string[] => (s ? s.split(':') : [])
  let h = groups(head)
  let t = groups(tail)
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const v4 = (list: string[]): string[] => {
    const last = list[list.length - 1]
    if (!last || !isIPv4(last)) return list
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number)
    return [...list.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)]
  }
  if (ip.includes('::')) t = v4(t)
  else h = v4(h)
  const zeros = 8 - h.length - t.length
  const all = [...h, ...Array<string>(ip.includes('::') ? zeros : 0).fill('0'), ...t]
  const out = Buffer.alloc(16)
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2))
  return out
}

export interface CertificateRequest {
  subject: DistinguishedName
  /** The subject's public key. */
  publicKey: KeyObject
  /** Who signs: the issuer's name and private key (the subject's own for a self-signed CA). */
  issuer: DistinguishedName
  issuerKey: KeyObject
  /** The issuer's public key, for the authority key identifier. */
  issuerPublicKey: KeyObject
  notBefore: Date
  notAfter: Date
  /** A CA may sign certificates; a serving certificate may only authenticate a TLS server. */
  isCA: boolean
  dnsNames?: readonly string[]
  ipAddresses?: readonly string[]
}

/** Issues a certificate; returns its DER bytes. */
export function issueCertificate(req: CertificateRequest): Buffer {
  const serial = randomBytes(16)
  serial[0] = (serial[0] ?? 0) & 0x7f // positive
  const algorithm = sequence(oid(OID.ecdsaWithSha256))
  const spki = req.publicKey.export({ type: 'spki', format: 'der' })

  const extensions: Buffer[] = []
  if (req.isCA) {
    extensions.push(extension(OID.basicConstraints, true, sequence(boolean(true))))
    // digitalSignature (bit 0), keyCertSign (5), cRLSign (6): 1000 0110, last bit unused.
    extensions.push(extension(OID.keyUsage, true, bitString(Buffer.from([0x86]), 1)))
  } else {
    extensions.push(extension(OID.basicConstraints, true, sequence()))
    // digitalSignature only: 1000 0000, seven unused bits.
    extensions.push(extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)))
    extensions.push(extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))))
  }
  extensions.push(extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(req.publicKey))))
  if (!req.isCA) extensions.push(extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, keyIdentifier(req.issuerPublicKey)))))
  const dns = req.dnsNames ?? []
  const ips = req.ipAddresses ?? []
  if (dns.length || ips.length) extensions.push(extension(OID.subjectAltName, false, subjectAltNames(dns, ips)))

  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(serial),
    algorithm,
    name(req.issuer),
    sequence(time(req.notBefore), time(req.notAfter)),
    name(req.subject),
    spki,
    explicit(3, sequence(...extensions)),
  )
  const signature = sign('sha256', tbs, { key: req.issuerKey, dsaEncoding: 'der' })
  return sequence(tbs, algorithm, bitString(signature))
}

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`
}
