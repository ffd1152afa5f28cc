// Exponential backoff with jitter, for reconnecting to a node: quick first retries (a link that
// comes back is picked up fast), a low ceiling (an agentless retry is one TCP SYN), and jitter so
// many nodes lost at once do not retry in lockstep.

export interface BackoffOptions {
  initialMs: number
  maxMs: number
  factor: number
  /** Fraction of each delay that is random: the delay is uniform in [d × (1 − jitter), d]. */
  jitter: number
}

export const defaultBackoff: BackoffOptions = { initialMs: 200, maxMs: 5000, factor: 2, jitter: 0.3 }

export class Backoff {
  readonly #options: BackoffOptions
  readonly #random: () => number
  #attempt = 0

  constructor(options: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    this.#options = { ...defaultBackoff, ...options }
    this.#random = random
  }

  /** Failures since the last reset. */
  get attempt(): number {
    return this.#attempt
  }

  /** The delay before the next retry; each call counts one more failure. */
  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.#options
    const ceiling = Math.min(maxMs, initialMs * factor ** this.#attempt)
    this.#attempt++
    return Math.round(ceiling * (1 - jitter * this.#random()))
  }

  reset(): void {
    this.#attempt = 0
  }
}
