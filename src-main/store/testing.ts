// Test helpers for code that uses a Store: object builders and a way to read a watch with a time limit.

import { randomUUID } from 'node:crypto'
import type { KubeObject, WatchEvent } from './types.ts'

export class ObjectBuilder {
  private readonly object: KubeObject

  constructor(apiVersion: string, kind: string, name: string) {
    this.object = { apiVersion, kind, metadata: { name, uid: randomUUID() } }
  }

  inNamespace(namespace: string): this {
    this.object.metadata.namespace = namespace
    return this
  }

  clusterScoped(): this {
    delete this.object.metadata.namespace
    return this
  }

  withUid(uid: string): this {
    this.object.metadata.uid = uid
    return this
  }

  withLabels(labels: Record<string, string>): this {
    this.object.metadata.labels = { ...labels }
    return this
  }

  with(field: string, value: unknown): this {
    this.object[field] = value
    return this
  }

  obj(): KubeObject {
    return structuredClone(this.object)
  }
}

export function makePod(name: string): ObjectBuilder {
  return new ObjectBuilder('v1', 'Pod', name).inNamespace('default').with('spec', { containers: [{ name: 'app', image: 'busybox' }] })
}

export function makeNode(name: string): ObjectBuilder {
  return new ObjectBuilder('v1', 'Node', name)
}

export function makeDeployment(name: string): ObjectBuilder {
  return new ObjectBuilder('apps/v1', 'Deployment', name).inNamespace('default').with('spec', { replicas: 1 })
}

/** The object of a change event; throws for a bookmark or a missing event. */
export function changed(event: WatchEvent | undefined): KubeObject {
  if (!event || event.type === 'BOOKMARK') throw new Error(`expected a change event, got ${event?.type ?? 'none'}`)
  return event.object
}

/** Events as `TYPE name revision` lines (`BOOKMARK revision` for bookmarks), for compact assertions. */
export function summary(events: WatchEvent[]): string[] {
  return events.map((e) => (e.type === 'BOOKMARK' ? `BOOKMARK ${e.revision}` : `${e.type} ${e.object.metadata.name} ${e.revision}`))
}

/**
 * Reads a watch in the background into `events`, so tests can wait for what they expect and then
 * look at everything that arrived (including what should not have). Any async iterable of events
 * with a `stop()`: the store's watches and the API server's alike.
 */
export class WatchRecorder<E = WatchEvent> {
  readonly events: E[] = []
  /** What the watch threw, if it did. */
  error: unknown = undefined
  ended = false
  readonly watch: AsyncIterableIterator<E> & { stop(): void }
  private readonly listeners = new Set<() => void>()

  constructor(watch: AsyncIterableIterator<E> & { stop(): void }) {
    this.watch = watch
    void this.drain()
  }

  /** Resolves with the first `count` events; rejects if they have not all arrived within `timeoutMs`. */
  waitFor(count: number, timeoutMs = 2000): Promise<E[]> {
    return this.until(() => this.events.length >= count, `${count} events`, timeoutMs).then(() => this.events.slice(0, count))
  }

  /** Resolves when the watch has ended (normally or with an error). */
  waitForEnd(timeoutMs = 2000): Promise<void> {
    return this.until(() => this.ended, 'the end of the watch', timeoutMs)
  }

  stop(): void {
    this.watch.stop()
  }

  /** One line per event for failure messages; subclasses say more. */
  protected describe(): string {
    return `${this.events.length} events`
  }

  private until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (condition()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (condition()) {
          cleanup()
          resolve()
        } else if (this.ended) {
          cleanup()
          reject(new Error(`watch ended (${String(this.error ?? 'normally')}) after ${this.describe()}, waiting for ${what}`))
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`waited ${timeoutMs} ms for ${what}; got ${this.describe()}`))
      }, timeoutMs)
      const cleanup = (): void => {
        clearTimeout(timer)
        this.listeners.delete(check)
      }
      this.listeners.add(check)
    })
  }

  private async drain(): Promise<void> {
    try {
      for await (const event of this.watch) {
        this.events.push(event)
        for (const listener of [...this.listeners]) listener()
      }
    } catch (err) {
      this.error = err
    }
    this.ended = true
    for (const listener of [...this.listeners]) listener()
  }
}

/** Lets timers and pending I/O run, so "nothing arrived" means something. */
export function settle(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
