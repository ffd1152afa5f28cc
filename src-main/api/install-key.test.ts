import { describe, expect, it } from 'vitest'
import { InstallKeyFieldError, MAX_PASSWORD_LENGTH, parseInstallKeyRequest } from './install-key.ts'

const FINGERPRINT = 'SHA256:' + 'A'.repeat(42) + 'Q'
const SECRET = 'S3cret pass: "quoted" \\ ünïcode'
const base = { host: '192.168.1.21', user: 'root', password: SECRET }

function refusal(raw: unknown): InstallKeyFieldError {
  try {
    parseInstallKeyRequest(raw)
  } catch (err) {
    if (err instanceof InstallKeyFieldError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

describe('parseInstallKeyRequest', () => {
  it.each([
    ['the minimum', base, { ...base }],
    ['a port', { ...base, port: 2222 }, { ...base, port: 2222 }],
    ['a null port as absent', { ...base, port: null }, { ...base }],
    ['a host name, trimmed', { ...base, host: ' pi.lan ' }, { ...base, host: 'pi.lan' }],
    ['an IPv6 address in brackets', { ...base, host: '[fe80::1%eth0]' }, { ...base, host: 'fe80::1%eth0' }],
    ['a bare IPv6 address', { ...base, host: '::1' }, { ...base, host: '::1' }],
    ['a fingerprint', { ...base, hostKeyFingerprint: FINGERPRINT }, { ...base, hostKeyFingerprint: FINGERPRINT }],
    ['a fingerprint without its prefix, padded', { ...base, hostKeyFingerprint: ` ${FINGERPRINT.slice(7)}= ` }, { ...base, hostKeyFingerprint: FINGERPRINT }],
    ['an empty fingerprint as absent', { ...base, hostKeyFingerprint: '' }, { ...base }],
    ['trust on first use', { ...base, trustOnFirstUse: true }, { ...base, trustOnFirstUse: true }],
    ['trustOnFirstUse false with a fingerprint', { ...base, trustOnFirstUse: false, hostKeyFingerprint: FINGERPRINT }, { ...base, hostKeyFingerprint: FINGERPRINT }],
    ['an undefined unknown key as absent', { ...base, extra: undefined }, { ...base }],
    ['a password kept exactly (spaces included)', { ...base, password: '  spaced  ' }, { ...base, password: '  spaced  ' }],
  ])('accepts %s', (_, raw, expected) => {
    expect(parseInstallKeyRequest(raw)).toEqual(expected)
  })

  it.each([
    ['not an object', 'root@host', '', /must be an object/],
    ['an array', [base], '', /must be an object/],
    ['an unknown field', { ...base, privateKey: 'x' }, 'privateKey', /is not a known field/],
    ['no host', { user: 'root', password: 'x' }, 'host', /Required value/],
    ['a host with a space', { ...base, host: 'a b' }, 'host', /host name or an IP address/],
    ['a host like an option', { ...base, host: '-oProxyCommand=x' }, 'host', /host name or an IP address/],
    ['a host with a user', { ...base, host: 'root@pi' }, 'host', /host name or an IP address/],
    ['a numeric host', { ...base, host: 10 }, 'host', /must be a string, got number 10/],
    ['a long host', { ...base, host: 'a'.repeat(254) }, 'host', /at most 253/],
    ['no user', { host: 'h', password: 'x' }, 'user', /Required value/],
    ['a user with a slash', { ...base, user: '../root' }, 'user', /user name/],
    ['no password', { host: 'h', user: 'root' }, 'password', /Required value/],
    ['an empty password', { ...base, password: '' }, 'password', /Required value/],
    ['a numeric password', { ...base, password: 1234 }, 'password', /must be a string, got number$/],
    ['a huge password', { ...base, password: 'x'.repeat(MAX_PASSWORD_LENGTH + 1) }, 'password', /at most 1024/],
    ['a NUL in the password', { ...base, password: 'a\0b' }, 'password', /NUL/],
    ['port 0', { ...base, port: 0 }, 'port', /1 to 65535, got number 0/],
    ['port 65536', { ...base, port: 65536 }, 'port', /1 to 65535/],
    ['a fractional port', { ...base, port: 22.5 }, 'port', /whole number/],
    ['a string port', { ...base, port: '22' }, 'port', /got "22"/],
    ['a short fingerprint', { ...base, hostKeyFingerprint: 'SHA256:abc' }, 'hostKeyFingerprint', /43 characters/],
    ['an MD5 fingerprint', { ...base, hostKeyFingerprint: 'MD5:12:34' }, 'hostKeyFingerprint', /SHA256 fingerprint/],
    ['a numeric fingerprint', { ...base, hostKeyFingerprint: 5 }, 'hostKeyFingerprint', /must be a string/],
    ['trust with a fingerprint', { ...base, hostKeyFingerprint: FINGERPRINT, trustOnFirstUse: true }, 'trustOnFirstUse', /either the key is checked/],
    ['a string trustOnFirstUse', { ...base, trustOnFirstUse: 'yes' }, 'trustOnFirstUse', /true or false/],
  ])('refuses %s, naming the field', (_, raw, field, detail) => {
    const err = refusal(raw)
    expect(err.field).toBe(field)
    expect(err.detail).toMatch(detail)
  })

  it.each([
    ['a wrong host', { ...base, host: 'a b' }],
    ['a wrong port', { ...base, port: -1 }],
    ['a wrong fingerprint', { ...base, hostKeyFingerprint: 'nope' }],
    ['an unknown field', { ...base, passwd: SECRET }],
    ['a too long password', { ...base, password: SECRET.repeat(200) }],
  ])('never repeats the password when refusing %s', (_, raw) => {
    expect(refusal(raw).message).not.toContain(SECRET)
  })
})
