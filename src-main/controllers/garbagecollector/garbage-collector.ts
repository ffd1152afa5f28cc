// The garbage collector: deletes objects whose owners are gone, and carries out the two deletion
// policies that wait for dependents — as Kubernetes' garbage collector does.
//
//   dependent whose owners (by uid) are all gone      → deleted (Background, or its own policy)
//   dependent with a live owner and gone ones         → the dangling ownerReferences are removed
//   owner deleting with the `orphan` finalizer        → its dependents' references to it are
//                                                       removed, then the finalizer
//   owner deleting with `foregroundDeletion`          → its dependents are deleted; the finalizer
//                                                       goes when no blocking dependent (one whose
//                                                       reference has blockOwnerDeletion) is left
//
// A graph of every object's owners is kept from list+watch of every resource, only to find
// candidates quickly; every decision re-reads the objects it acts on through the API server, so a
// stale graph can delay work but never cause a wrong deletion. On start, nothing is done until
// every resource has been listed; then every object with a missing or deleting owner is checked —
// which is also how deletions missed while Coxswain was not running are caught up.

import { RESOURCES, resourceForKind, type DeleteOptions, type KubeObject, type OwnerReference, type ResourceType } from '../../api/index.ts'
import { systemContext } from '../../apiserver/api-server.ts'
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../apiserver/deletion.ts'
import { ApiError } from '../../apiserver/errors.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'
import { log as rootLog, type Logger } from '../../util/log.ts'
import { ListWatch, type ChangeType } from '../list-watch.ts'
import { ControllerLoop } from '../controller-loop.ts'
import { RetryQueue } from '../queue.ts'

export interface GarbageCollectorOptions {
  api: ApiServerVerbs
  log?: Logger
  /** The kinds whose objects may own or be owned. Default: every kind served. */
  resources?: readonly ResourceType[]
  /** First retry delay after a failed sync. */
  retryDelayMs?: number
}

/** What the graph keeps of each object. */
interface GraphNode {
  uid: string
  type: ResourceType
  namespace: string
  name: string
  owners: OwnerReference[]
  deletingWith: { orphan: boolean; foreground: boolean } | null
}

type OwnerState = 'solid' | 'dangling' | 'waiting'

const MAX_CONFLICT_RETRIES = 5

const isCode = (err: unknown, code: number): boolean => err instanceof ApiError && err.code === code

export class GarbageCollector {
  private readonly api: ApiServerVerbs
  private readonly log: Logger
  private readonly ctx: RequestContext = systemContext('garbage-collector')
  private readonly resources: readonly ResourceType[]
  private readonly nodes = new Map<string, GraphNode>()
  /** owner uid → uids of objects that name it as an owner. */
  private readonly dependents = new Map<string, Set<string>>()
  private readonly queue: RetryQueue
  private readonly loop: ControllerLoop

  constructor(options: GarbageCollectorOptions) {
    this.api = options.api
    this.log = (options.log ?? rootLog).child({ component: 'garbage-collector' })
    this.resources = (options.resources ?? RESOURCES).filter((r) => r.verbs.includes('list') && r.verbs.includes('watch'))
    this.queue = new RetryQueue({ handle: (key) => this.sync(key), log: this.log, baseDelayMs: options.retryDelayMs })
    this.loop = new ControllerLoop(this.queue)
  }

  /** Lists every resource, then starts collecting. Resolves once collecting has started. */
  async start(): Promise<void> {
    for (const type of this.resources) {
      const watch = new ListWatch({
        api: this.api,
        ref: { group: type.group, version: type.version, resource: type.resource },
        ctx: this.ctx,
        log: this.log,
        handlers: {
          replace: (objects) => this.replace(type, objects),
          change: (change, obj) => this.observe(type, change, obj),
        },
      })
      this.loop.add(watch)
    }
    await this.loop.start()
    this.log.info('garbage collector started', { objects: this.nodes.size })
  }

  stop(): Promise<void> {
    return this.loop.stop()
  }

  /** No work waiting or in hand (for tests). */
  get idle(): boolean {
    return this.loop.idle
  }

  // --- the graph ----------------------------------------------------------------------------------

  private replace(type: ResourceType, objects: KubeObject[]): void {
    const listed = new Set(objects.map((o) => o.metadata.uid))
    for (const node of [...this.nodes.values()]) {
      if (node.type === type && !listed.has(node.uid)) this.forget(node)
    }
    for (const obj of objects) this.observe(type, 'ADDED', obj)
  }

