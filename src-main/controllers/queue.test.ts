import { afterEach, describe, expect, it } from 'vitest'
import { eventually, quietLog } from '../apiserver/testing.ts'
import { RetryQueue } from './queue.ts'

describe('RetryQueue', () => {
  let queue: RetryQueue | null = null
  afterEach(async () => {
    await queue?.stop()
  })

  it('handles a key once however often it was added while waiting', async () => {
    const handled: string[] = []
    queue = new RetryQueue({ handle: async (key) => void handled.push(key), log: quietLog })
    queue.add('a')
    queue.add('b')
    queue.add('a')
    queue.start()
    await eventually(() => queue?.idle === true, 'the queue to drain')
    expect(handled).toEqual(['a', 'b'])
  })

  it('retries a failing key after a growing delay until it succeeds', async () => {
    const attempts: number[] = []
    queue = new RetryQueue({
      handle: async () => {
        attempts.push(Date.now())
        if (attempts.length < 3) throw new Error('not yet')
      },
      log: quietLog,
      baseDelayMs: 10,
    })
    queue.start()
    queue.add('flaky')
    await eventually(() => attempts.length === 3 && queue?.idle === true, 'three attempts')
    const [a = 0, b = 0, c = 0] = attempts
    expect(b - a).toBeGreaterThanOrEqual(9)
    expect(c - b).toBeGreaterThanOrEqual(19)
  })

  it('a delayed add that is due sooner replaces a later one; a later one does not postpone it', async () => {
    const handled: string[] = []
    queue = new RetryQueue({ handle: async (key) => void handled.push(key), log: quietLog })
    queue.start()
    queue.addAfter('deadline', 60_000)
    queue.addAfter('deadline', 5)
    queue.addAfter('deadline', 120_000)
    await eventually(() => handled.length === 1, 'the sooner wake-up', 2000)
    expect(handled).toEqual(['deadline'])
    expect(queue.idle).toBe(true)
  })

  it('drops waiting keys and pending retries on stop', async () => {
    const handled: string[] = []
    queue = new RetryQueue({ handle: async (key) => void handled.push(key), log: quietLog })
    queue.add('a')
    await queue.stop()
    expect(handled).toEqual([])
    expect(queue.idle).toBe(true)
  })
})
