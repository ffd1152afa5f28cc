// Schemas for meta/v1 types shared by every kind.

import type {
  Condition,
  DeleteOptions,
  Preconditions,
  LabelSelector,
  LabelSelectorRequirement,
  ListMeta,
  ManagedFieldsEntry,
  ObjectMeta,
  OwnerReference,
  Status,
  StatusCause,
  StatusDetails,
} from '../types/meta.ts'
import type { Scale } from '../types/apps.ts'
import {
  array,
  bool,
  enumOf,
  freeform,
  int32,
  int64,
  map,
  mergeList,
  object,
  required,
  string,
  time,
} from './dsl.ts'

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1'

export const API_VERSION_DESCRIPTION =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.'
export const KIND_DESCRIPTION =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.'

export const apiVersionField = (): ReturnType<typeof string> => string(API_VERSION_DESCRIPTION)
export const kindField = (): ReturnType<typeof string> => string(KIND_DESCRIPTION)

export const ownerReferenceSchema = object<OwnerReference>(
  `${META}.OwnerReference`,
  'OwnerReference identifies an owning object. The owner must be in the same namespace as the dependent, or be cluster-scoped.',
  {
    apiVersion: required(string('API version of the referent.')),
    kind: required(string('Kind of the referent.')),
    name: required(string('Name of the referent.')),
    uid: required(string('UID of the referent.')),
    controller: bool('If true, this reference points to the managing controller.'),
    blockOwnerDeletion: bool(
      'If true, and the owner has the "foregroundDeletion" finalizer, the owner cannot be deleted from the key-value store until this reference is removed.',
    ),
  },
)

export const managedFieldsEntrySchema = object<ManagedFieldsEntry>(
  `${META}.ManagedFieldsEntry`,
  'ManagedFieldsEntry records which manager set which fields. Coxswain keeps entries it is given but does not compute them.',
  {
    manager: string('Manager is an identifier of the workflow managing these fields.'),
    operation: enumOf(['Apply', 'Update'], 'Operation is the type of operation which lead to this entry.'),
    apiVersion: string('APIVersion of the resource the fields were set against.'),
    time: time('Time at which the fields were last changed.'),
    fieldsType: string('The format of fieldsV1: "FieldsV1".'),
    fieldsV1: freeform('FieldsV1 holds the set of fields as a trie.'),
    subresource: string('The name of the subresource used to update the object, if any.'),
  },
)

export const objectMetaSchema = object<ObjectMeta>(
  `${META}.ObjectMeta`,
  'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
  {
    name: string('Name must be unique within a namespace. Cannot be updated.'),
    generateName: string(
      'An optional prefix used by the server to generate a unique name, only if the name field has not been provided.',
    ),
    namespace: string('Namespace defines the space within which each name must be unique. Cannot be updated.'),
    selfLink: string('Deprecated: never set by the server.'),
    uid: string('UID is the unique in time and space value for this object, set by the server. Read-only.'),
    resourceVersion: string(
      'An opaque value that represents the internal version of this object, used for optimistic concurrency and watches. Read-only.',
    ),
    generation: int64('A sequence number representing a specific generation of the desired state. Read-only.'),
    creationTimestamp: time('The time this object was created, set by the server. Read-only.'),
    deletionTimestamp: time('The time after which this resource will be deleted, set by the server when deletion is requested. Read-only.'),
    deletionGracePeriodSeconds: int64('Seconds allowed for this object to gracefully terminate before removal. Read-only.'),
    labels: map(string(), 'Map of string keys and values used to organize and select objects.'),
    annotations: map(string(), 'Unstructured key value map stored with a resource, for tools and users.'),
    ownerReferences: array(
      ownerReferenceSchema,
      'Objects this object depends on. When every owner is deleted, this object is garbage collected.',
      mergeList('uid'),
    ),
    finalizers: array(string(), 'Must be empty before the object is deleted from the registry.', {
      type: 'set',
      patchStrategy: 'merge',
    }),
    managedFields: array(managedFieldsEntrySchema, 'Which manager set which fields. Internal bookkeeping.'),
  },
)

export const listMetaSchema = object<ListMeta>(`${META}.ListMeta`, 'ListMeta describes metadata that lists must have.', {
  selfLink: string('Deprecated: never set by the server.'),
  resourceVersion: string('The version of the list, for watching from this point.'),
  continue: string('Set when the list was truncated by a limit: pass it back to get the next page.'),
  remainingItemCount: int64('The number of items not yet returned, when known.'),
})

const labelSelectorRequirementSchema = object<LabelSelectorRequirement>(
  `${META}.LabelSelectorRequirement`,
  'A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.',
  {
    key: required(string('The label key that the selector applies to.')),
    operator: required(enumOf(['In', 'NotIn', 'Exists', 'DoesNotExist'], "The key's relationship to a set of values.")),
    values: array(string(), 'Values for In and NotIn; must be empty for Exists and DoesNotExist.', { type: 'atomic' }),
  },
)

export const labelSelectorSchema = object<LabelSelector>(
  `${META}.LabelSelector`,
  'A label selector is a label query over a set of resources. The results of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.',
  {
    matchLabels: map(string(), 'A map of {key,value} pairs, each equivalent to a matchExpressions element with operator In.'),
    matchExpressions: array(labelSelectorRequirementSchema, 'A list of label selector requirements. The requirements are ANDed.', {
      type: 'atomic',
    }),
  },
)

