// The API server's verbs over the store, for every resource in the registry: the one writer of the
// store, and the one place Kubernetes' object semantics live (admission, metadata, status and
// scale subresources, binding, graceful deletion, finalizers, propagation, namespace lifecycle,
// lists and watches with selectors). Doors (REST, IPC) and in-process clients (controllers, node
// agents, the scheduler) all call these verbs; every failure is an ApiError carrying a Status.
//
//   request ──resolve/authorize──▶ verb ──admission (src-main/api)──▶ strategy ──▶ store
//
// Writes that depend on the stored object run inside the store's guaranteedUpdate, so a
// concurrent write makes them re-read and re-decide rather than overwrite.

import { randomUUID } from 'node:crypto'
import {
  admitBody,
  admitCreate,
  admitUpdate,
  validateBinding,
  validateScale,
  validateStatusUpdate,
  type Binding,
  type DeleteOptions,
  type Eviction,
  type KubeList,
  type KubeObject,
  type Namespace,
  type Pod,
  type Scale,
  type Status,
} from '../api/index.ts'
import { DEFAULT_TOLERATION_SECONDS, withDefaultTolerations, type DefaultTolerationSeconds } from '../api/defaults/tolerations.ts'
import { AlreadyExists, Conflict, Gone, NotFound, parseRevision, type KubeObject as StoredObject, type ObjectKey, type Store, type Watch } from '../store/index.ts'
import { log as rootLog, type Logger } from '../util/log.ts'
import { bindPod } from './binding.ts'
import { deletesOnUpdate, finalizersForPropagation, planDeletion, type DeletionPlan } from './deletion.ts'
import { ApiError, alreadyExists, badRequest, expired, forbidden, methodNotAllowed, notFound, toApiError, tooLargeResourceVersion, type GroupResource } from './errors.ts'
import { fillCreateMeta, fillUpdateMeta, formatTime, generateName, randomSuffix } from './object-meta.ts'
import { applyPatch, patchMetaFor, type PatchType } from './patch/index.ts'
import { checkDeletePreconditions, checkUpdatePreconditions } from './preconditions.ts'
import { checkDeleteOptions, checkListOptions, checkWatchOptions } from './request-options.ts'
import { authorize, bodyFor, isDryRun, keyOf, matchName, matchNamespace, resolve, type Target } from './request.ts'
import { SCALE_API_VERSION, SCALE_TYPE, applyScale, scaleOf } from './scale.ts'
import { compileSelectors } from './selectors.ts'
import { strategyFor, type Strategy } from './strategy/index.ts'
import type { ApiServerVerbs, ApiWatch, ApiWatchEvent, DeleteResult, ListOptions, RequestContext, ResourceRef, UserInfo, WatchOptions, WriteResult } from './types.ts'
import { WatchStream } from './watch-stream.ts'

export interface ApiServerOptions {
  store: Store
  /** Wall clock (tests fix it). */
  now?: () => Date
  /** New object UIDs. */
  uid?: () => string
  /** The random part of names from generateName. */
  nameSuffix?: () => string
  log?: Logger
  /** The not-ready and unreachable NoExecute tolerations every new pod gets unless it has its own (DefaultTolerationSeconds). */
  defaultTolerationSeconds?: DefaultTolerationSeconds
}

/** Namespaces every cluster has, created at start when missing. */
export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const
/** Namespaces that may never be deleted, as Kubernetes' NamespaceLifecycle admission keeps them. */
export const IMMORTAL_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public']

/** The annotation on the bookmark that ends a watch's initial events (`sendInitialEvents=true`). */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end'

/** Kubernetes retries a name from generateName this often when it collides. */
const MAX_GENERATE_NAME_ATTEMPTS = 8
/** A delete racing other writes re-reads and re-decides at most this often. */
const MAX_DELETE_ATTEMPTS = 16

const NAMESPACES: GroupResource = { group: '', resource: 'namespaces' }

/** A request context for an in-process component, e.g. `systemContext('garbage-collector')`. */
export function systemContext(component: string): RequestContext {
  const user: UserInfo = { name: `system:coxswain:${component}`, readOnly: false }
  return { user }
}

