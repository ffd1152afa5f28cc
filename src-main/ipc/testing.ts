// Fakes for the IPC door's tests: an ApiWatch fed by hand, an API server that records its calls,
// and stand-ins for Electron's webContents and ipcMain with only the members the door uses.

import { EventEmitter } from 'node:events'
import type { ApiServerVerbs, ApiWatch, ApiWatchEvent } from '../apiserver/types.ts'
import type { KubeObject } from '../api/types/meta.ts'
import type { IpcInvokeEvent, IpcMainLike, IpcSender } from './register.ts'

/** An ApiWatch whose events, end and failure the test decides. */
export class FakeWatch implements ApiWatch {
  stopped = false
  private readonly queue: (IteratorResult<ApiWatchEvent> | { error: unknown })[] = []
  private waiting: { resolve: (r: IteratorResult<ApiWatchEvent>) => void; reject: (e: unknown) => void } | null = null

  emit(event: ApiWatchEvent): void {
    this.deliver({ value: event, done: false })
  }

  end(): void {
    this.deliver({ value: undefined, done: true })
  }

  fail(error: unknown): void {
    this.deliver({ error })
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.deliver({ value: undefined, done: true })
  }

  next(): Promise<IteratorResult<ApiWatchEvent>> {
    const item = this.queue.shift()
    if (item) return 'error' in item ? Promise.reject(item.error) : Promise.resolve(item)
    if (this.stopped) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }))
  }

  return(): Promise<IteratorResult<ApiWatchEvent>> {
    this.stop()
    return Promise.resolve({ value: undefined, done: true })
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  private deliver(item: IteratorResult<ApiWatchEvent> | { error: unknown }): void {
    const waiting = this.waiting
    if (!waiting) {
      this.queue.push(item)
      return
    }
    this.waiting = null
    if ('error' in item) waiting.reject(item.error)
    else waiting.resolve(item)
  }
}

export interface RecordedCall {
  verb: keyof ApiServerVerbs
  args: unknown[]
}

/**
 * An API server that records every call and answers from `answers` (a value, or a function of
 * the call's arguments; throwing rejects). Watches are FakeWatches, kept in `watches`.
 */
export function recordingApi(answers: Partial<Record<keyof ApiServerVerbs, unknown>> = {}): { api: ApiServerVerbs; calls: RecordedCall[]; watches: FakeWatch[] } {
  const calls: RecordedCall[] = []
  const watches: FakeWatch[] = []
  const answer = async (verb: keyof ApiServerVerbs, args: unknown[]): Promise<unknown> => {
    calls.push({ verb, args })
    const given = answers[verb]
    return typeof given === 'function' ? (given as (...a: unknown[]) => unknown)(...args) : given
  }
  const api: ApiServerVerbs = {
    create: (...args) => answer('create', args) as never,
    get: (...args) => answer('get', args) as never,
    list: (...args) => answer('list', args) as never,
    update: (...args) => answer('update', args) as never,
    patch: (...args) => answer('patch', args) as never,
    delete: (...args) => answer('delete', args) as never,
    deleteCollection: (...args) => answer('deleteCollection', args) as never,
    watch: async (...args) => {
      await answer('watch', args)
      const watch = new FakeWatch()
      watches.push(watch)
      return watch
    },
  }
  return { api, calls, watches }
}

/** A webContents: an id, what was sent to it, and the lifecycle events the door listens to. */
export class FakeSender extends EventEmitter implements IpcSender {
  private static nextId = 1
  readonly id = FakeSender.nextId++
  readonly sent: { channel: string; payload: unknown }[] = []
  destroyed = false

  isDestroyed(): boolean {
    return this.destroyed
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed')
    // What crosses IPC is a structured clone, never the object itself.
    const payload = structuredClone(args[0])
    this.sent.push({ channel, payload })
    // For a renderer side in the same test: `sender.on('send:api:watch-event', listener)`.
    this.emit(`send:${channel}`, payload)
  }

  destroy(): void {
    this.destroyed = true
    this.emit('destroyed')
  }

  /** Pushes sent on `channel`, payloads only. */
  pushes(channel = 'api:watch-event'): unknown[] {
    return this.sent.filter((s) => s.channel === channel).map((s) => s.payload)
  }
}

/** ipcMain: handlers by channel, and `invoke` to call one as a frame at `url` would. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcInvokeEvent, request: unknown) => Promise<unknown>>()

  handle(channel: string, listener: (event: IpcInvokeEvent, request: unknown) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }

  invoke(sender: FakeSender, channel: string, request: unknown, frame: { url: string; parent: unknown } | null): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    // Requests, like replies, cross IPC as structured clones.
    return handler({ sender, senderFrame: frame }, structuredClone(request))
  }
}

export const configMap = (name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', ...extra },
})
