// The namespace controller: empties a namespace that is being deleted, then finalizes it so the
// API server removes it — Kubernetes' namespace lifecycle.
//
//   delete namespace → API server: deletionTimestamp, phase Terminating (spec.finalizers ["kubernetes"])
//   this controller  → deletes every namespaced object in it (Background), waits until none is
//                      left (pods stop gracefully, finalizers run), reporting what remains in the
//                      namespace's conditions, then PUT namespaces/<name>/finalize without
//                      "kubernetes" → the API server removes the namespace
//
// Level-triggered: each sync lists what is left and acts on it; a namespace that is not empty yet
// is looked at again after a growing delay.

import { RESOURCES as REFS } from '../../apiserver/resources.ts'
import { RESOURCES, type KubeObject, type Namespace, type NamespaceCondition, type ResourceType } from '../../api/index.ts'
import { systemContext } from '../../apiserver/api-server.ts'
import { ApiError } from '../../apiserver/errors.ts'
import { formatTime } from '../../apiserver/object-meta.ts'
import { NAMESPACE_FINALIZER } from '../../apiserver/strategy/index.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'
import { log as rootLog, type Logger } from '../../util/log.ts'
import { ListWatch } from '../list-watch.ts'
import { ControllerLoop } from '../controller-loop.ts'
import { RetryQueue } from '../queue.ts'

export interface NamespaceControllerOptions {
  api: ApiServerVerbs
  log?: Logger
  now?: () => Date
  /** First wait before looking again at a namespace that is not empty yet; doubles up to maxRecheckMs. */
  recheckMs?: number
  maxRecheckMs?: number
}

export const CONTENT_REMAINING = 'NamespaceContentRemaining'
export const FINALIZERS_REMAINING = 'NamespaceFinalizersRemaining'

const NAMESPACES: ResourceRef = REFS.namespaces

interface Remaining {
  /** "pods." / "replicasets.apps" → how many objects are left. */
  counts: Map<string, number>
  /** finalizer → how many objects carry it. */
  finalizers: Map<string, number>
}

export class NamespaceController {
  private readonly api: ApiServerVerbs
  private readonly log: Logger
  private readonly now: () => Date
  private readonly ctx: RequestContext = systemContext('namespace-controller')
  private readonly recheckMs: number
  private readonly maxRecheckMs: number
  private readonly queue: RetryQueue
  private readonly loop: ControllerLoop
  private readonly watch: ListWatch
  /** Consecutive syncs that found content left, per namespace (for the recheck delay). */
  private readonly waits = new Map<string, number>()
  private readonly content: readonly ResourceType[] = RESOURCES.filter((r) => r.namespaced && r.verbs.includes('deletecollection'))

  constructor(options: NamespaceControllerOptions) {
    this.api = options.api
    this.log = (options.log ?? rootLog).child({ component: 'namespace-controller' })
    this.now = options.now ?? (() => new Date())
    this.recheckMs = options.recheckMs ?? 250
    this.maxRecheckMs = options.maxRecheckMs ?? 5000
    this.queue = new RetryQueue({ handle: (name) => this.sync(name), log: this.log })
    this.watch = new ListWatch({
      api: this.api,
      ref: NAMESPACES,
      ctx: this.ctx,
      log: this.log,
      handlers: {
        replace: (objects) => objects.forEach((ns) => this.observe(ns)),
        change: (type, ns) => {
          if (type === 'DELETED') this.waits.delete(ns.metadata.name ?? '')
          else this.observe(ns)
        },
      },
    })
    this.loop = new ControllerLoop(this.queue, [this.watch])
  }

  start(): Promise<void> {
    return this.loop.start()
  }

  stop(): Promise<void> {
    return this.loop.stop()
  }

  get idle(): boolean {
    return this.loop.idle
  }

  private observe(ns: KubeObject): void {
    if (ns.metadata.deletionTimestamp && ns.metadata.name) this.queue.add(ns.metadata.name)
  }

  private async sync(name: string): Promise<void> {
    let ns: Namespace
    try {
      ns = (await this.api.get({ ...NAMESPACES, name }, this.ctx)) as Namespace
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return
      throw err
    }
    if (!ns.metadata.deletionTimestamp || !ns.spec?.finalizers?.includes(NAMESPACE_FINALIZER)) return
    const remaining = await this.deleteContent(name)
    if (remaining.counts.size > 0) {
      await this.report(ns, remaining)
      const waits = (this.waits.get(name) ?? 0) + 1
      this.waits.set(name, waits)
      this.queue.addAfter(name, Math.min(this.recheckMs * 2 ** (waits - 1), this.maxRecheckMs))
      return
    }
    this.waits.delete(name)
    const finalizers = ns.spec.finalizers.filter((f) => f !== NAMESPACE_FINALIZER)
    await this.api.update({ ...NAMESPACES, name, subresource: 'finalize' }, { ...ns, spec: { ...ns.spec, finalizers } }, this.ctx)
    this.log.info('namespace emptied and finalized', { namespace: name })
  }

  /** Deletes what is in the namespace; returns what is still there afterwards. */
  private async deleteContent(namespace: string): Promise<Remaining> {
    const remaining: Remaining = { counts: new Map(), finalizers: new Map() }
    for (const type of this.content) {
      const ref: ResourceRef = { group: type.group, version: type.version, resource: type.resource, namespace }
      const before = await this.api.list(ref, {}, this.ctx)
      if (before.items.length === 0) continue
      await this.api.deleteCollection(ref, {}, { propagationPolicy: 'Background' }, this.ctx)
      const after = await this.api.list(ref, {}, this.ctx)
      if (after.items.length === 0) continue
      remaining.counts.set(`${type.resource}.${type.group}`, after.items.length)
      for (const item of after.items) {
        for (const f of item.metadata.finalizers ?? []) remaining.finalizers.set(f, (remaining.finalizers.get(f) ?? 0) + 1)
      }
    }
    return remaining
  }

  /** Says in the namespace's conditions what it is waiting for, as Kubernetes' namespace controller does. */
  private async report(ns: Namespace, remaining: Remaining): Promise<void> {
    const wanted: NamespaceCondition[] = [
      {
        type: CONTENT_REMAINING,
        status: 'True',
        reason: 'SomeResourcesRemain',
        message: `Some resources are remaining: ${[...remaining.counts].sort().map(([r, n]) => `${r} has ${n} resource instances`).join(', ')}`,
      },
      remaining.finalizers.size
        ? {
            type: FINALIZERS_REMAINING,
            status: 'True',
            reason: 'SomeFinalizersRemain',
            message: `Some content in the namespace has finalizers remaining: ${[...remaining.finalizers].sort().map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}`,
          }
        : { type: FINALIZERS_REMAINING, status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
    ]
    const current = ns.status?.conditions ?? []
    const now = formatTime(this.now())
    let changed = false
    const conditions = [...current.filter((c) => !wanted.some((w) => w.type === c.type))]
    for (const want of wanted) {
      const old = current.find((c) => c.type === want.type)
      const same = old && old.status === want.status && old.reason === want.reason && old.message === want.message
      if (!same) changed = true
      conditions.push(same ? old : { ...want, lastTransitionTime: old?.status === want.status ? old.lastTransitionTime : now })
    }
    if (!changed) return
    await this.api.patch({ ...NAMESPACES, name: ns.metadata.name, subresource: 'status' }, 'application/merge-patch+json', { status: { conditions } }, this.ctx)
  }
}