type UpdateKind = 'main' | 'status' | 'finalize'

/** Thrown out of a guaranteedUpdate to stop it: the plan is not to write. */
class Abort extends Error {}

const toStored = (obj: KubeObject): StoredObject => obj as unknown as StoredObject
const external = (obj: StoredObject): KubeObject => obj as unknown as KubeObject

function successStatus(target: Target, obj: KubeObject, code?: number): Status {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name ?? '', group: target.type.group, kind: target.type.resource, uid: obj.metadata.uid ?? '' },
  }
  if (code !== undefined) status.code = code
  return status
}

export class ApiServer implements ApiServerVerbs {
  private readonly store: Store
  private readonly now: () => Date
  private readonly uid: () => string
  private readonly nameSuffix: () => string
  private readonly log: Logger
  private readonly tolerationSeconds: DefaultTolerationSeconds
  private readonly watches = new Set<WatchStream>()

  constructor(options: ApiServerOptions) {
    this.store = options.store
    this.now = options.now ?? (() => new Date())
    this.uid = options.uid ?? randomUUID
    this.nameSuffix = options.nameSuffix ?? (() => randomSuffix())
    this.log = (options.log ?? rootLog).child({ component: 'apiserver' })
    this.tolerationSeconds = options.defaultTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS
  }

