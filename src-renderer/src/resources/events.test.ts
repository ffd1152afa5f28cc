import { describe, expect, it } from 'vitest'
import type { Event } from '../../../src-main/api/types/core.ts'
import { agoText, eventColumns, eventCount, eventTime } from './events.ts'

const event = (extra: Partial<Event>): Event => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'e', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  involvedObject: { kind: 'Pod', name: 'web-1' },
  ...extra,
})

describe('events', () => {
  it.each([
    ['a series', event({ series: { count: 7, lastObservedTime: '2026-01-01T00:05:00.000000Z' }, lastTimestamp: '2026-01-01T00:01:00Z' }), '2026-01-01T00:05:00Z', 7],
    ['a core/v1 event', event({ lastTimestamp: '2026-01-01T00:02:00Z', count: 3 }), '2026-01-01T00:02:00Z', 3],
    ['an events.k8s.io event', event({ eventTime: '2026-01-01T00:03:00.000000Z' }), '2026-01-01T00:03:00Z', 1],
    ['only a creation time', event({}), '2026-01-01T00:00:00Z', 1],
  ])('%s', (_name, e, time, count) => {
    expect(eventTime(e)).toBe(Date.parse(time))
    expect(eventCount(e)).toBe(count)
  })

  it('shows warnings as warnings and names the object', () => {
    const e = event({ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' })
    const ctx = { now: Date.parse('2026-01-01T00:01:00Z'), podsByNode: new Map() }
    const type = eventColumns.find((c) => c.id === 'type')
    expect(type?.tone?.(e, ctx)).toBe('warning')
    expect(eventColumns.find((c) => c.id === 'object')?.text(e, ctx)).toBe('Pod/web-1')
    expect(eventColumns.find((c) => c.id === 'lastSeen')?.text(e, ctx)).toBe('60s')
  })
})

describe('agoText', () => {
  it.each([
    [1000, 61_000, '60s'],
    [5000, 4000, '0s'],
    [0, 4000, ''],
  ])('%d at %d is %j', (time, now, text) => expect(agoText(time, now)).toBe(text))
})