  private observe(type: ResourceType, change: ChangeType, obj: KubeObject): void {
    const uid = obj.metadata.uid
    if (!uid) return
    const previous = this.nodes.get(uid)
    if (change === 'DELETED') {
      if (previous) this.forget(previous)
      return
    }
    const finalizers = obj.metadata.finalizers ?? []
    const node: GraphNode = {
      uid,
      type,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name ?? '',
      owners: obj.metadata.ownerReferences ?? [],
      deletingWith: obj.metadata.deletionTimestamp
        ? { orphan: finalizers.includes(ORPHAN_FINALIZER), foreground: finalizers.includes(FOREGROUND_FINALIZER) }
        : null,
    }
    for (const owner of previous?.owners ?? []) {
      if (node.owners.some((o) => o.uid === owner.uid)) continue
      this.dependents.get(owner.uid)?.delete(uid)
      // A reference went away: an owner waiting on its dependents may be done.
      this.wakeOwner(owner.uid)
    }
    for (const owner of node.owners) {
      let set = this.dependents.get(owner.uid)
      if (!set) this.dependents.set(owner.uid, (set = new Set()))
      set.add(uid)
    }
    this.nodes.set(uid, node)
    if (node.deletingWith && (node.deletingWith.orphan || node.deletingWith.foreground)) this.queue.add(`owner:${uid}`)
    if (node.owners.some((o) => this.ownerLooksGone(o.uid))) this.queue.add(`dependent:${uid}`)
    // A foreground deletion reaching a dependent that owns things itself: its dependents wait on it.
    if (node.deletingWith?.foreground) for (const dependent of this.dependents.get(uid) ?? []) this.queue.add(`dependent:${dependent}`)
  }

  private forget(node: GraphNode): void {
    this.nodes.delete(node.uid)
    for (const owner of node.owners) {
      this.dependents.get(owner.uid)?.delete(node.uid)
      this.wakeOwner(owner.uid)
    }
    for (const dependent of this.dependents.get(node.uid) ?? []) this.queue.add(`dependent:${dependent}`)
  }

  /** Not in the graph, or being deleted in the foreground: its dependents need a look. */
  private ownerLooksGone(uid: string): boolean {
    const owner = this.nodes.get(uid)
    return !owner || owner.deletingWith?.foreground === true
  }

  private wakeOwner(uid: string): void {
    const owner = this.nodes.get(uid)
    if (owner?.deletingWith && (owner.deletingWith.orphan || owner.deletingWith.foreground)) this.queue.add(`owner:${uid}`)
  }

  // --- decisions ----------------------------------------------------------------------------------

  private async sync(key: string): Promise<void> {
    const [role, uid = ''] = key.split(':')
    const node = this.nodes.get(uid)
    if (!node) return
    if (role === 'dependent') await this.collectDependent(node)
    else await this.finalizeOwner(node)
  }

  /** Deletes a dependent whose owners are all gone; drops references to gone owners from one that has a live owner. */
  private async collectDependent(node: GraphNode): Promise<void> {
    const obj = await this.read(node)
    if (!obj || !obj.metadata.ownerReferences?.length) return
    const states = new Map<string, OwnerState>()
    for (const ref of obj.metadata.ownerReferences) states.set(ref.uid, await this.ownerState(obj, ref))
    const values = [...states.values()]
    if (values.includes('solid')) {
      const stale = [...states].filter(([, s]) => s !== 'solid').map(([uid]) => uid)
      if (stale.length) {
        this.log.info('removing references to owners that are gone', { object: describe(node), owners: stale })
        await this.mutate(node, (o) => dropOwners(o, stale))
      }
      return
    }
    const policy = this.policyFor(obj, values.includes('waiting'))
    this.log.info('deleting object whose owners are gone', { object: describe(node), propagationPolicy: policy })
    await this.remove(node, { propagationPolicy: policy })
  }

