// The scheduling queue, as Kubernetes' PriorityQueue without priorities (Coxswain refuses priority
// classes, so every pod has priority 0 and the order is first come, first served):
//
//   add ─▶ active ─pop─▶ cycle ─┬─ bound ───────────────▶ done
//                ▲              ├─ fits nowhere ─▶ unschedulable ─(cluster event, or 5 min)─┐
//                │              └─ error ─▶ backoff ─(timer)─┐                              │
//                └───────────────────────────────────────────┴─────── (or backoff if early) ┘
//
// A pod that failed waits out its backoff (1 s doubling to 10 s) before it is tried again, even
// when a cluster event wakes it, so a flapping node cannot make the scheduler spin.

import type { Pod } from '../api/index.ts'

export interface QueuedPod {
  key: string
  pod: Pod
  /** Scheduling attempts that failed so far. */
  attempts: number
  /** When the last attempt failed (ms), for backoff. */
  lastFailureMs: number
  /** When it became unschedulable (ms). */
  unschedulableSinceMs: number
  /** The plugins that refused it last time (decides which cluster events wake it). */
  rejectedBy: ReadonlySet<string>
}

export interface SchedulingQueueOptions {
  /** Called when the active queue goes from empty to non-empty. */
  onActive: () => void
  now?: () => number
  initialBackoffMs?: number
  maxBackoffMs?: number
  /** Unschedulable pods are retried after this long even without a cluster event. Default 5 min. */
  unschedulableTimeoutMs?: number
}

export class SchedulingQueue {
  private readonly active = new Map<string, QueuedPod>()
  private readonly backoff = new Map<string, { entry: QueuedPod; timer: NodeJS.Timeout }>()
  private readonly unschedulable = new Map<string, QueuedPod>()
  private readonly options: Required<Omit<SchedulingQueueOptions, 'onActive' | 'now'>> & Pick<SchedulingQueueOptions, 'onActive'>
  private readonly now: () => number
  private flushTimer: NodeJS.Timeout | null = null
  private closed = false

  constructor(options: SchedulingQueueOptions) {
    this.options = {
      onActive: options.onActive,
      initialBackoffMs: options.initialBackoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 10_000,
      unschedulableTimeoutMs: options.unschedulableTimeoutMs ?? 5 * 60_000,
    }
    this.now = options.now ?? Date.now
  }

  /** Starts the leftover flush (every 30 s, as Kubernetes). */
  start(): void {
    this.flushTimer = setInterval(() => this.flushLeftovers(), 30_000)
    this.flushTimer.unref()
  }

  close(): void {
    this.closed = true
    if (this.flushTimer) clearInterval(this.flushTimer)
    for (const { timer } of this.backoff.values()) clearTimeout(timer)
    this.backoff.clear()
    this.active.clear()
    this.unschedulable.clear()
  }

  get size(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size }
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key)
  }

  /** A new unscheduled pod, or a newer version of one: an update may have made it schedulable. */
  addOrUpdate(key: string, pod: Pod): void {
    if (this.closed) return
    const queued = this.active.get(key)
    if (queued) {
      queued.pod = pod
      return
    }
    const waiting = this.backoff.get(key)
    if (waiting) {
      waiting.entry.pod = pod
      return
    }
    const parked = this.unschedulable.get(key)
    if (parked) {
      this.unschedulable.delete(key)
      parked.pod = pod
      this.activateOrBackoff(parked)
      return
    }
    this.toActive({ key, pod, attempts: 0, lastFailureMs: 0, unschedulableSinceMs: 0, rejectedBy: new Set() })
  }

  delete(key: string): void {
    this.active.delete(key)
    this.unschedulable.delete(key)
    const waiting = this.backoff.get(key)
    if (waiting) clearTimeout(waiting.timer)
    this.backoff.delete(key)
  }

  /** The next pod to schedule, or undefined. */
  pop(): QueuedPod | undefined {
    const first = this.active.values().next()
    if (first.done) return undefined
    this.active.delete(first.value.key)
    return first.value
  }

  /** After a cycle found no node: park until the cluster changes in a way that may help (see moveUnschedulable). */
  parkUnschedulable(entry: QueuedPod, rejectedBy: ReadonlySet<string> = new Set()): void {
    if (this.closed) return
    entry.rejectedBy = rejectedBy
    entry.attempts++
    entry.lastFailureMs = this.now()
    entry.unschedulableSinceMs = entry.lastFailureMs
    this.unschedulable.set(entry.key, entry)
  }

  /** After an error (binding failed, API refused): retry after the backoff. */
  retryAfterBackoff(entry: QueuedPod): void {
    if (this.closed) return
    entry.attempts++
    entry.lastFailureMs = this.now()
    this.activateOrBackoff(entry)
  }

  /** Something changed: the parked pods it may help go back (or to backoff if early); all of them without `helps`. */
  moveUnschedulable(helps: (entry: QueuedPod) => boolean = () => true): void {
    for (const entry of [...this.unschedulable.values()]) {
      if (!helps(entry)) continue
      this.unschedulable.delete(entry.key)
      this.activateOrBackoff(entry)
    }
  }

  backoffMs(attempts: number): number {
    if (attempts <= 0) return 0
    return Math.min(this.options.initialBackoffMs * 2 ** (attempts - 1), this.options.maxBackoffMs)
  }

  private activateOrBackoff(entry: QueuedPod): void {
    const remaining = entry.lastFailureMs + this.backoffMs(entry.attempts) - this.now()
    if (remaining <= 0) {
      this.toActive(entry)
      return
    }
    const timer = setTimeout(() => {
      this.backoff.delete(entry.key)
      this.toActive(entry)
    }, remaining)
    timer.unref()
    this.backoff.set(entry.key, { entry, timer })
  }

  private toActive(entry: QueuedPod): void {
    if (this.closed) return
    const wasEmpty = this.active.size === 0
    this.active.set(entry.key, entry)
    if (wasEmpty) this.options.onActive()
  }

  private flushLeftovers(): void {
    const now = this.now()
    for (const entry of [...this.unschedulable.values()]) {
      if (now - entry.unschedulableSinceMs < this.options.unschedulableTimeoutMs) continue
      this.unschedulable.delete(entry.key)
      this.activateOrBackoff(entry)
    }
  }
}
