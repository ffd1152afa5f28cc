import { describe, expect, it } from 'vitest'
import { warningHeaders, warningHeaderValue } from './respond.ts'

describe('Warning headers', () => {
  it('quote the text as RFC 7234 asks, code 299 and agent "-"', () => {
    expect(warningHeaderValue('unknown field "spec.foo"')).toBe('299 - "unknown field \\"spec.foo\\""')
  })

  it('turn control characters into spaces', () => {
    expect(warningHeaderValue('a\nb\tc')).toBe('299 - "a b c"')
  })

  it('carry non-ASCII text as UTF-8 bytes', () => {
    const value = warningHeaderValue('größe')
    expect(Buffer.from(value, 'latin1').toString('utf8')).toBe('299 - "größe"')
  })

  it('drop repeats', () => {
    expect(warningHeaders(['a', 'a', 'b'])).toEqual({ Warning: ['299 - "a"', '299 - "b"'] })
    expect(warningHeaders([])).toEqual({})
  })
})