  /** Creates the default namespaces that are missing. Idempotent. */
  async ensureDefaultNamespaces(): Promise<void> {
    const ctx = systemContext('apiserver')
    for (const name of DEFAULT_NAMESPACES) {
      try {
        await this.store.get({ resource: 'namespaces', namespace: '', name })
      } catch (err) {
        if (!(err instanceof NotFound)) throw toApiError(err)
        await this.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name } }, ctx)
        this.log.info('created default namespace', { namespace: name })
      }
    }
  }

  /** Ends every open watch. The store is its owner's to close. */
  async close(): Promise<void> {
    for (const watch of [...this.watches]) watch.stop()
  }

  // --- create -------------------------------------------------------------------------------------

  async create(ref: ResourceRef, body: unknown, ctx: RequestContext): Promise<WriteResult> {
    return this.serve(async () => {
      const t = resolve(ref, 'create')
      authorize(ctx, 'create', t)
      if (t.subresource === 'binding') return this.bind(t, body, ctx)
      if (t.subresource === 'eviction') return this.evict(t, body, ctx)
      if (t.subresource) throw methodNotAllowed(t.gr)
      const obj = bodyFor(t, body)
      matchNamespace(t, obj)
      if (t.name !== undefined) matchName(t, obj)
      return this.createObject(t, obj, ctx)
    })
  }

  private async createObject(t: Target, obj: KubeObject, ctx: RequestContext): Promise<WriteResult> {
    if (obj.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created')
    const strategy = strategyFor(t.type)
    strategy.prepareForCreate(obj)
    const prefix = obj.metadata.name ? undefined : obj.metadata.generateName
    for (let attempt = 1; ; attempt++) {
      const candidate = structuredClone(obj)
      if (prefix) candidate.metadata.name = generateName(prefix, this.nameSuffix())
      fillCreateMeta(candidate, this.uid(), formatTime(this.now()))
      const admitted = admitCreate(t.type, candidate, { fieldValidation: ctx.fieldValidation })
      if (admitted.status) throw new ApiError(admitted.status)
      // Mutating admission after validation, as kube-apiserver's DefaultTolerationSeconds (what it adds is valid).
      const object = t.type.kind === 'Pod' ? (withDefaultTolerations(admitted.object as Pod, this.tolerationSeconds) as unknown as typeof admitted.object) : admitted.object
      strategy.finishCreate(object)
      if (t.type.namespaced) await this.checkNamespaceOpen(t, object)
      const key = keyOf(t, object.metadata.name)
      try {
        if (isDryRun(ctx)) {
          if (await this.exists(key)) throw new AlreadyExists(key)
          return { object, warnings: admitted.warnings, created: true }
        }
        const stored = await this.store.create(t.storeResource, toStored(object))
        return { object: external(stored), warnings: admitted.warnings, created: true }
      } catch (err) {
        if (!(err instanceof AlreadyExists)) throw err
        if (prefix && attempt < MAX_GENERATE_NAME_ATTEMPTS) continue
        throw await this.alreadyExists(t, key)
      }
    }
  }

  /** NamespaceLifecycle: content goes only into a namespace that exists and is not being deleted. */
  private async checkNamespaceOpen(t: Target, obj: KubeObject): Promise<void> {
    const name = obj.metadata.namespace ?? ''
    let ns: Namespace
    try {
      ns = external(await this.store.get({ resource: 'namespaces', namespace: '', name })) as Namespace
    } catch (err) {
      if (err instanceof NotFound) throw notFound(NAMESPACES, name)
      throw err
    }
    if (ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') {
      throw forbidden(t.gr, obj.metadata.name ?? '', `unable to create new content in namespace ${name} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${name} is being terminated`, field: 'metadata.namespace' },
      ])
    }
  }

  private async alreadyExists(t: Target, key: ObjectKey): Promise<ApiError> {
    const err = alreadyExists(t.gr, key.name)
    const existing = await this.store.get(key).catch(() => null)
    if (!existing?.metadata.deletionTimestamp) return err
    return new ApiError({ ...err.status, message: `object is being deleted: ${err.status.message ?? ''}` })
  }

  private async exists(key: ObjectKey): Promise<boolean> {
    try {
      await this.store.get(key)
      return true
    } catch (err) {
      if (err instanceof NotFound) return false
      throw err
    }
  }

  // --- get and list -------------------------------------------------------------------------------

  async get(ref: ResourceRef, ctx: RequestContext): Promise<KubeObject> {
    return this.serve(async () => {
      const t = resolve(ref, 'get')
      authorize(ctx, 'get', t)
      // pods/log and pods/exec are streams the node agent serves.
      if (t.subresource !== undefined && t.subresource !== 'status' && t.subresource !== 'scale') throw methodNotAllowed(t.gr)
      const obj = external(await this.store.get(keyOf(t)))
      return t.subresource === 'scale' ? scaleOf(obj) : obj
    })
  }

  async list(ref: ResourceRef, options: ListOptions, ctx: RequestContext): Promise<KubeList> {
    return this.serve(async () => {
      const t = resolve(ref, 'list')
      authorize(ctx, 'list', t)
      return this.listObjects(t, options)
    })
  }

  private async listObjects(t: Target, options: ListOptions): Promise<KubeList> {
    const filter = compileSelectors(t.type, options)
    checkListOptions(options)
    const rv = options.resourceVersion ?? ''
    const match = options.resourceVersionMatch
    let revision: number | undefined
    if (rv !== '' && rv !== '0') {
      const requested = await this.requestedRevision(rv)
      if (match === 'Exact') revision = requested
    }
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : undefined
    const result = await this.store.list(t.storeResource, { namespace: t.namespace, limit, continue: options.continue || undefined, filter, revision })
    const metadata: KubeList['metadata'] = { resourceVersion: String(result.revision) }
    if (result.continue) metadata.continue = result.continue
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount
    return { apiVersion: t.apiVersion, kind: t.type.listKind, metadata, items: result.items.map(external) }
  }

  /** A resourceVersion the client named: 400 when it is not one, 504 when it is in the future. */
  private async requestedRevision(rv: string): Promise<number> {
    const requested = parseRevision(rv)
    if (requested === null) throw badRequest(`invalid resource version ${JSON.stringify(rv)}: it must be a non-negative integer`)
    const current = await this.store.currentRevision()
    if (requested > current) throw tooLargeResourceVersion(requested, current)
    return requested
  }

  // --- update and patch ---------------------------------------------------------------------------

  async update(ref: ResourceRef, body: unknown, ctx: RequestContext): Promise<WriteResult> {
    return this.serve(async () => {
      const t = resolve(ref, 'update')
      authorize(ctx, 'update', t)
      if (t.subresource !== undefined && !['status', 'scale', 'finalize'].includes(t.subresource)) throw methodNotAllowed(t.gr)
      if (t.subresource === 'scale') {
        const scale = this.admitScale(t, body, ctx)
        const result = await this.writeUpdate(t, ctx, 'main', (current) => applyScale(current, scale.object))
        return { ...result, object: scaleOf(result.object), warnings: [...scale.warnings, ...result.warnings] }
      }
      const obj = bodyFor(t, body)
      matchName(t, obj)
      matchNamespace(t, obj)
      const kind: UpdateKind = t.subresource === 'status' ? 'status' : t.subresource === 'finalize' ? 'finalize' : 'main'
      try {
        return await this.writeUpdate(t, ctx, kind, () => structuredClone(obj))
      } catch (err) {
        if (!(err instanceof NotFound) || kind !== 'main' || !strategyFor(t.type).allowCreateOnUpdate) throw err
        delete obj.metadata.resourceVersion
        return this.createObject(t, obj, ctx)
      }
    })
  }

  async patch(ref: ResourceRef, type: PatchType, patch: unknown, ctx: RequestContext): Promise<WriteResult> {
    return this.serve(async () => {
      const t = resolve(ref, 'patch')
      authorize(ctx, 'patch', t)
      if (t.subresource !== undefined && t.subresource !== 'status' && t.subresource !== 'scale') throw methodNotAllowed(t.gr)
      if (t.subresource === 'scale') {
        let warnings: string[] = []
        const result = await this.writeUpdate(t, ctx, 'main', (current) => {
          const patched = applyPatch(type, scaleOf(current), patch, patchMetaFor(SCALE_TYPE.kind))
          const scale = this.admitScale(t, patched, ctx)
          warnings = scale.warnings
          return applyScale(current, scale.object)
        })
        return { ...result, object: scaleOf(result.object), warnings: [...warnings, ...result.warnings] }
      }
      const meta = patchMetaFor(t.type.kind)
      return this.writeUpdate(t, ctx, t.subresource === 'status' ? 'status' : 'main', (current) => {
        const obj = bodyFor(t, applyPatch(type, current, patch, meta))
        matchName(t, obj)
        matchNamespace(t, obj)
        return obj
      })
    })
  }

  /**
   * Replaces the stored object with what `produce` makes of it (a PUT body, a patched copy),
   * checked and admitted as `kind` says. An update that takes the last finalizer from an object
   * being deleted removes it, answering with the object as updated.
   */
  private async writeUpdate(t: Target, ctx: RequestContext, kind: UpdateKind, produce: (current: KubeObject) => KubeObject): Promise<WriteResult> {
    const key = keyOf(t)
    const strategy = strategyFor(t.type)
    let warnings: string[] = []
    let removed: KubeObject | null = null
    const compute = (current: KubeObject): KubeObject => {
      const next = produce(structuredClone(current))
      checkUpdatePreconditions(t, next, current)
      fillUpdateMeta(next, current)
      const admitted = this.admitUpdateOf(t, strategy, kind, next, current, ctx)
      warnings = admitted.warnings
      const object = admitted.object
      if (kind === 'main' && strategy.bumpsGeneration(object, current)) object.metadata.generation = (current.metadata.generation ?? 0) + 1
      if (deletesOnUpdate(object, current) && !(t.type.kind === 'Namespace' && (object as Namespace).spec?.finalizers?.length)) {
        removed = object
        throw new Abort('removed by update')
      }
      return object
    }
    if (isDryRun(ctx)) {
      try {
        return { object: compute(external(await this.store.get(key))), warnings, created: false }
      } catch (err) {
        if (err instanceof Abort && removed) return { object: removed, warnings, created: false }
        throw err
      }
    }
    try {
      const stored = await this.store.guaranteedUpdate(key, (current) => toStored(compute(external(current))))
      return { object: external(stored), warnings, created: false }
    } catch (err) {
      if (!(err instanceof Abort) || !removed) throw err
    }
    const last: KubeObject = removed
    try {
      await this.store.delete(key, { preconditions: { uid: last.metadata.uid } })
    } catch (err) {
      // Another update emptied the finalizers first and removed it: the outcome is the same.
      if (!(err instanceof NotFound)) throw err
    }
    return { object: last, warnings, created: false }
  }

  private admitUpdateOf(t: Target, strategy: Strategy, kind: UpdateKind, next: KubeObject, current: KubeObject, ctx: RequestContext): { object: KubeObject; warnings: string[] } {
    const options = { fieldValidation: ctx.fieldValidation }
    if (kind === 'main') {
      strategy.prepareForUpdate(next, current)
      const admitted = admitUpdate(t.type, next, current, options)
      if (admitted.status) throw new ApiError(admitted.status)
      return admitted
    }
    if (kind === 'finalize') {
      // namespaces/finalize changes spec.finalizers and nothing else.
      const merged = structuredClone(current) as Namespace
      const finalizers = (next as Namespace).spec?.finalizers
      merged.spec = { ...merged.spec, finalizers: Array.isArray(finalizers) ? [...finalizers] : [] }
      const admitted = admitUpdate(t.type, merged, current, options)
      if (admitted.status) throw new ApiError(admitted.status)
      return admitted
    }
    let merged = current
    const admitted = admitBody(
      t.type.schema,
      next,
      (decoded) => {
        merged = t.type.defaults(strategy.statusUpdate(decoded, current))
        return validateStatusUpdate(t.type, merged, current)
      },
      { group: t.type.group, version: t.type.version, kind: t.type.kind },
      options,
    )
    if (admitted.status) throw new ApiError(admitted.status)
    return { object: merged, warnings: admitted.warnings }
  }

  private admitScale(t: Target, body: unknown, ctx: RequestContext): { object: Scale; warnings: string[] } {
    const raw = bodyFor(t, body, { apiVersion: SCALE_API_VERSION, kind: SCALE_TYPE.kind })
    const schema = t.type.subresources.find((s) => s.name === 'scale')?.schema
    if (!schema) throw new Error(`${t.type.resource} has a scale subresource without a schema`)
    const admitted = admitBody<Scale>(schema, raw, validateScale, SCALE_TYPE, { fieldValidation: ctx.fieldValidation })
    if (admitted.status) throw new ApiError(admitted.status)
    matchName(t, admitted.object)
    return admitted
  }

  // --- pods/binding and pods/eviction -------------------------------------------------------------

  /** Binds a pod to a node once (the scheduler's write), marking it PodScheduled. */
  private async bind(t: Target, body: unknown, ctx: RequestContext): Promise<WriteResult> {
    const raw = bodyFor(t, body, { apiVersion: 'v1', kind: 'Binding' })
    matchNamespace(t, raw)
    const schema = t.type.subresources.find((s) => s.name === 'binding')?.schema
    if (!schema) throw new Error('pods/binding has no schema')
    const admitted = admitBody<Binding>(schema, raw, validateBinding, { group: '', version: 'v1', kind: 'Binding' }, { fieldValidation: ctx.fieldValidation })
    if (admitted.status) throw new ApiError(admitted.status)
    const binding = admitted.object
    if (binding.metadata.name !== t.name) throw badRequest('name in URL does not match name in Binding object')
    const assign = (stored: StoredObject): StoredObject => toStored(bindPod(external(stored) as Pod, binding, formatTime(this.now())))
    const preconditions = { uid: binding.metadata.uid || undefined, resourceVersion: binding.metadata.resourceVersion || undefined }
    if (isDryRun(ctx)) {
      const current = await this.store.get(keyOf(t))
      const { uid, resourceVersion } = preconditions
      if (uid && current.metadata.uid !== uid) throw new Conflict(keyOf(t), `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`)
      if (resourceVersion && current.metadata.resourceVersion !== resourceVersion) throw new Conflict(keyOf(t))
      assign(current)
    } else {
      await this.store.guaranteedUpdate(keyOf(t), assign, { preconditions })
    }
    return { object: successStatus(t, binding, 201) as unknown as KubeObject, warnings: admitted.warnings, created: true }
  }

  /** An Eviction is a delete with its options (there are no PodDisruptionBudgets to consult). */
  private async evict(t: Target, body: unknown, ctx: RequestContext): Promise<WriteResult> {
    const raw = bodyFor(t, body, { apiVersion: 'policy/v1', kind: 'Eviction' })
    matchNamespace(t, raw)
    const schema = t.type.subresources.find((s) => s.name === 'eviction')?.schema
    if (!schema) throw new Error('pods/eviction has no schema')
    const admitted = admitBody<Eviction>(schema, raw, () => [], { group: 'policy', version: 'v1', kind: 'Eviction' }, { fieldValidation: ctx.fieldValidation })
    if (admitted.status) throw new ApiError(admitted.status)
    if (admitted.object.metadata.name !== t.name) throw badRequest('name in URL does not match name in Eviction object')
    const podTarget: Target = { ...t, subresource: undefined }
    await this.deleteObject(podTarget, admitted.object.deleteOptions ?? {}, ctx)
    const pod = { metadata: { name: t.name ?? '' } } as KubeObject
    return { object: successStatus(t, pod, 201) as unknown as KubeObject, warnings: admitted.warnings, created: true }
  }

  // --- delete -------------------------------------------------------------------------------------

  async delete(ref: ResourceRef, options: DeleteOptions, ctx: RequestContext): Promise<DeleteResult> {
    return this.serve(async () => {
      const t = resolve(ref, 'delete')
      authorize(ctx, 'delete', t)
      return this.deleteObject(t, options, ctx)
    })
  }

  async deleteCollection(ref: ResourceRef, listOptions: ListOptions, options: DeleteOptions, ctx: RequestContext): Promise<KubeList> {
    return this.serve(async () => {
      const t = resolve({ ...ref, name: undefined }, 'deletecollection')
      authorize(ctx, 'deletecollection', t)
      checkDeleteOptions(options)
      const list = await this.listObjects(t, listOptions)
      for (const item of list.items) {
        const name = item.metadata.name ?? ''
        try {
          await this.deleteObject({ ...t, name, namespace: item.metadata.namespace ?? t.namespace }, structuredClone(options), ctx)
        } catch (err) {
          if (!(err instanceof NotFound) && !(isApiErrorWithCode(err, 404))) throw err
        }
      }
      return list
    })
  }

  private async deleteObject(t: Target, options: DeleteOptions, ctx: RequestContext): Promise<DeleteResult> {
    checkDeleteOptions(options)
    const dryRun = isDryRun(ctx, options.dryRun)
    const key = keyOf(t)
    if (t.type.kind === 'Namespace') {
      if (IMMORTAL_NAMESPACES.includes(key.name)) throw forbidden(NAMESPACES, key.name, 'this namespace may not be deleted')
      const terminating = await this.terminateNamespace(t, options, dryRun)
      if (terminating) return terminating
    }
    for (let attempt = 1; ; attempt++) {
      const current = external(await this.store.get(key))
      checkDeletePreconditions(t, current, options)
      const plan: DeletionPlan = planDeletion(structuredClone(current), options, { graceful: t.type.kind === 'Pod', now: this.now() })
      if (plan.action === 'pending') return { object: current, code: 202 }
      const rv = current.metadata.resourceVersion
      if (dryRun) return plan.action === 'update' ? { object: plan.object, code: 202 } : { status: successStatus(t, current), code: 200 }
      try {
        if (plan.action === 'update') {
          const stored = await this.store.update(t.storeResource, toStored(plan.object), { resourceVersion: rv })
          return { object: external(stored), code: 202 }
        }
        await this.store.delete(key, { preconditions: { uid: current.metadata.uid, resourceVersion: rv } })
        return { status: successStatus(t, current), code: 200 }
      } catch (err) {
        // Someone wrote in between: decide again on what is there now.
        if (!(err instanceof Conflict) || attempt >= MAX_DELETE_ATTEMPTS) throw err
      }
    }
  }

  /**
   * The first delete of a namespace only starts its termination (deletionTimestamp, phase
   * Terminating); it goes when the namespace controller has emptied it and finalized it. Returns
   * null when the namespace is ready to be removed (no spec.finalizers left).
   */
  private async terminateNamespace(t: Target, options: DeleteOptions, dryRun: boolean): Promise<DeleteResult | null> {
    const key = keyOf(t)
    const current = external(await this.store.get(key)) as Namespace
    checkDeletePreconditions(t, current, options)
    if (current.metadata.deletionTimestamp) return current.spec?.finalizers?.length ? { object: current, code: 202 } : null
    const terminate = (stored: StoredObject): StoredObject => {
      const ns = external(stored) as Namespace
      checkDeletePreconditions(t, ns, options)
      ns.metadata.deletionTimestamp ??= formatTime(this.now())
      ns.status = { ...ns.status, phase: 'Terminating' }
      const finalizers = finalizersForPropagation(ns.metadata.finalizers ?? [], options)
      if (finalizers) ns.metadata.finalizers = finalizers
      if (ns.metadata.finalizers?.length === 0) delete ns.metadata.finalizers
      return toStored(ns)
    }
    if (dryRun) return { object: external(terminate(toStored(structuredClone(current)))), code: 202 }
    return { object: external(await this.store.guaranteedUpdate(key, terminate)), code: 202 }
  }

  // --- watch --------------------------------------------------------------------------------------

  async watch(ref: ResourceRef, options: WatchOptions, ctx: RequestContext): Promise<ApiWatch> {
    return this.serve(async () => {
      const t = resolve({ ...ref, name: undefined }, 'watch')
      authorize(ctx, 'watch', t)
      const filter = compileSelectors(t.type, { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, name: ref.name })
      checkWatchOptions(options)
      const rv = options.resourceVersion ?? ''
      const initialEvents = options.sendInitialEvents ?? (rv === '' || rv === '0')
      let fromRevision: number | undefined
      if (rv !== '' && rv !== '0') fromRevision = await this.requestedRevision(rv)
      const initial: ApiWatchEvent[] = []
      const typeMeta = { apiVersion: t.apiVersion, kind: t.type.kind }
      if (initialEvents) {
        const list = await this.store.list(t.storeResource, { namespace: t.namespace, filter })
        for (const item of list.items) initial.push({ type: 'ADDED', object: external(item) })
        fromRevision = list.revision
        if (options.sendInitialEvents) {
          initial.push({
            type: 'BOOKMARK',
            object: { ...typeMeta, metadata: { resourceVersion: String(list.revision), annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } } },
          })
        }
      }
      let source: Watch | null = null
      let error: Status | undefined
      try {
        source = await this.store.watch(t.storeResource, { namespace: t.namespace, fromRevision, filter, bookmarks: options.allowWatchBookmarks === true })
      } catch (err) {
        // As kube-apiserver: the watch starts, and its one event says the revision is too old.
        if (!(err instanceof Gone)) throw err
        error = expired(err.message).status
      }
      const timeoutMs = options.timeoutSeconds !== undefined && options.timeoutSeconds > 0 ? options.timeoutSeconds * 1000 : undefined
      const stream: WatchStream = new WatchStream({ initial, source, error, typeMeta, timeoutMs, onEnd: () => this.watches.delete(stream) })
      this.watches.add(stream)
      return stream
    })
  }

  // --- plumbing -----------------------------------------------------------------------------------

  /** Runs a verb, turning whatever it throws into an ApiError (and logging what should not happen). */
  private async serve<T>(verb: () => Promise<T>): Promise<T> {
    try {
      return await verb()
    } catch (err) {
      const apiError = toApiError(err)
      if (apiError.code >= 500 && apiError.code !== 503) this.log.error('request failed', { err, code: apiError.code })
      throw apiError
    }
  }
}

function isApiErrorWithCode(err: unknown, code: number): boolean {
  return err instanceof ApiError && err.code === code
}
