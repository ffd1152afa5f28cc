// The kubelet's back-off for restarting crashed containers and retrying failed image pulls
// (client-go's flowcontrol.Backoff as the kubelet uses it): the first retry is immediate, then
// 10 s, doubling to 5 min; an entry idle for twice the maximum starts over.
//
//   crash at t0 → not backing off → retry now, entry = 10 s from t0
//   crash at t1 → backing off until t1 + 10 s → retry then, entry = 20 s from t1 …

export interface KeyedBackoffOptions {
  initialMs?: number
  maxMs?: number
  now?: () => number
}

interface Entry {
  backoffMs: number
  /** The event (a container's exit, a failed pull) the back-off was last counted from. */
  lastUpdate: number
}

export class KeyedBackoff {
  readonly #initialMs: number
  readonly #maxMs: number
  readonly #now: () => number
  readonly #entries = new Map<string, Entry>()

  constructor(options: KeyedBackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 10_000
    this.#maxMs = options.maxMs ?? 300_000
    this.#now = options.now ?? Date.now
  }

  /** How long `key` must still wait after an event at `eventMs` (0: go ahead). IsInBackOffSince. */
  remaining(key: string, eventMs: number): number {
    const entry = this.#entries.get(key)
    if (!entry || this.#expired(eventMs, entry)) return 0
    return Math.max(0, entry.backoffMs - (this.#now() - eventMs))
  }

  /** How long `key` must still wait counted from its last event (IsInBackOffSinceUpdate): image pulls. */
  remainingSinceUpdate(key: string): number {
    const entry = this.#entries.get(key)
    if (!entry) return 0
    return Math.max(0, entry.backoffMs - (this.#now() - entry.lastUpdate))
  }

  /** Counts one more event at `eventMs`: the next wait doubles (or starts at the initial delay). */
  next(key: string, eventMs: number): void {
    const entry = this.#entries.get(key)
    if (!entry || this.#expired(eventMs, entry)) {
      this.#entries.set(key, { backoffMs: this.#initialMs, lastUpdate: eventMs })
      return
    }
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.#maxMs)
    entry.lastUpdate = eventMs
  }

  /** The current delay of `key` (for messages: "back-off 20s restarting …"). */
  delayOf(key: string): number {
    return this.#entries.get(key)?.backoffMs ?? this.#initialMs
  }

  /** Forgets every key starting with `prefix` (a pod's keys, when the pod goes). */
  forgetPrefix(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key)
  }

  #expired(eventMs: number, entry: Entry): boolean {
    return eventMs - entry.lastUpdate > 2 * this.#maxMs
  }
}
