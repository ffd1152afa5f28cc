import { describe, expect, it } from 'vitest'
import { ApiError } from '../errors.ts'
import { parseExecQuery, parseLogQuery } from './stream-query.ts'

const params = (query: string): URLSearchParams => new URLSearchParams(query)

describe('parseLogQuery', () => {
  it('reads what kubectl logs sends', () => {
    expect(parseLogQuery(params('container=web&follow=true&tailLines=10&timestamps=true&previous=true&limitBytes=500&sinceSeconds=60'))).toEqual({
      container: 'web',
      follow: true,
      tailLines: 10,
      timestamps: true,
      previous: true,
      limitBytes: 500,
      sinceSeconds: 60,
    })
  })

  it('reads nothing from an empty query, and false flags as absent', () => {
    expect(parseLogQuery(params(''))).toEqual({})
    expect(parseLogQuery(params('follow=false&previous=0'))).toEqual({})
  })

  it('keeps negative numbers for validation to refuse in its own words', () => {
    expect(parseLogQuery(params('tailLines=-1'))).toEqual({ tailLines: -1 })
  })

  it('reads sinceTime as RFC 3339', () => {
    expect(parseLogQuery(params('sinceTime=2026-01-02T03:04:05.5%2B01:00'))).toEqual({ sinceTime: '2026-01-02T03:04:05.5+01:00' })
  })

  it.each([
    ['tailLines=ten', 'invalid value for query parameter "tailLines": "ten" is not an integer'],
    ['limitBytes=1.5', 'invalid value for query parameter "limitBytes": "1.5" is not an integer'],
    ['sinceTime=yesterday', 'invalid value for query parameter "sinceTime": "yesterday" is not an RFC 3339 time'],
  ])('refuses %s with a 400', (query, message) => {
    let err: unknown
    try {
      parseLogQuery(params(query))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toMatchObject({ code: 400, reason: 'BadRequest', message })
  })
})

describe('parseExecQuery', () => {
  it('reads the command from repeated parameters, in order, and the stream flags', () => {
    expect(parseExecQuery(params('command=sh&command=-c&command=echo%20hi%3B%20exit%203&container=web&stdin=true&stdout=true&stderr=false&tty=true'))).toEqual({
      command: ['sh', '-c', 'echo hi; exit 3'],
      container: 'web',
      stdin: true,
      stdout: true,
      stderr: false,
      tty: true,
    })
  })

  it('leaves absent flags absent', () => {
    expect(parseExecQuery(params('command=ls'))).toEqual({ command: ['ls'] })
  })
})
