// meta/v1: the parts every Kubernetes object shares (metadata, lists, selectors, Status, Table).
// Types only, shared with the renderer. Field names and meanings follow k8s.io/apimachinery.

/** RFC 3339 time with second precision, e.g. "2026-01-02T15:04:05Z". */
export type Time = string
/** RFC 3339 time with microsecond precision, e.g. "2026-01-02T15:04:05.000001Z". */
export type MicroTime = string
/**
 * A resource quantity in its canonical string form ("500m", "128Mi", "2"). Manifests may also
 * carry plain numbers (`cpu: 1`); decoding turns them into this form, as Kubernetes does.
 */
export type Quantity = string
/** A port number or a port name ("http"); a count or a percentage ("25%"). */
export type IntOrString = number | string

export interface TypeMeta {
  apiVersion?: string
  kind?: string
}

export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid: string
  /** True when the owner is the managing controller; at most one reference may say so. */
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export interface ManagedFieldsEntry {
  manager?: string
  operation?: 'Apply' | 'Update'
  apiVersion?: string
  time?: Time
  fieldsType?: string
  fieldsV1?: Record<string, unknown>
  subresource?: string
}

export interface ObjectMeta {
  name?: string
  generateName?: string
  namespace?: string
  /** Deprecated and never set by Coxswain, accepted for old manifests. */
  selfLink?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: Time
  deletionTimestamp?: Time
  deletionGracePeriodSeconds?: number
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  finalizers?: string[]
  managedFields?: ManagedFieldsEntry[]
}

export interface ListMeta {
  selfLink?: string
  resourceVersion?: string
  continue?: string
  remainingItemCount?: number
}

/** Every stored object: a kind, a version and metadata. */
export interface KubeObject extends TypeMeta {
  metadata: ObjectMeta
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string
  kind: string
  metadata: ListMeta
  items: T[]
}

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'

export interface LabelSelectorRequirement {
  key: string
  operator: LabelSelectorOperator
  values?: string[]
}

/** An empty selector matches everything; an absent one matches nothing. */
export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: LabelSelectorRequirement[]
}

export type ConditionStatus = 'True' | 'False' | 'Unknown'

/** meta/v1 Condition, used by Service status. */
export interface Condition {
  type: string
  status: ConditionStatus
  observedGeneration?: number
  lastTransitionTime: Time
  reason: string
  message: string
}

export type StatusReason =
  | ''
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'ServerTimeout'
  | 'Timeout'
  | 'TooManyRequests'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Expired'
  | 'ServiceUnavailable'
  /** remotecommand: the command ran and exited non-zero (exec's error channel). */
  | 'NonZeroExitCode'

export interface StatusCause {
  /** A field error type ("FieldValueRequired", …) or another machine-readable cause. */
  reason?: string
  message?: string
  field?: string
}

export interface StatusDetails {
  name?: string
  group?: string
  kind?: string
  uid?: string
  causes?: StatusCause[]
  retryAfterSeconds?: number
}

/** What the API returns for errors (and for some successful deletes). */
export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: ListMeta
  status?: 'Success' | 'Failure'
  message?: string
  reason?: StatusReason
  details?: StatusDetails
  code?: number
}

export interface TableColumnDefinition {
  name: string
  /** An OpenAPI type: "string", "integer", "number", "boolean". */
  type: string
  /** An OpenAPI format; "name" marks the column holding the object's name. */
  format: string
  description: string
  /** 0 for the default columns, 1 and more for `-o wide`. */
  priority: number
}

export interface TableRowCondition {
  type: 'Completed'
  status: ConditionStatus
  reason?: string
  message?: string
}

export type TableCell = string | number | boolean

export interface TableRow {
  cells: TableCell[]
  conditions?: TableRowCondition[]
  /** The object the row was printed from: whole, as PartialObjectMetadata, or absent. */
  object?: unknown
}

/** meta.k8s.io/v1 Table: what `kubectl get` prints. */
export interface Table {
  kind: 'Table'
  apiVersion: 'meta.k8s.io/v1'
  metadata: ListMeta
  columnDefinitions: TableColumnDefinition[]
  rows: TableRow[]
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata'
  apiVersion: 'meta.k8s.io/v1'
  metadata: ObjectMeta
}

export interface Preconditions {
  resourceVersion?: string
  uid?: string
}

export interface DeleteOptions extends TypeMeta {
  dryRun?: string[]
  gracePeriodSeconds?: number
  ignoreStoreReadErrorWithClusterBreakingPotential?: boolean
  orphanDependents?: boolean
  preconditions?: Preconditions
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'
}

export interface WatchEvent<T = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'
  object: T | Status
}
