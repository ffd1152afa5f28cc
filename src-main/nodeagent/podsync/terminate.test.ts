import { describe, expect, it } from 'vitest'
import { makePod } from '../../api/testing/builders.ts'
import { remainingGrace } from './terminate.ts'

describe('remainingGrace', () => {
  const deleting = (at: string, grace: number) => {
    const pod = makePod('p').obj()
    pod.metadata.deletionTimestamp = at
    pod.metadata.deletionGracePeriodSeconds = grace
    return pod
  }

  it('is what is left until deletionTimestamp, counting the second the timestamp cut off', () => {
    expect(remainingGrace(deleting('2026-01-01T00:00:30Z', 30), new Date('2026-01-01T00:00:10.500Z'))).toBeCloseTo(20.499)
  })

  it('never exceeds the grace period, and is 0 once the time is up', () => {
    expect(remainingGrace(deleting('2026-01-01T00:00:30Z', 5), new Date('2026-01-01T00:00:00Z'))).toBe(5)
    expect(remainingGrace(deleting('2026-01-01T00:00:30Z', 30), new Date('2026-01-01T00:01:00Z'))).toBe(0)
  })
})
