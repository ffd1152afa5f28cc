// The pod work queue: keys (pod UIDs) wait in order, several are handled at once up to a limit, and
// one key is never handled twice at the same time — a key added while it is being handled is
// handled again right after (client-go's workqueue: dirty + processing sets). A handler that
// throws has its key retried after a per-key exponential delay; one that asks for a later look
// (`requeueAfterMs`, e.g. a crash-loop back-off) gets it. Level-triggered: handling a key reads the
// current state, so adding it again is always safe.

import type { Logger } from '../../util/log.ts'

/** What a handler may ask for besides success: another look after a while. */
export interface HandleResult {
  requeueAfterMs?: number
}

export interface KeyedQueueOptions {
  /** Handles one key. Never called concurrently for the same key. */
  handle(key: string): Promise<HandleResult | undefined> | Promise<void>
  /** Keys handled at once, at most. */
  concurrency: number
  log: Logger
  /** First retry delay after a failure; doubles per consecutive failure of the key. Default 200 ms. */
  baseDelayMs?: number
  /** Longest retry delay. Default 30 s. */
  maxDelayMs?: number
}

export class KeyedQueue {
  readonly #options: KeyedQueueOptions
  /** Waiting keys in arrival order; never one being handled. */
  readonly #waiting = new Set<string>()
  readonly #processing = new Set<string>()
  /** Added while being handled: handled again once the current run ends. */
  readonly #dirty = new Set<string>()
  readonly #failures = new Map<string, number>()
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; dueAt: number }>()
  readonly #inFlight = new Set<Promise<void>>()
  #running = false

  constructor(options: KeyedQueueOptions) {
    if (!(options.concurrency >= 1)) throw new Error(`queue concurrency must be at least 1, got ${options.concurrency}`)
    this.#options = options
  }

  /** Queues `key` now (once, however often it is added before it is handled). */
  add(key: string): void {
    const pending = this.#timers.get(key)
    if (pending) {
      clearTimeout(pending.timer)
      this.#timers.delete(key)
    }
    if (this.#processing.has(key)) this.#dirty.add(key)
    else this.#waiting.add(key)
    this.#pump()
  }

  /** Queues `key` after `delayMs`, unless it is already due sooner. */
  addAfter(key: string, delayMs: number): void {
    if (!this.#running) return
    const dueAt = Date.now() + delayMs
    const pending = this.#timers.get(key)
    if (pending && pending.dueAt <= dueAt) return
    if (pending) clearTimeout(pending.timer)
    const timer = setTimeout(() => {
      this.#timers.delete(key)
      this.add(key)
    }, delayMs)
    this.#timers.set(key, { timer, dueAt })
  }

  /** Forgets the failures counted for `key` (its next failure retries after the base delay). */
  forget(key: string): void {
    this.#failures.delete(key)
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#pump()
  }

  /** Stops taking keys, drops what waits, and resolves once the handlers in flight are done. */
  async stop(): Promise<void> {
    this.#running = false
    for (const { timer } of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
    this.#waiting.clear()
    this.#dirty.clear()
    await Promise.allSettled([...this.#inFlight])
  }

  /** Nothing waiting, nothing in hand, no retry pending. */
  get idle(): boolean {
    return this.#waiting.size === 0 && this.#processing.size === 0 && this.#timers.size === 0
  }

  /** Keys being handled right now. */
  /** True while `key` is being handled. */
  inHand(key: string): boolean {
    return this.#processing.has(key)
  }

  get active(): number {
    return this.#processing.size
  }

  #pump(): void {
    while (this.#running && this.#processing.size < this.#options.concurrency) {
      const key = this.#waiting.values().next().value
      if (key === undefined) return
      this.#waiting.delete(key)
      this.#processing.add(key)
      const run = this.#run(key)
      this.#inFlight.add(run)
      void run.finally(() => this.#inFlight.delete(run))
    }
  }

  async #run(key: string): Promise<void> {
    try {
      const result = (await this.#options.handle(key)) as HandleResult | undefined
      this.#failures.delete(key)
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, Math.max(0, result.requeueAfterMs))
    } catch (err) {
      const failures = (this.#failures.get(key) ?? 0) + 1
      this.#failures.set(key, failures)
      const delay = Math.min((this.#options.baseDelayMs ?? 200) * 2 ** (failures - 1), this.#options.maxDelayMs ?? 30_000)
      this.#options.log.warn('sync failed; will retry', { key, failures, retryInMs: delay, err })
      this.addAfter(key, delay)
    } finally {
      this.#processing.delete(key)
      if (this.#dirty.delete(key) && this.#running) this.#waiting.add(key)
      this.#pump()
    }
  }
}