export const conditionSchema = object<Condition>(
  `${META}.Condition`,
  'Condition contains details for one aspect of the current state of this API Resource.',
  {
    type: required(string('Type of condition in CamelCase.')),
    status: required(enumOf(['True', 'False', 'Unknown'], 'Status of the condition.')),
    observedGeneration: int64('The .metadata.generation the condition was set based upon.'),
    lastTransitionTime: required(time('The last time the condition transitioned from one status to another.')),
    reason: required(string("A programmatic identifier for the condition's last transition, in CamelCase.")),
    message: required(string('A human readable message indicating details about the transition.')),
  },
)

const statusCauseSchema = object<StatusCause>(`${META}.StatusCause`, 'StatusCause provides more information about an api.Status failure.', {
  reason: string('A machine-readable description of the cause of the error.'),
  message: string('A human-readable description of the cause of the error.'),
  field: string('The field of the resource that has caused this error, as named by its JSON serialization.'),
})

const statusDetailsSchema = object<StatusDetails>(`${META}.StatusDetails`, 'StatusDetails is a set of additional properties for a Status.', {
  name: string('The name attribute of the resource associated with the status.'),
  group: string('The group attribute of the resource associated with the status.'),
  kind: string('The kind attribute of the resource associated with the status.'),
  uid: string('UID of the resource.'),
  causes: array(statusCauseSchema, 'The Causes array includes more details associated with the failure.', { type: 'atomic' }),
  retryAfterSeconds: int32('If specified, the time in seconds before the operation should be retried.'),
})

export const statusSchema = object<Status>(
  `${META}.Status`,
  'Status is a return value for calls that do not return other objects.',
  {
    kind: enumOf(['Status'], KIND_DESCRIPTION),
    apiVersion: enumOf(['v1'], API_VERSION_DESCRIPTION),
    metadata: listMetaSchema,
    status: enumOf(['Success', 'Failure'], 'Status of the operation: "Success" or "Failure".'),
    message: string('A human-readable description of the status of this operation.'),
    reason: enumOf(
      [
        '',
        'Unauthorized',
        'Forbidden',
        'NotFound',
        'AlreadyExists',
        'Conflict',
        'Gone',
        'Invalid',
        'ServerTimeout',
        'Timeout',
        'TooManyRequests',
        'BadRequest',
        'MethodNotAllowed',
        'NotAcceptable',
        'RequestEntityTooLarge',
        'UnsupportedMediaType',
        'InternalError',
        'Expired',
        'ServiceUnavailable',
      ],
      'A machine-readable description of why this operation is in the "Failure" status.',
    ),
    details: statusDetailsSchema,
    code: int32('Suggested HTTP return code for this status, 0 if not set.'),
  },
  {},
  { gvk: [{ group: '', version: 'v1', kind: 'Status' }] },
)

export const deleteOptionsSchema = object<DeleteOptions>(
  `${META}.DeleteOptions`,
  'DeleteOptions may be provided when deleting an API object.',
  {
    apiVersion: string(API_VERSION_DESCRIPTION),
    kind: string(KIND_DESCRIPTION),
    dryRun: array(string(), 'When present, indicates that modifications should not be persisted. "All" is the only valid value.', {
      type: 'atomic',
    }),
    gracePeriodSeconds: int64('The duration in seconds before the object should be deleted. Zero means delete immediately.'),
    ignoreStoreReadErrorWithClusterBreakingPotential: bool('Accepted for compatibility; Coxswain never needs it.'),
    orphanDependents: bool('Deprecated: use propagationPolicy.'),
    preconditions: object<Preconditions>(`${META}.Preconditions`, 'Preconditions must be fulfilled before an operation is carried out.', {
      resourceVersion: string('Specifies the target ResourceVersion.'),
      uid: string('Specifies the target UID.'),
    }),
    propagationPolicy: enumOf(['Orphan', 'Background', 'Foreground'], 'Whether and how garbage collection will be performed.'),
  },
)

export const patchSchema = object<object>(
  `${META}.Patch`,
  'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
  {},
)

const AUTOSCALING = 'io.k8s.api.autoscaling.v1'

export const scaleSchema = object<Scale>(
  `${AUTOSCALING}.Scale`,
  'Scale represents a scaling request for a resource.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata: objectMetaSchema,
    spec: object<NonNullable<Scale['spec']>>(`${AUTOSCALING}.ScaleSpec`, 'ScaleSpec describes the attributes of a scale subresource.', {
      replicas: int32('The desired number of instances for the scaled object.'),
    }),
    status: object<NonNullable<Scale['status']>>(
      `${AUTOSCALING}.ScaleStatus`,
      'ScaleStatus represents the current status of a scale subresource.',
      {
        replicas: required(int32('The actual number of observed instances of the scaled object.')),
        selector: string('The label query over pods that should match the replicas count, in string form.'),
      },
    ),
  },
  {},
  { gvk: [{ group: 'autoscaling', version: 'v1', kind: 'Scale' }] },
)
