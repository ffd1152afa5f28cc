// List-then-watch for one resource through the API server, for controllers until shared informers
// arrive: list, hand every object over, watch from the list's resourceVersion, hand every change
// over; relist when the watch ends (a 410 from a compacted history, a timeout) until stopped.

import type { KubeObject, Status } from '../api/index.ts'
import type { ApiServerVerbs, ApiWatch, ListOptions, RequestContext, ResourceRef } from '../apiserver/types.ts'
import type { Logger } from '../util/log.ts'

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface ListWatchHandlers {
  /** A (re)list: every object that exists now. Objects missing from it are gone. */
  replace(objects: KubeObject[]): void
  change(type: ChangeType, object: KubeObject): void
}

export interface ListWatchOptions {
  api: ApiServerVerbs
  ref: ResourceRef
  ctx: RequestContext
  handlers: ListWatchHandlers
  log: Logger
  /** Label and field selectors for both the list and the watch (`spec.nodeName=node-1`). */
  selectors?: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>
  /** Pause before relisting after a failure. Default 500 ms. */
  retryDelayMs?: number
}

export class ListWatch {
  private readonly options: ListWatchOptions
  private watch: ApiWatch | null = null
  private stopped = false
  private loop: Promise<void> | null = null
  private resolveSynced: (() => void) | null = null
  private retryTimer: { timer: NodeJS.Timeout; resolve: () => void } | null = null
  /** Resolves after the first list has been handed over. */
  readonly synced: Promise<void>

  constructor(options: ListWatchOptions) {
    this.options = options
    this.synced = new Promise((resolve) => (this.resolveSynced = resolve))
  }

  start(): void {
    this.loop ??= this.run()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.watch?.stop()
    if (this.retryTimer) {
      clearTimeout(this.retryTimer.timer)
      this.retryTimer.resolve()
    }
    this.resolveSynced?.()
    await this.loop
  }

  private async run(): Promise<void> {
    const { api, ref, ctx, handlers, log } = this.options
    while (!this.stopped) {
      try {
        const selectors = this.options.selectors ?? {}
        const list = await api.list(ref, { ...selectors }, ctx)
        if (this.stopped) return
        handlers.replace(list.items)
        this.resolveSynced?.()
        this.watch = await api.watch(ref, { ...selectors, resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true }, ctx)
        if (this.stopped) this.watch.stop()
        for await (const event of this.watch) {
          if (event.type === 'ERROR') {
            log.info('watch ended with an error; relisting', { resource: ref.resource, status: (event.object as Status).message })
            break
          }
          if (event.type === 'BOOKMARK') continue
          handlers.change(event.type, event.object as KubeObject)
        }
      } catch (err) {
        if (this.stopped) return
        log.warn('list/watch failed; retrying', { resource: ref.resource, err })
        await this.pause(this.options.retryDelayMs ?? 500)
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.retryTimer = { timer: setTimeout(resolve, ms), resolve }
    })
  }
}
