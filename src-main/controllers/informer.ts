// Shared informers: one list-watch per resource feeding a read-only cache that every controller,
// the scheduler and the proxy read, with event handlers, secondary indexes and a periodic resync.
// As client-go's: handlers see the object after the cache holds it; cached objects are shared and
// frozen in spirit — never mutate one, clone first (structuredClone) before building a write.
//
//   factory.informer(PODS) ─▶ ListWatch ─▶ cache (key ns/name) + indexes ─▶ handlers (add/update/delete)
//                                                      ▲
//                                       resync timer: update(obj, obj) for every cached object

import type { KubeObject } from '../api/types/meta.ts'
import type { ApiServerVerbs, ListOptions, RequestContext, ResourceRef } from '../apiserver/types.ts'
import type { Logger } from '../util/log.ts'
import { ListWatch, type ChangeType } from './list-watch.ts'

export interface InformerHandlers<T extends KubeObject> {
  add?(object: T): void
  /** `previous` is the cached object before the change; on a resync both are the same object. */
  update?(previous: T, current: T): void
  /** `object` is the last state known (the watch's DELETED event, or the cache's on a relist). */
  delete?(object: T): void
}

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones (client-go's MetaNamespaceKey). */
export function objectKey(object: KubeObject): string {
  const { namespace, name = '' } = object.metadata
  return namespace ? `${namespace}/${name}` : name
}

/** Splits a key made by objectKey. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/')
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) }
}

/** Values an object is filed under in an index (e.g. its node name, its owner's UID). */
export type IndexFunction<T extends KubeObject> = (object: T) => readonly string[]

export interface InformerOptions {
  api: ApiServerVerbs
  ref: ResourceRef
  ctx: RequestContext
  log: Logger
  selectors?: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>
  /** Every this often each handler's update() sees every cached object again. 0 or unset: never. */
  resyncMs?: number
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>()
  private readonly handlers: InformerHandlers<T>[] = []
  private readonly indexers = new Map<string, IndexFunction<T>>()
  private readonly indexes = new Map<string, Map<string, Set<string>>>()
  private readonly listWatch: ListWatch
  private readonly resyncMs: number
  private readonly log: Logger
  private resyncTimer: NodeJS.Timeout | null = null
  private started = false

  constructor(options: InformerOptions) {
    this.log = options.log
    this.resyncMs = options.resyncMs ?? 0
    this.listWatch = new ListWatch({
      api: options.api,
      ref: options.ref,
      ctx: options.ctx,
      log: options.log,
      ...(options.selectors ? { selectors: options.selectors } : {}),
      handlers: {
        replace: (objects) => this.replace(objects as T[]),
        change: (type, object) => this.change(type, object as T),
      },
    })
  }

  /** Resolves once the first list is in the cache (and its handlers have run). */
  get synced(): Promise<void> {
    return this.listWatch.synced
  }

  /** Registers handlers; objects already cached are replayed to them as adds. */
  addHandlers(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers)
    for (const object of this.cache.values()) this.call(handlers, 'add', object)
  }

  /** Adds a named secondary index; objects already cached are indexed at once. */
  addIndex(name: string, index: IndexFunction<T>): void {
    if (this.indexers.has(name)) return
    this.indexers.set(name, index)
    this.indexes.set(name, new Map())
    for (const [key, object] of this.cache) this.indexOne(name, key, object)
  }

  /** Starts the list-watch (idempotent). */
  start(): void {
    if (this.started) return
    this.started = true
    this.listWatch.start()
    if (this.resyncMs > 0) {
      this.resyncTimer = setInterval(() => {
        for (const object of this.cache.values()) for (const h of this.handlers) this.call(h, 'update', object, object)
      }, this.resyncMs)
      this.resyncTimer.unref()
    }
  }

  async stop(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer)
    this.resyncTimer = null
    await this.listWatch.stop()
  }

  /** The cached object with this key (objectKey), if any. Do not mutate it. */
  get(key: string): T | undefined {
    return this.cache.get(key)
  }

  /** Every cached object, or those of one namespace. Do not mutate them. */
  list(namespace?: string): T[] {
    const all = [...this.cache.values()]
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace)
  }

  /** Cached objects filed under `value` in index `name`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.indexes.get(name)?.get(value)
    if (!keys) {
      if (!this.indexers.has(name)) throw new Error(`informer has no index "${name}"`)
      return []
    }
    return [...keys].map((k) => this.cache.get(k)).filter((o): o is T => o !== undefined)
  }

  get size(): number {
    return this.cache.size
  }

  private replace(objects: T[]): void {
    const seen = new Set<string>()
    for (const object of objects) {
      const key = objectKey(object)
      seen.add(key)
      this.upsert(key, object)
    }
    for (const [key, object] of [...this.cache]) {
      if (seen.has(key)) continue
      this.remove(key)
      for (const h of this.handlers) this.call(h, 'delete', object)
    }
  }

  private change(type: ChangeType, object: T): void {
    const key = objectKey(object)
    if (type === 'DELETED') {
      const known = this.cache.get(key)
      this.remove(key)
      for (const h of this.handlers) this.call(h, 'delete', known && known.metadata.uid !== object.metadata.uid ? known : object)
      return
    }
    this.upsert(key, object)
  }

  private upsert(key: string, object: T): void {
    const previous = this.cache.get(key)
    if (previous && previous.metadata.resourceVersion === object.metadata.resourceVersion) return
    this.unindex(key, previous)
    this.cache.set(key, object)
    for (const name of this.indexers.keys()) this.indexOne(name, key, object)
    for (const h of this.handlers) {
      if (previous) this.call(h, 'update', previous, object)
      else this.call(h, 'add', object)
    }
  }

  private remove(key: string): void {
    this.unindex(key, this.cache.get(key))
    this.cache.delete(key)
  }

  private indexOne(name: string, key: string, object: T): void {
    const index = this.indexes.get(name)
    const fn = this.indexers.get(name)
    if (!index || !fn) return
    for (const value of fn(object)) {
      let keys = index.get(value)
      if (!keys) index.set(value, (keys = new Set()))
      keys.add(key)
    }
  }

  private unindex(key: string, object: T | undefined): void {
    if (!object) return
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)
      if (!index) continue
      for (const value of fn(object)) {
        const keys = index.get(value)
        keys?.delete(key)
        if (keys?.size === 0) index.delete(value)
      }
    }
  }

  private call(handlers: InformerHandlers<T>, kind: 'add' | 'delete', object: T): void
  private call(handlers: InformerHandlers<T>, kind: 'update', previous: T, current: T): void
  private call(handlers: InformerHandlers<T>, kind: 'add' | 'update' | 'delete', a: T, b?: T): void {
    try {
      if (kind === 'add') handlers.add?.(a)
      else if (kind === 'update') handlers.update?.(a, b ?? a)
      else handlers.delete?.(a)
    } catch (err) {
      // A broken handler must not stop the cache or the other handlers.
      this.log.error('informer handler failed', { kind, object: objectKey(a), err })
    }
  }
}

/**
 * One informer per resource (and selector) for everything in the process that watches it, so the
 * API server streams each change once. Controllers get informers before start(); the factory
 * starts them all and waits for their first lists.
 */
export class InformerFactory {
  private readonly informers = new Map<string, Informer>()
  private readonly options: Omit<InformerOptions, 'ref' | 'selectors'>

  constructor(options: Omit<InformerOptions, 'ref' | 'selectors'>) {
    this.options = options
  }

  informer<T extends KubeObject = KubeObject>(ref: ResourceRef, selectors?: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>): Informer<T> {
    const id = `${ref.group}/${ref.version}/${ref.resource}/${ref.namespace ?? ''}?${selectors?.labelSelector ?? ''}&${selectors?.fieldSelector ?? ''}`
    let informer = this.informers.get(id)
    if (!informer) {
      informer = new Informer({ ...this.options, ref, ...(selectors ? { selectors } : {}) })
      this.informers.set(id, informer)
    }
    return informer as unknown as Informer<T>
  }

  /** Starts every informer made so far and waits until each has its first list. */
  async start(): Promise<void> {
    const all = [...this.informers.values()]
    for (const informer of all) informer.start()
    await Promise.all(all.map((i) => i.synced))
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()))
  }
}
