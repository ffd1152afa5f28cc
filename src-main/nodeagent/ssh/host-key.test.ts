import { describe, expect, it } from 'vitest'
import { fingerprintOf, keyTypeOf, normalizeFingerprint, parseOpenSshPublicKey } from './host-key.ts'

// Vectors made with `ssh-keygen -t … && ssh-keygen -lf key.pub`.
const ed25519 = {
  line: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB/DMEx+roavj+eMnvqfH7V332iP96Xo8MxRybmtZ2pf test',
  fingerprint: 'SHA256:N2QlxncQZRSS5RtSBLSVYnItiqGwZrZBumv1OF/iR/Y',
}
const rsa = {
  line:
    'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDZT9w7sjHKvG8CT8fiW2pv5ytCAwxTJo0/jq+iMUNcW5mof9CRt41PoxUmTSmthwcA6B5CvI8J8Z5FruEf4gvIpCpF4ucPlbzkNPS7c7NXmcH+L65DzrqEeCGN6No+3VoQEAGsyo2eHKCq63NEipebZ6b6XD6yQVIGIqZUM3BUjw== rsa',
  fingerprint: 'SHA256:gBav1wrNVLGjWwco8GGgN45B0sKyZ5MXiB3IHZXykS0',
}

describe('host key fingerprints', () => {
  it.each([
    ['ssh-ed25519', ed25519],
    ['ssh-rsa', rsa],
  ])('matches ssh-keygen -lf for %s', (keyType, vector) => {
    const { keyType: parsedType, blob } = parseOpenSshPublicKey(vector.line)
    expect(parsedType).toBe(keyType)
    expect(keyTypeOf(blob)).toBe(keyType)
    expect(fingerprintOf(blob)).toBe(vector.fingerprint)
  })

  it('reads a malformed blob as type unknown', () => {
    expect(keyTypeOf(Buffer.alloc(2))).toBe('unknown')
    expect(keyTypeOf(Buffer.from([0, 0, 0, 200, 1, 2]))).toBe('unknown')
  })

  it('refuses a line whose blob does not match its type', () => {
    expect(() => parseOpenSshPublicKey(ed25519.line.replace('ssh-ed25519', 'ssh-rsa'))).toThrow(/carries a ssh-ed25519 blob/)
    expect(() => parseOpenSshPublicKey('garbage')).toThrow(/not an OpenSSH public key/)
  })

  it('normalizes pasted fingerprints', () => {
    expect(normalizeFingerprint(' SHA256:abc= ')).toBe('SHA256:abc')
    expect(normalizeFingerprint('abc')).toBe('SHA256:abc')
    expect(normalizeFingerprint('sha256:abc')).toBe('SHA256:abc')
  })
})
