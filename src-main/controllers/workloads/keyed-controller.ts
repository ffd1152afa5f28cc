// What the workload controllers share, as sample-controller lays it out: event handlers only
// enqueue an owner's `namespace/name`; one worker pops keys and calls `sync(key)`, which reads the
// informer caches and converges; failures come back with rate-limited delay. Subclasses add their
// informers and handlers in their constructors and implement `sync`.

import type { KubeObject } from '../../api/index.ts'
import { labelSelectorAsSelector, matchesLabels } from '../../api/selectors/labels.ts'
import { systemContext } from '../../apiserver/api-server.ts'
import { EventRecorder } from '../../apiserver/events.ts'
import type { ApiServerVerbs, RequestContext } from '../../apiserver/types.ts'
import type { Logger } from '../../util/log.ts'
import { objectKey, type Informer } from '../informer.ts'
import type { ControllerContext, ManagedController } from '../manager.ts'
import { RetryQueue } from '../queue.ts'
import { controllerOf } from './controller-ref.ts'

export const NAMESPACE_INDEX = 'namespace'

/** Files objects under their namespace (for "which owners of this namespace match this pod"). */
export function indexByNamespace<T extends KubeObject>(informer: Informer<T>): void {
  informer.addIndex(NAMESPACE_INDEX, (o) => [o.metadata.namespace ?? ''])
}

/**
 * The cache key of `child`'s controller when it is a `kind` that `owners` holds with the same UID
 * (client-go's resolveControllerRef: a reference to a deleted-and-recreated owner is not it).
 */
export function resolveControllerKey(child: KubeObject, kind: string, owners: Informer): string | undefined {
  const ref = controllerOf(child)
  if (ref?.kind !== kind) return undefined
  const key = `${child.metadata.namespace ?? ''}/${ref.name}`
  return owners.get(key)?.metadata.uid === ref.uid ? key : undefined
}

/** Owners (indexed by namespace, with a `spec.selector`) in `child`'s namespace whose selector matches it. */
export function ownersSelecting<T extends KubeObject & { spec?: { selector?: Parameters<typeof labelSelectorAsSelector>[0] } }>(owners: Informer<T>, child: KubeObject): T[] {
  return owners.byIndex(NAMESPACE_INDEX, child.metadata.namespace ?? '').filter((o) => o.spec?.selector && matchesLabels(labelSelectorAsSelector(o.spec.selector), child.metadata.labels))
}

export abstract class KeyedController implements ManagedController {
  protected readonly api: ApiServerVerbs
  protected readonly log: Logger
  protected readonly now: () => Date
  protected readonly ctx: RequestContext
  protected readonly queue: RetryQueue
  protected readonly events: EventRecorder

  constructor(context: ControllerContext, component: string) {
    this.api = context.api
    this.log = context.log
    this.now = context.now
    this.ctx = systemContext(component)
    this.events = new EventRecorder({ api: this.api, source: { component }, now: this.now, log: this.log })
    this.queue = new RetryQueue({ handle: (key) => this.sync(key), log: this.log })
  }

  /** Converges the owner with this key. Never called concurrently; throwing retries it later. */
  protected abstract sync(key: string): Promise<void>

  async start(): Promise<void> {
    this.queue.start()
  }

  async stop(): Promise<void> {
    await this.queue.stop()
    await this.events.flush()
  }

  /** No work waiting or in hand (for tests). */
  get idle(): boolean {
    return this.queue.idle
  }

  protected enqueue(owner: KubeObject): void {
    this.queue.add(objectKey(owner))
  }
}
