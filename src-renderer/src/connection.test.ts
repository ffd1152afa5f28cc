import { describe, expect, it } from 'vitest'
import { connectionFromError, describeConnection, describeNodeState, formatTime, retryDelayMs } from './connection.ts'

describe('connectionFromError', () => {
  it('maps a 401 to signed-out, no answer to unreachable, an error answer to error', () => {
    expect(connectionFromError('unauthorized')).toBe('signed-out')
    expect(connectionFromError('unreachable')).toBe('unreachable')
    expect(connectionFromError('failed')).toBe('error')
  })
})

describe('describeConnection', () => {
  it.each([
    ['connecting', 'pending'],
    ['connected', 'ok'],
    ['signed-out', 'warning'],
    ['unreachable', 'error'],
    ['error', 'error'],
  ] as const)('%s has tone %s', (connection, tone) => {
    expect(describeConnection(connection).tone).toBe(tone)
  })

  it('says "Connected" when connected', () => {
    expect(describeConnection('connected').label).toBe('Connected')
  })
})

describe('describeNodeState', () => {
  it('gives every node state a label and tone', () => {
    expect(describeNodeState('connected')).toEqual({ label: 'Connected', tone: 'ok' })
    expect(describeNodeState('unreachable').tone).toBe('error')
  })
})

describe('retryDelayMs', () => {
  it('doubles from 2 s and stops at 30 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([2000, 4000, 8000, 16000, 30000, 30000])
  })
})

describe('formatTime', () => {
  const now = new Date('2025-03-04T12:00:00')

  it('shows only the time for today', () => {
    expect(formatTime(new Date('2025-03-04T09:05:07').toISOString(), now, 'en-GB')).toBe('09:05:07')
  })

  it('shows the day for other days', () => {
    expect(formatTime(new Date('2025-03-01T09:05:07').toISOString(), now, 'en-GB')).toMatch(/1 Mar/)
  })

  it('returns garbage unchanged', () => {
    expect(formatTime('soon', now)).toBe('soon')
  })
})
