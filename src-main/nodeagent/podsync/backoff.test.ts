import { describe, expect, it } from 'vitest'
import { KeyedBackoff } from './backoff.ts'

describe('KeyedBackoff', () => {
  const make = () => {
    let now = 1_000_000
    const backoff = new KeyedBackoff({ initialMs: 10_000, maxMs: 40_000, now: () => now })
    return { backoff, at: (ms: number) => (now = ms), get now() { return now } }
  }

  it('lets the first retry go at once, then waits 10 s, 20 s, … up to the maximum', () => {
    const t = make()
    const k = 'uid/web'
    expect(t.backoff.remaining(k, t.now)).toBe(0)
    t.backoff.next(k, t.now)
    const secondCrash = t.now + 1000
    t.at(secondCrash)
    expect(t.backoff.remaining(k, secondCrash)).toBe(10_000)
    t.at(secondCrash + 10_000)
    expect(t.backoff.remaining(k, secondCrash)).toBe(0)
    t.backoff.next(k, secondCrash)
    expect(t.backoff.delayOf(k)).toBe(20_000)
    t.backoff.next(k, secondCrash + 1)
    t.backoff.next(k, secondCrash + 2)
    expect(t.backoff.delayOf(k)).toBe(40_000)
  })

  it('counts the wait from the event, not from when it is asked', () => {
    const t = make()
    t.backoff.next('k', t.now)
    const crash = t.now + 2000
    t.at(crash + 4000)
    expect(t.backoff.remaining('k', crash)).toBe(6000)
  })

  it('starts over after an idle stretch of twice the maximum', () => {
    const t = make()
    t.backoff.next('k', t.now)
    t.backoff.next('k', t.now)
    const much = t.now + 80_001
    t.at(much)
    expect(t.backoff.remaining('k', much)).toBe(0)
    t.backoff.next('k', much)
    expect(t.backoff.delayOf('k')).toBe(10_000)
  })

  it('forgets the keys of a pod', () => {
    const t = make()
    t.backoff.next('uid-1/a', t.now)
    t.backoff.next('uid-2/a', t.now)
    t.backoff.forgetPrefix('uid-1/')
    expect(t.backoff.remaining('uid-1/a', t.now)).toBe(0)
    expect(t.backoff.remaining('uid-2/a', t.now)).toBeGreaterThan(0)
  })
})
