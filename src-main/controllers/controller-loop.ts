// The lifecycle every controller here shares: list-watches feed a retry queue, and work starts
// only once every list-watch has listed, so no decision is made on a partial cache. Stopping ends
// the watches first, so nothing is queued after the queue stops.

import type { ListWatch } from './list-watch.ts'
import type { RetryQueue } from './queue.ts'

export class ControllerLoop {
  private readonly queue: RetryQueue
  private readonly watches: ListWatch[]

  constructor(queue: RetryQueue, watches: ListWatch[] = []) {
    this.queue = queue
    this.watches = watches
  }

  /** Adds a watch before `start()`. */
  add(watch: ListWatch): void {
    this.watches.push(watch)
  }

  async start(): Promise<void> {
    for (const watch of this.watches) watch.start()
    await Promise.all(this.watches.map((w) => w.synced))
    this.queue.start()
  }

  async stop(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.stop()))
    await this.queue.stop()
  }

  get idle(): boolean {
    return this.queue.idle
  }
}
