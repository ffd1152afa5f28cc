import { afterEach, describe, expect, it } from 'vitest'
import { eventually, quietLog } from '../../apiserver/testing.ts'
import { KeyedQueue, type KeyedQueueOptions } from './work-queue.ts'

/** A promise with its resolve function, to hold a handler until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {}
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

describe('KeyedQueue', () => {
  let queue: KeyedQueue | null = null
  const make = (options: Partial<KeyedQueueOptions> & Pick<KeyedQueueOptions, 'handle'>): KeyedQueue => {
    queue = new KeyedQueue({ concurrency: 2, log: quietLog, ...options })
    return queue
  }
  afterEach(async () => {
    await queue?.stop()
    queue = null
  })

  it('handles keys in arrival order, each once however often it was added while waiting', async () => {
    const handled: string[] = []
    const q = make({ concurrency: 1, handle: async (key) => void handled.push(key) })
    for (const key of ['a', 'b', 'a', 'c', 'b']) q.add(key)
    q.start()
    await eventually(() => q.idle, 'the queue to drain')
    expect(handled).toEqual(['a', 'b', 'c'])
  })

  it('handles up to `concurrency` keys at once, never one key twice at the same time', async () => {
    const running = new Map<string, number>()
    let peak = 0
    let overlap = false
    const gates = new Map<string, ReturnType<typeof gate>>()
    const q = make({
      concurrency: 2,
      handle: async (key) => {
        running.set(key, (running.get(key) ?? 0) + 1)
        if ((running.get(key) ?? 0) > 1) overlap = true
        peak = Math.max(peak, [...running.values()].reduce((a, b) => a + b, 0))
        const g = gate()
        gates.set(key, g)
        await g.promise
        running.set(key, (running.get(key) ?? 1) - 1)
      },
    })
    q.start()
    for (const key of ['a', 'b', 'c']) q.add(key)
    await eventually(() => gates.has('a') && gates.has('b'), 'a and b to be in hand')
    expect(gates.has('c')).toBe(false)
    q.add('a') // while a is in hand: comes back after it, not beside it
    gates.get('a')?.open()
    await eventually(() => gates.has('c'), 'c to start when a slot frees up')
    gates.get('b')?.open()
    gates.get('c')?.open()
    await eventually(() => q.active === 1, 'the second run of a')
    gates.get('a')?.open()
    await eventually(() => q.idle, 'the queue to drain')
    expect(peak).toBe(2)
    expect(overlap).toBe(false)
  })

  it('runs a key added while it is in hand once more afterwards', async () => {
    let runs = 0
    const first = gate()
    const q = make({
      handle: async () => {
        runs++
        if (runs === 1) await first.promise
      },
    })
    q.start()
    q.add('a')
    await eventually(() => runs === 1, 'the first run')
    q.add('a')
    q.add('a')
    first.open()
    await eventually(() => q.idle, 'the queue to drain')
    expect(runs).toBe(2)
  })

  it('retries a failing key after a growing delay, and starts over after a success', async () => {
    const attempts: number[] = []
    const q = make({
      baseDelayMs: 10,
      handle: async () => {
        attempts.push(Date.now())
        if (attempts.length < 3) throw new Error('not yet')
      },
    })
    q.start()
    q.add('flaky')
    await eventually(() => attempts.length === 3 && q.idle, 'three attempts')
    const [a = 0, b = 0, c = 0] = attempts
    expect(b - a).toBeGreaterThanOrEqual(9)
    expect(c - b).toBeGreaterThanOrEqual(19)
  })

  it('looks at a key again when its handler asks for it', async () => {
    let runs = 0
    const q = make({ handle: async () => (++runs === 1 ? { requeueAfterMs: 20 } : undefined) })
    q.start()
    q.add('later')
    await eventually(() => runs === 2, 'the requested second look')
  })

  it('lets an add() overtake a pending delayed retry', async () => {
    let runs = 0
    const q = make({ handle: async () => (++runs === 1 ? { requeueAfterMs: 60_000 } : undefined) })
    q.start()
    q.add('k')
    await eventually(() => runs === 1 && !q.idle, 'the delayed retry to be pending')
    q.add('k')
    await eventually(() => runs === 2 && q.idle, 'the immediate run')
  })

  it('stops taking keys on stop and waits for the handlers in hand', async () => {
    const g = gate()
    let finished = false
    const handled: string[] = []
    const q = make({
      concurrency: 1,
      handle: async (key) => {
        handled.push(key)
        await g.promise
        finished = true
      },
    })
    q.start()
    q.add('a')
    q.add('b')
    await eventually(() => handled.length === 1, 'a in hand')
    const stopped = q.stop()
    g.open()
    await stopped
    expect(finished).toBe(true)
    expect(handled).toEqual(['a'])
  })
})