  /** Carries out an owner's `orphan` or `foregroundDeletion` finalizer. */
  private async finalizeOwner(node: GraphNode): Promise<void> {
    const owner = await this.read(node)
    if (!owner?.metadata.deletionTimestamp) return
    const finalizers = owner.metadata.finalizers ?? []
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const dependent of this.dependentsOf(node.uid)) await this.mutate(dependent, (o) => dropOwners(o, [node.uid]))
      this.log.info('orphaned dependents', { owner: describe(node) })
      await this.mutate(node, (o) => dropFinalizer(o, ORPHAN_FINALIZER))
      return
    }
    if (!finalizers.includes(FOREGROUND_FINALIZER)) return
    let blocking = 0
    for (const dependent of this.dependentsOf(node.uid)) {
      const obj = await this.read(dependent)
      const ref = obj?.metadata.ownerReferences?.find((r) => r.uid === node.uid)
      if (!obj || !ref) continue
      if (ref.blockOwnerDeletion) blocking++
      if (!obj.metadata.deletionTimestamp) await this.remove(dependent, { propagationPolicy: this.policyFor(obj, true) })
    }
    if (blocking === 0) {
      this.log.info('dependents gone; finishing foreground deletion', { owner: describe(node) })
      await this.mutate(node, (o) => dropFinalizer(o, FOREGROUND_FINALIZER))
    }
  }

  /**
   * How to delete a dependent: in the foreground when an owner waits for it and it has dependents
   * of its own (so they go first); otherwise as its own finalizers say, else in the background.
   */
  private policyFor(obj: KubeObject, ownerWaits: boolean): NonNullable<DeleteOptions['propagationPolicy']> {
    const uid = obj.metadata.uid ?? ''
    if (ownerWaits && (this.dependents.get(uid)?.size ?? 0) > 0) return 'Foreground'
    const finalizers = obj.metadata.finalizers ?? []
    if (finalizers.includes(ORPHAN_FINALIZER)) return 'Orphan'
    if (finalizers.includes(FOREGROUND_FINALIZER)) return 'Foreground'
    return 'Background'
  }

  /** Whether `ref`'s owner exists (same uid), is gone, or is being deleted waiting for its dependents. */
  private async ownerState(dependent: KubeObject, ref: OwnerReference): Promise<OwnerState> {
    const type = resourceForKind(ref.apiVersion, ref.kind)
    // An owner of a kind we do not serve can never be looked up: never collect on its account.
    if (!type) return 'solid'
    const namespace = dependent.metadata.namespace
    if (type.namespaced && !namespace) return 'dangling'
    let owner: KubeObject
    try {
      owner = await this.api.get({ group: type.group, version: type.version, resource: type.resource, namespace: type.namespaced ? namespace : undefined, name: ref.name }, this.ctx)
    } catch (err) {
      if (isCode(err, 404)) return 'dangling'
      throw err
    }
    if (owner.metadata.uid !== ref.uid) return 'dangling'
    if (owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER)) return 'waiting'
    return 'solid'
  }

  private dependentsOf(uid: string): GraphNode[] {
    return [...(this.dependents.get(uid) ?? [])].map((d) => this.nodes.get(d)).filter((n): n is GraphNode => n !== undefined)
  }

  // --- writes through the API server ---------------------------------------------------------------

  /** The object as stored now, or null when it is gone (or is another object by now). */
  private async read(node: GraphNode): Promise<KubeObject | null> {
    try {
      const obj = await this.api.get(refOf(node), this.ctx)
      return obj.metadata.uid === node.uid ? obj : null
    } catch (err) {
      if (isCode(err, 404)) return null
      throw err
    }
  }

  private async remove(node: GraphNode, options: DeleteOptions): Promise<void> {
    try {
      await this.api.delete(refOf(node), { ...options, preconditions: { uid: node.uid } }, this.ctx)
    } catch (err) {
      // Gone already, or replaced by a new object of the same name (the uid precondition).
      if (!isCode(err, 404) && !isCode(err, 409)) throw err
    }
  }

  /** Read, change, write back; re-read on a conflict. `change` returns false when there is nothing to do. */
  private async mutate(node: GraphNode, change: (obj: KubeObject) => boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const obj = await this.read(node)
      if (!obj || !change(obj)) return
      try {
        await this.api.update(refOf(node), obj, this.ctx)
        return
      } catch (err) {
        if (isCode(err, 404)) return
        if (!isCode(err, 409) || attempt >= MAX_CONFLICT_RETRIES) throw err
      }
    }
  }
}

function refOf(node: GraphNode): ResourceRef {
  const { type } = node
  return { group: type.group, version: type.version, resource: type.resource, namespace: type.namespaced ? node.namespace : undefined, name: node.name }
}

function describe(node: GraphNode): string {
  const resource = node.type.group ? `${node.type.resource}.${node.type.group}` : node.type.resource
  return node.namespace ? `${resource}/${node.namespace}/${node.name}` : `${resource}/${node.name}`
}

function dropOwners(obj: KubeObject, uids: readonly string[]): boolean {
  const refs = obj.metadata.ownerReferences ?? []
  const kept = refs.filter((r) => !uids.includes(r.uid))
  if (kept.length === refs.length) return false
  if (kept.length) obj.metadata.ownerReferences = kept
  else delete obj.metadata.ownerReferences
  return true
}

function dropFinalizer(obj: KubeObject, finalizer: string): boolean {
  const finalizers = obj.metadata.finalizers ?? []
  if (!finalizers.includes(finalizer)) return false
  obj.metadata.finalizers = finalizers.filter((f) => f !== finalizer)
  return true
}
