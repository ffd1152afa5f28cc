// Docker events the agent caused itself. A pod sync that starts a container observes the result
// in the same pass, so the `start` event Docker sends back would only queue a second, idle sync of
// the pod — on a node starting 10 pods at once, that doubles the Docker calls. Each expectation is
// consumed by the one event it predicts, and forgotten after a minute if the event never comes
// (a broken stream: the resync after it covers everything).

const EXPIRY_MS = 60_000

export class OwnEvents {
  readonly #expected = new Map<string, number>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  /** The agent is about to cause `action` on container `id`. */
  expect(id: string, action: string): void {
    this.#prune()
    this.#expected.set(`${action} ${id}`, this.#now() + EXPIRY_MS)
  }

  /** The action failed: no event will come. */
  forget(id: string, action: string): void {
    this.#expected.delete(`${action} ${id}`)
  }

  /** True (once) when the event was expected: the caller ignores it. */
  consume(id: string, action: string): boolean {
    const key = `${action} ${id}`
    const until = this.#expected.get(key)
    if (until === undefined) return false
    this.#expected.delete(key)
    return until >= this.#now()
  }

  get size(): number {
    return this.#expected.size
  }

  #prune(): void {
    if (this.#expected.size < 256) return
    const now = this.#now()
    for (const [key, until] of this.#expected) if (until < now) this.#expected.delete(key)
  }
}
