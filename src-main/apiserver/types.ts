// The API server's verbs as every door calls them: the REST door (kubectl, the browser dashboard),
// the IPC door (the Electron dashboard), and in-process clients (controllers, node agents,
// scheduler). One contract, so a door only translates transport to these calls and back.
//
// Errors: every verb rejects with an `ApiError` (./errors.ts) carrying the Kubernetes `Status`
// to answer with (404 NotFound, 409 AlreadyExists/Conflict, 410 Expired, 422 Invalid with causes,
// 400 BadRequest, 403 Forbidden, 415 UnsupportedMediaType, …).

import type { DeleteOptions, KubeList, KubeObject, Status } from '../api/types/meta.ts'
import type { FieldValidation } from '../api/admission.ts'
import type { PatchType } from './patch/index.ts'

/** Who is asking. Authentication happens in the door; authorisation here (read-only users may not write). */
export interface UserInfo {
  name: string
  readOnly: boolean
}

/** Per-request options every write understands (from the query string in REST). */
export interface RequestContext {
  user: UserInfo
  /** `dryRun=All`: run admission and answer as if stored, store nothing. */
  dryRun?: boolean
  /** `fieldValidation`: default Warn for REST without the parameter, as kube-apiserver. */
  fieldValidation?: FieldValidation
  /** `fieldManager` (kept for managedFields-free bookkeeping and events). */
  fieldManager?: string
}

/** What a request is about: a resource (by its registry entry's group/version/plural), maybe one object. */
export interface ResourceRef {
  /** '' for the core group. */
  group: string
  version: string
  /** Plural resource name: "pods", "deployments". */
  resource: string
  /** For namespaced resources; undefined = all namespaces (list/watch only). */
  namespace?: string
  name?: string
  /** "status", "scale", "binding", "eviction" (log and exec are streams, served by the node agent). */
  subresource?: string
}

export interface ListOptions {
  labelSelector?: string
  fieldSelector?: string
  limit?: number
  continue?: string
  /** Kubernetes semantics: absent/"" = most recent; "0" = any (served from the store too, here). */
  resourceVersion?: string
  resourceVersionMatch?: 'NotOlderThan' | 'Exact'
}

export interface WatchOptions extends ListOptions {
  /** Send BOOKMARK events (`allowWatchBookmarks=true`). */
  allowWatchBookmarks?: boolean
  /** Close the watch after this many seconds (the client re-watches), like `timeoutSeconds`. */
  timeoutSeconds?: number
  /**
   * `sendInitialEvents=true` (with resourceVersionMatch=NotOlderThan): start with ADDED for every
   * existing object, then a BOOKMARK annotated `k8s.io/initial-events-end: "true"`.
   */
  sendInitialEvents?: boolean
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'

/** As on the wire: `object` is a full object (with apiVersion/kind), or a Status for ERROR. */
export interface ApiWatchEvent {
  type: WatchEventType
  object: KubeObject | Status
}

/** A running watch: iterate events; `stop()` ends it (idempotent); the iterator also ends on timeout. */
export interface ApiWatch extends AsyncIterableIterator<ApiWatchEvent> {
  stop(): void
}

/** A write's answer: the object as stored (or as it would be, for dryRun) and warnings for Warning headers. */
export interface WriteResult<T extends KubeObject = KubeObject> {
  object: T
  warnings: string[]
  /** True for creates (REST answers 201), false for updates (200). */
  created: boolean
}

/** A delete's answer: the object when it still exists (graceful deletion, finalizers), else a Success Status. */
export interface DeleteResult {
  object?: KubeObject
  status?: Status
  /** 202 when the object remains (deletion in progress), 200 when it is gone. */
  code: 200 | 202
}

export interface ApiServerVerbs {
  create(ref: ResourceRef, body: unknown, ctx: RequestContext): Promise<WriteResult>
  get(ref: ResourceRef, ctx: RequestContext): Promise<KubeObject>
  list(ref: ResourceRef, options: ListOptions, ctx: RequestContext): Promise<KubeList>
  /** PUT: replace (main resource or a subresource: status, scale). `metadata.resourceVersion` in the body is a precondition. */
  update(ref: ResourceRef, body: unknown, ctx: RequestContext): Promise<WriteResult>
  patch(ref: ResourceRef, type: PatchType, patch: unknown, ctx: RequestContext): Promise<WriteResult>
  delete(ref: ResourceRef, options: DeleteOptions, ctx: RequestContext): Promise<DeleteResult>
  deleteCollection(ref: ResourceRef, listOptions: ListOptions, options: DeleteOptions, ctx: RequestContext): Promise<KubeList>
  watch(ref: ResourceRef, options: WatchOptions, ctx: RequestContext): Promise<ApiWatch>
}
