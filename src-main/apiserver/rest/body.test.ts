import { describe, expect, it } from 'vitest'
import { ApiError } from '../errors.ts'
import { decodeBody, limitNesting, MAX_BODY_DEPTH } from './body.ts'

const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

function refusal(fn: () => unknown): { code?: number; message?: string } {
  try {
    fn()
  } catch (err) {
    if (err instanceof ApiError) return { code: err.status.code, message: err.status.message }
    throw err
  }
  throw new Error('expected a refusal')
}

describe('decodeBody', () => {
  it('takes a body nested as deep as the limit', () => {
    const body = `{"junk":${nestedArrays(MAX_BODY_DEPTH - 1)}}`
    expect(decodeBody(Buffer.from(body), 'json')).toHaveProperty('junk')
  })

  it('refuses a body nested deeper than the limit with a 400, before anything recurses on it', () => {
    for (const depth of [MAX_BODY_DEPTH, 100_000]) {
      expect(refusal(() => decodeBody(Buffer.from(`{"junk":${nestedArrays(depth)}}`), 'json'))).toEqual({
        code: 400,
        message: `the request body is nested too deeply: more than ${MAX_BODY_DEPTH} levels of objects and arrays`,
      })
    }
    expect(refusal(() => decodeBody(Buffer.from(`junk: ${nestedArrays(MAX_BODY_DEPTH + 50)}\n`), 'yaml')).code).toBe(400)
  })

  it('refuses a YAML alias bomb with a 400', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`)
    expect(refusal(() => decodeBody(Buffer.from(lines.join('\n')), 'yaml'))).toMatchObject({ code: 400, message: expect.stringMatching(/^the request body is not valid YAML: Excessive alias count/) })
  })
})

describe('limitNesting', () => {
  it('counts objects and arrays, not scalars', () => {
    expect(limitNesting({ a: [{ b: 'deep' }] }, 'x', 3)).toEqual({ a: [{ b: 'deep' }] })
    expect(refusal(() => limitNesting({ a: [{ b: [] }] }, 'the patch', 3)).message).toBe('the patch is nested too deeply: more than 3 levels of objects and arrays')
  })
})
