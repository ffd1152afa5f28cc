// The one-time password login that installs the cluster key on a machine: what a door (HTTP's
// POST /api/coxswain/v1/install-key, IPC's cluster:install-key) accepts and answers. Shared with
// the renderer, so: types and pure checks only.
//
// The password is a secret in transit: no check here ever puts it (or its length) into a message.

export interface InstallKeyRequest {
  /** Host name or IP address of the machine's sshd. */
  host: string
  /** sshd's port; 22 when absent. */
  port?: number
  /** The account whose authorized_keys gets the cluster key. */
  user: string
  /** Used for this one login, never stored. */
  password: string
  /** The host key's fingerprint as the user checked it on the machine (`SHA256:…`). */
  hostKeyFingerprint?: string
  /** Accept and pin whatever key an unknown machine presents; excludes hostKeyFingerprint. */
  trustOnFirstUse?: boolean
}

/**
 * `installed`: the key is in place and the machine's host key pinned. Otherwise the machine is
 * unknown and the caller vouched for no key: nothing was sent, not even the password; ask the user
 * to check `presentedFingerprint` on the machine and call again with it as hostKeyFingerprint.
 */
export type InstallKeyResponse =
  | { installed: true; hostPort: string; hostKeyFingerprint: string }
  | { installed: false; hostPort: string; presentedFingerprint: string; message: string }

/** A request field that is wrong; `field` names it as the request does (`port`, `hostKeyFingerprint`). */
export class InstallKeyFieldError extends Error {
  override readonly name = 'InstallKeyFieldError'
  readonly field: string
  readonly detail: string
  constructor(field: string, detail: string) {
    super(field ? `${field}: ${detail}` : detail)
    this.field = field
    this.detail = detail
  }
}

const FIELDS = ['host', 'port', 'user', 'password', 'hostKeyFingerprint', 'trustOnFirstUse'] as const

/** A DNS name or an IPv4 address. */
const HOST_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?)*\.?$/
/** An IPv6 address, with an optional zone; brackets (as in URLs) are taken off first. */
const IPV6 = /^\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?\]?$/
const HOST = { test: (value: string): boolean => HOST_NAME.test(value) || IPV6.test(value) }
/** POSIX-ish account names, as useradd accepts them (plus upper case, which some systems allow). */
const USER = /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/
/** OpenSSH's fingerprint: SHA256 of the key blob, 43 characters of base64 without padding. */
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/
export const MAX_PASSWORD_LENGTH = 1024

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return value.length > 60 ? `a string of ${value.length} characters` : JSON.stringify(value)
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}

function text(value: unknown, field: string, max: number, pattern: { test(value: string): boolean }, hint: string): string {
  if (value === undefined || value === '') throw new InstallKeyFieldError(field, 'Required value')
  if (typeof value !== 'string') throw new InstallKeyFieldError(field, `must be a string, got ${describe(value)}`)
  const trimmed = value.trim()
  if (trimmed.length > max) throw new InstallKeyFieldError(field, `must be at most ${max} characters, got ${trimmed.length}`)
  if (!pattern.test(trimmed)) throw new InstallKeyFieldError(field, `must be ${hint}, got ${describe(value)}`)
  return trimmed
}

/**
 * Checks a request from any client and returns a clean copy: known fields only, trimmed names, a
 * fingerprint in `SHA256:` form. Throws an InstallKeyFieldError naming the first wrong field.
 */
export function parseInstallKeyRequest(raw: unknown): InstallKeyRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InstallKeyFieldError('', `the request must be an object with ${FIELDS.join(', ')}, got ${describe(raw)}`)
  }
  const body = raw as Record<string, unknown>
  for (const key of Object.keys(body)) {
    if (!(FIELDS as readonly string[]).includes(key) && body[key] !== undefined) {
      throw new InstallKeyFieldError(key, `is not a known field (known: ${FIELDS.join(', ')})`)
    }
  }
  const request: InstallKeyRequest = {
    host: text(body.host, 'host', 253, HOST, 'a host name or an IP address').replace(/^\[(.*)\]$/, '$1'),
    user: text(body.user, 'user', 64, USER, 'a user name such as "root" or "pi"'),
    password: password(body.password),
  }
  if (body.port !== undefined && body.port !== null) {
    const port = body.port
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new InstallKeyFieldError('port', `must be a whole number from 1 to 65535, got ${describe(port)}`)
    }
    request.port = port
  }
  if (body.hostKeyFingerprint !== undefined && body.hostKeyFingerprint !== null && body.hostKeyFingerprint !== '') {
    const value = body.hostKeyFingerprint
    if (typeof value !== 'string') throw new InstallKeyFieldError('hostKeyFingerprint', `must be a string, got ${describe(value)}`)
    // People paste what ssh-keygen -l prints; accept it without the prefix too.
    const bare = value.trim().replace(/^SHA256:/i, '')
    const fingerprint = `SHA256:${bare}`
    if (!FINGERPRINT.test(fingerprint)) {
      throw new InstallKeyFieldError('hostKeyFingerprint', `must be a SHA256 fingerprint as \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` prints it (SHA256: and 43 characters), got ${describe(value)}`)
    }
    request.hostKeyFingerprint = fingerprint.replace(/=$/, '')
  }
  if (body.trustOnFirstUse !== undefined && body.trustOnFirstUse !== null) {
    if (typeof body.trustOnFirstUse !== 'boolean') throw new InstallKeyFieldError('trustOnFirstUse', `must be true or false, got ${describe(body.trustOnFirstUse)}`)
    if (body.trustOnFirstUse && request.hostKeyFingerprint !== undefined) {
      throw new InstallKeyFieldError('trustOnFirstUse', 'may not be true when hostKeyFingerprint is given: either the key is checked against the fingerprint, or trusted on first use')
    }
    if (body.trustOnFirstUse) request.trustOnFirstUse = true
  }
  return request
}

/** The password is never described: a message names what is wrong with it, not what it is. */
function password(value: unknown): string {
  if (value === undefined || value === null || value === '') throw new InstallKeyFieldError('password', 'Required value')
  if (typeof value !== 'string') throw new InstallKeyFieldError('password', `must be a string, got ${Array.isArray(value) ? 'an array' : typeof value}`)
  if (value.length > MAX_PASSWORD_LENGTH) throw new InstallKeyFieldError('password', `must be at most ${MAX_PASSWORD_LENGTH} characters`)
  if (value.includes('\0')) throw new InstallKeyFieldError('password', 'must not contain a NUL character')
  return value
}
