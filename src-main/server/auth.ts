// Who may call the API: holders of the access token, sent as `Authorization: Bearer TOKEN`
// (kubectl, scripts) or as the session cookie the browser got from /login?token=TOKEN; and
// holders of the read-only token (bearer only), whom the API server lets read but not write.
//
// The cookie carries a value derived from the token, not the token itself, so a page that
// somehow read it could not turn it into a bearer credential for kubectl; it survives server
// restarts because the token does.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { UserInfo } from '../apiserver/types.ts'

const SESSION_COOKIE_PREFIX = 'coxswain_session'

/**
 * Cookies are not isolated by port, so two servers on one host (say, a test run next to the
 * real one) would overwrite each other's session if the name did not include the port.
 */
export function sessionCookieName(port: number | undefined): string {
  return port ? `${SESSION_COOKIE_PREFIX}_${port}` : SESSION_COOKIE_PREFIX
}

/** The token from `Authorization: Bearer TOKEN`, or null when the header is absent or another scheme. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? '')
  return match?.[1] ?? null
}

/** Cookie name -> value from a Cookie header; the first occurrence of a name wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (name && !cookies.has(name)) cookies.set(name, value)
  }
  return cookies
}

/** Compares secrets in time independent of where they differ (and of their lengths). */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  return timingSafeEqual(da, db)
}

export interface AuthRequest {
  headers: IncomingHttpHeaders
  /** The server port the request arrived on; names the session cookie. */
  localPort: number | undefined
}

/** The users the tokens stand for (as Kubernetes names users in its audit log and messages). */
export const ADMIN_USER: Readonly<UserInfo> = Object.freeze({ name: 'coxswain:admin', readOnly: false })
export const READONLY_USER: Readonly<UserInfo> = Object.freeze({ name: 'coxswain:readonly', readOnly: true })

export class TokenAuth {
  private readonly token: string
  private readonly readOnlyToken: string | undefined
  private readonly sessionValue: string

  constructor(token: string, readOnlyToken?: string) {
    this.token = token
    this.readOnlyToken = readOnlyToken
    this.sessionValue = createHmac('sha256', token).update('coxswain session v1').digest('base64url')
  }

  /**
   * Who is asking, or null for nobody we know. A present Authorization header decides alone;
   * otherwise the session cookie may authenticate (as the admin: only the admin token signs in).
   */
  authenticate(req: AuthRequest): UserInfo | null {
    if (req.headers.authorization !== undefined) {
      const presented = bearerToken(req.headers.authorization)
      if (presented === null) return null
      // Both comparisons always run, so timing does not tell which token was close.
      const admin = secretsEqual(presented, this.token)
      const readOnly = this.readOnlyToken !== undefined && secretsEqual(presented, this.readOnlyToken)
      if (admin) return { ...ADMIN_USER }
      return readOnly ? { ...READONLY_USER } : null
    }
    const cookie = parseCookies(req.headers.cookie).get(sessionCookieName(req.localPort))
    return cookie !== undefined && secretsEqual(cookie, this.sessionValue) ? { ...ADMIN_USER } : null
  }

  isAuthorized(req: AuthRequest): boolean {
    return this.authenticate(req) !== null
  }

  isLoginToken(candidate: string | null): boolean {
    return candidate !== null && secretsEqual(candidate, this.token)
  }

  /**
   * Set-Cookie value for a signed-in browser: HttpOnly (no script can read it), SameSite=Strict
   * (no other site can make the browser send it), a browser-session lifetime. Not `Secure`: the
   * server speaks plain HTTP on loopback for now.
   */
  sessionSetCookie(port: number | undefined): string {
    return `${sessionCookieName(port)}=${this.sessionValue}; Path=/; HttpOnly; SameSite=Strict`
  }
}
