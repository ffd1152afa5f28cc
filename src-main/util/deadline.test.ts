import { describe, expect, it } from 'vitest'
import { DeadlineExceededError, withDeadline } from './deadline.ts'

describe('withDeadline', () => {
  it('returns the result when the call finishes in time', async () => {
    await expect(withDeadline('quick', 1000, async () => 42)).resolves.toBe(42)
  })

  it('passes on the call’s own error', async () => {
    await expect(withDeadline('failing', 1000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
  })

  it('rejects at the deadline even when the call ignores its signal, and aborts the signal', async () => {
    let seen: AbortSignal | undefined
    const started = performance.now()
    const call = withDeadline('docker ping on node-2', 50, (signal) => {
      seen = signal
      return new Promise<never>(() => {})
    })
    await expect(call).rejects.toThrow(new DeadlineExceededError('docker ping on node-2', 50))
    await expect(call).rejects.toThrow('docker ping on node-2: no answer within 50 ms')
    expect(performance.now() - started).toBeLessThan(500)
    expect(seen?.aborted).toBe(true)
    expect(seen?.reason).toBeInstanceOf(DeadlineExceededError)
  })
})
