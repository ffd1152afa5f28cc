import { describe, expect, it } from 'vitest'
import { Backoff } from './backoff.ts'

describe('Backoff', () => {
  it('doubles from the initial delay up to the ceiling', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 }, () => 0)
    expect(Array.from({ length: 6 }, () => backoff.next())).toEqual([100, 200, 400, 800, 1000, 1000])
    expect(backoff.attempt).toBe(6)
  })

  it('takes up to `jitter` of each delay off at random', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 }, () => 1)
    expect([backoff.next(), backoff.next()]).toEqual([50, 100])
  })

  it('starts over after a reset', () => {
    const backoff = new Backoff({ initialMs: 100, jitter: 0 })
    backoff.next()
    backoff.next()
    backoff.reset()
    expect(backoff.next()).toBe(100)
  })
})
