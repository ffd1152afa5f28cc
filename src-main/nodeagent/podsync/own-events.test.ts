import { describe, expect, it } from 'vitest'
import { OwnEvents } from './own-events.ts'

describe('OwnEvents', () => {
  it('consumes an expected event once, and ignores others', () => {
    const own = new OwnEvents()
    own.expect('c1', 'start')
    expect(own.consume('c1', 'die')).toBe(false)
    expect(own.consume('c2', 'start')).toBe(false)
    expect(own.consume('c1', 'start')).toBe(true)
    expect(own.consume('c1', 'start')).toBe(false)
  })

  it('forgets an expectation whose action failed', () => {
    const own = new OwnEvents()
    own.expect('c1', 'start')
    own.forget('c1', 'start')
    expect(own.consume('c1', 'start')).toBe(false)
  })

  it('does not swallow an event that comes after the expectation expired', () => {
    let now = 0
    const own = new OwnEvents(() => now)
    own.expect('c1', 'start')
    now = 61_000
    expect(own.consume('c1', 'start')).toBe(false)
  })

  it('prunes expired expectations once many pile up', () => {
    let now = 0
    const own = new OwnEvents(() => now)
    for (let i = 0; i < 300; i++) own.expect(`c${i}`, 'start')
    now = 61_000
    own.expect('fresh', 'start')
    expect(own.size).toBe(1)
  })
})
