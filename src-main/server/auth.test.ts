import { describe, expect, it } from 'vitest'
import { TokenAuth, bearerToken, parseCookies, secretsEqual, sessionCookieName } from './auth.ts'

const token = 'A'.repeat(43)

/** The cookie a browser would send back after /login, given the Set-Cookie header. */
function cookieFrom(setCookie: string): string {
  return setCookie.split(';')[0] ?? ''
}

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['Bearer a b', null],
    [undefined, null],
  ])('%j -> %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected)
  })
})

describe('parseCookies', () => {
  it('splits pairs and keeps the first of duplicate names', () => {
    const cookies = parseCookies('a=1; b=2=3; a=4; junk; =x')
    expect(cookies.get('a')).toBe('1')
    expect(cookies.get('b')).toBe('2=3')
    expect(cookies.size).toBe(2)
  })
})

describe('secretsEqual', () => {
  it('compares values of any length', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true)
    expect(secretsEqual('abc', 'abd')).toBe(false)
    expect(secretsEqual('abc', 'abcd')).toBe(false)
  })
})

describe('TokenAuth', () => {
  const auth = new TokenAuth(token)

  it('rejects a request with no credentials', () => {
    expect(auth.isAuthorized({ headers: {}, localPort: 7443 })).toBe(false)
  })

  it('accepts the bearer token and rejects any other', () => {
    expect(auth.isAuthorized({ headers: { authorization: `Bearer ${token}` }, localPort: 7443 })).toBe(true)
    expect(auth.isAuthorized({ headers: { authorization: `Bearer ${'B'.repeat(43)}` }, localPort: 7443 })).toBe(false)
  })

  it('accepts the session cookie it issued, on the same port', () => {
    const cookie = cookieFrom(auth.sessionSetCookie(7443))
    expect(auth.isAuthorized({ headers: { cookie }, localPort: 7443 })).toBe(true)
    expect(auth.isAuthorized({ headers: { cookie }, localPort: 7444 })).toBe(false)
  })

  it('does not put the token itself in the cookie', () => {
    expect(auth.sessionSetCookie(7443)).not.toContain(token)
  })

  it('rejects a forged cookie value', () => {
    const cookie = `${sessionCookieName(7443)}=${token}`
    expect(auth.isAuthorized({ headers: { cookie }, localPort: 7443 })).toBe(false)
  })

  it('lets a wrong Authorization header decide even with a valid cookie', () => {
    const cookie = cookieFrom(auth.sessionSetCookie(7443))
    expect(auth.isAuthorized({ headers: { cookie, authorization: 'Bearer wrong' }, localPort: 7443 })).toBe(false)
  })

  it('issues an HttpOnly, SameSite=Strict cookie for the whole site', () => {
    const setCookie = auth.sessionSetCookie(7443)
    expect(setCookie).toMatch(/; HttpOnly/)
    expect(setCookie).toMatch(/; SameSite=Strict/)
    expect(setCookie).toMatch(/; Path=\//)
  })

  it('checks login tokens', () => {
    expect(auth.isLoginToken(token)).toBe(true)
    expect(auth.isLoginToken('nope')).toBe(false)
    expect(auth.isLoginToken(null)).toBe(false)
  })
})

describe('TokenAuth users', () => {
  const readOnlyToken = 'R'.repeat(43)
  const auth = new TokenAuth(token, readOnlyToken)

  it('maps the admin token and the session cookie to the admin', () => {
    expect(auth.authenticate({ headers: { authorization: `Bearer ${token}` }, localPort: 7443 })).toEqual({ name: 'coxswain:admin', readOnly: false })
    const cookie = cookieFrom(auth.sessionSetCookie(7443))
    expect(auth.authenticate({ headers: { cookie }, localPort: 7443 })).toEqual({ name: 'coxswain:admin', readOnly: false })
  })

  it('maps the read-only token to a read-only user', () => {
    expect(auth.authenticate({ headers: { authorization: `Bearer ${readOnlyToken}` }, localPort: 7443 })).toEqual({ name: 'coxswain:readonly', readOnly: true })
  })

  it('knows nobody else', () => {
    expect(auth.authenticate({ headers: { authorization: `Bearer ${'B'.repeat(43)}` }, localPort: 7443 })).toBeNull()
    expect(new TokenAuth(token).authenticate({ headers: { authorization: `Bearer ${readOnlyToken}` }, localPort: 7443 })).toBeNull()
  })

  it('never signs a browser in with the read-only token', () => {
    expect(auth.isLoginToken(readOnlyToken)).toBe(false)
  })
})
