// A small work queue for controllers until the shared informer machinery arrives: keys are
// deduplicated while they wait, one worker handles them in order, and a key whose handler fails
// comes back after a growing delay. Level-triggered: handling a key reads the current state, so
// enqueueing it again is always safe.

import type { Logger } from '../util/log.ts'

export interface RetryQueueOptions {
  /** Handles one key; throwing schedules a retry. Never called concurrently. */
  handle(key: string): Promise<void>
  log: Logger
  /** First retry delay; doubles per consecutive failure of the same key. Default 100 ms. */
  baseDelayMs?: number
  /** Longest retry delay. Default 10 s. */
  maxDelayMs?: number
}

export class RetryQueue {
  private readonly options: RetryQueueOptions
  private readonly waiting = new Set<string>()
  private readonly failures = new Map<string, number>()
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; dueMs: number }>()
  private wake: (() => void) | null = null
  private running = false
  private worker: Promise<void> | null = null
  private busy = false

  constructor(options: RetryQueueOptions) {
    this.options = options
  }

  /** Queues `key` (once, however often it is added before it is handled). */
  add(key: string): void {
    if (this.waiting.has(key)) return
    this.waiting.add(key)
    this.wake?.()
  }

  /** Queues `key` after `delayMs`, unless it is already due sooner. */
  addAfter(key: string, delayMs: number): void {
    if (!this.running) return
    const dueMs = Date.now() + delayMs
    const pending = this.timers.get(key)
    if (pending) {
      if (pending.dueMs <= dueMs) return
      clearTimeout(pending.timer)
    }
    const timer = setTimeout(() => {
      this.timers.delete(key)
      this.add(key)
    }, delayMs)
    this.timers.set(key, { timer, dueMs })
  }

  /** Starts the worker. Keys added before start wait for it. */
  start(): void {
    if (this.running) return
    this.running = true
    this.worker = this.work()
  }

  /** Stops the worker after the key in hand, and drops what waits. */
  async stop(): Promise<void> {
    this.running = false
    for (const { timer } of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.waiting.clear()
    this.wake?.()
    await this.worker
  }

  /** Nothing waiting, nothing in hand, no retry pending. */
  get idle(): boolean {
    return this.waiting.size === 0 && !this.busy && this.timers.size === 0
  }

  private async work(): Promise<void> {
    while (this.running) {
      const key = this.waiting.values().next().value
      if (key === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve))
        this.wake = null
        continue
      }
      this.waiting.delete(key)
      this.busy = true
      try {
        await this.options.handle(key)
        this.failures.delete(key)
      } catch (err) {
        const failures = (this.failures.get(key) ?? 0) + 1
        this.failures.set(key, failures)
        const delay = Math.min((this.options.baseDelayMs ?? 100) * 2 ** (failures - 1), this.options.maxDelayMs ?? 10_000)
        this.options.log.warn('sync failed; will retry', { key, failures, retryInMs: delay, err })
        this.addAfter(key, delay)
      } finally {
        this.busy = false
      }
    }
  }
}
