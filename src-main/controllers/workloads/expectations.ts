// "Expectations", as Kubernetes' controllers keep them: after a controller asks for N creates and
// M deletes for one owner, it does not act for that owner again until its informer has shown it
// all of them (or they have been given up on), so a sync never acts twice on the same stale view.
// Deletions are tracked by pod key, so a delete observed twice (a graceful delete's update, then
// the removal) is counted once. Expectations expire, so a lost event cannot stall an owner.

/** How long an unmet expectation holds before the owner is synced anyway (client-go: 5 minutes). */
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000

interface Expectation {
  adds: number
  deletes: Set<string>
  setAtMs: number
}

export class Expectations {
  private readonly byOwner = new Map<string, Expectation>()
  private readonly nowMs: () => number
  private readonly ttlMs: number

  constructor(nowMs: () => number = Date.now, ttlMs = EXPECTATIONS_TTL_MS) {
    this.nowMs = nowMs
    this.ttlMs = ttlMs
  }

  /** True when the owner may act: nothing expected, all observed, or the expectation expired. */
  satisfied(owner: string): boolean {
    const e = this.byOwner.get(owner)
    if (!e) return true
    if ((e.adds <= 0 && e.deletes.size === 0) || this.nowMs() - e.setAtMs > this.ttlMs) {
      this.byOwner.delete(owner)
      return true
    }
    return false
  }

  /** Records that `count` creates are about to be sent. */
  expectCreations(owner: string, count: number): void {
    const e = this.entry(owner)
    e.adds += count
  }

  /** Records that these pods (by key) are about to be deleted. */
  expectDeletions(owner: string, podKeys: readonly string[]): void {
    const e = this.entry(owner)
    for (const key of podKeys) e.deletes.add(key)
  }

  /** A create was observed (informer add) — or will never come (the create failed). */
  creationObserved(owner: string): void {
    const e = this.byOwner.get(owner)
    if (e) e.adds--
  }

  /** A delete was observed (deletionTimestamp set or object gone) — or will never come. */
  deletionObserved(owner: string, podKey: string): void {
    this.byOwner.get(owner)?.deletes.delete(podKey)
  }

  /** The owner is gone: forget what it expected. */
  forget(owner: string): void {
    this.byOwner.delete(owner)
  }

  private entry(owner: string): Expectation {
    let e = this.byOwner.get(owner)
    if (!e) this.byOwner.set(owner, (e = { adds: 0, deletes: new Set(), setAtMs: this.nowMs() }))
    e.setAtMs = this.nowMs()
    return e
  }
}
