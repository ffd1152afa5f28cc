// The resource registry: for each kind Coxswain serves, everything the API server, kubectl's
// discovery and the dashboard need to know — group, version, plural and short names, scope,
// verbs, subresources, categories, the schema, defaulting, validation, field selectors and
// `kubectl get` columns. One entry per kind; everything else is derived from these.

import { carryOverServiceAllocations, convertSecretStringData, defaultEndpoints, defaultEndpointSlice, defaultNamespace, defaultNode, defaultSecret, defaultService } from './defaults/core.ts'
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet } from './defaults/apps.ts'
import { defaultMachine } from './defaults/coxswain.ts'
import { defaultPod } from './defaults/pod.ts'
import {
  configMapColumns,
  daemonSetColumns,
  deploymentColumns,
  endpointsColumns,
  endpointSliceColumns,
  eventColumns,
  leaseColumns,
  machineColumns,
  namespaceColumns,
  nodeColumns,
  podColumns,
  podRowConditions,
  replicaSetColumns,
  secretColumns,
  serviceColumns,
} from './printers/columns.ts'
import type { Column } from './printers/table.ts'
import { daemonSetSchema, deploymentSchema, replicaSetSchema } from './schema/apps.ts'
import { leaseSchema } from './schema/coordination.ts'
import { machineSchema } from './schema/coxswain.ts'
import { bindingSchema, configMapSchema, endpointsSchema, eventSchema, evictionSchema, namespaceSchema, nodeSchema, secretSchema, serviceSchema } from './schema/core.ts'
import { endpointSliceSchema } from './schema/discovery.ts'
import type { ObjectNode, Schema } from './schema/dsl.ts'
import { scaleSchema } from './schema/meta.ts'
import { podSchema } from './schema/pod.ts'
import type { DaemonSet, Deployment, ReplicaSet } from './types/apps.ts'
import type { Lease } from './types/coordination.ts'
import type { ConfigMap, Endpoints, Event, Namespace, Node, Secret, Service } from './types/core.ts'
import type { Machine } from './types/coxswain.ts'
import type { EndpointSlice } from './types/discovery.ts'
import type { KubeObject, TableRowCondition } from './types/meta.ts'
import type { Pod } from './types/pod.ts'
import { validateLease, validateLeaseUpdate } from './validation/coordination.ts'
import { validateMachine, validateMachineUpdate } from './validation/coxswain.ts'
import { validateDaemonSet, validateDaemonSetUpdate, validateDeployment, validateDeploymentUpdate, validateReplicaSet, validateReplicaSetUpdate } from './validation/apps.ts'
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpoints,
  validateEndpointsUpdate,
  validateEvent,
  validateEventUpdate,
  validateNamespace,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
  validateSecret,
  validateSecretUpdate,
} from './validation/core.ts'
import { validateEndpointSlice, validateEndpointSliceUpdate } from './validation/discovery.ts'
import type { FieldError } from './validation/errors.ts'
import { validateObjectMetaUpdate } from './validation/meta.ts'
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from './validation/pod.ts'
import { validateService, validateServiceUpdate } from './validation/service.ts'

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection'

export interface Subresource {
  name: 'status' | 'scale' | 'log' | 'exec' | 'binding' | 'eviction'
  verbs: readonly Verb[]
  /** The body's kind when it is not the parent's (Scale, Binding, Eviction, PodExecOptions). */
  kind?: { group: string; version: string; kind: string }
  /** The body's schema when it is not the parent's; absent for streams (log, exec). */
  schema?: ObjectNode
}

/**
 * Everything about one kind. Methods (not function properties) so that a
 * `ResourceType<Pod>` is usable where a `ResourceType` is expected.
 */
export interface ResourceType<T extends KubeObject = KubeObject> {
  group: string
  version: string
  kind: string
  listKind: string
  /** Plural, lower case: the URL segment ("pods"). */
  resource: string
  singular: string
  shortNames: readonly string[]
  namespaced: boolean
  verbs: readonly Verb[]
  subresources: readonly Subresource[]
  categories: readonly string[]
  schema: Schema<T, ObjectNode>
  /** `kubectl get` columns, including the `-o wide` ones (priority 1). */
  columns: readonly Column<T>[]
  rowConditions?(obj: T): TableRowCondition[] | undefined
  /** The fields a field selector may name, with their values for `obj`. */
  fieldSet(obj: T): Record<string, string>
  /** Version conversion done on decoding (Secret stringData → data). Returns a copy. */
  convert?(obj: T): T
  /** Kubernetes' defaulting. Returns a copy; never modifies `obj`. */
  defaults(obj: T): T
  validate(obj: T): FieldError[]
  validateUpdate(next: T, old: T): FieldError[]
  /** For the status subresource; defaults to metadata update rules. */
  validateStatusUpdate?(next: T, old: T): FieldError[]
  /** Carries server-allocated values over an update that leaves them empty (Service cluster IP). */
  prepareUpdate?(next: T, old: T): T
}

const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
const STATUS: Subresource = { name: 'status', verbs: ['get', 'patch', 'update'] }
const SCALE: Subresource = {
  name: 'scale',
  verbs: ['get', 'patch', 'update'],
  kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  schema: scaleSchema,
}

function metaFields(obj: KubeObject, namespaced: boolean): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '' }
  if (namespaced) fields['metadata.namespace'] = obj.metadata.namespace ?? ''
  return fields
}

export const pods: ResourceType<Pod> = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  listKind: 'PodList',
  resource: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [
    STATUS,
    { name: 'log', verbs: ['get'] },
    { name: 'exec', verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodExecOptions' } },
    { name: 'binding', verbs: ['create'], kind: { group: '', version: 'v1', kind: 'Binding' }, schema: bindingSchema },
    { name: 'eviction', verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, schema: evictionSchema },
  ],
  categories: ['all'],
  schema: podSchema,
  columns: podColumns,
  rowConditions: podRowConditions,
  fieldSet: (p) => ({
    ...metaFields(p, true),
    'spec.nodeName': p.spec?.nodeName ?? '',
    'spec.restartPolicy': p.spec?.restartPolicy ?? '',
    'spec.schedulerName': p.spec?.schedulerName ?? '',
    'spec.serviceAccountName': p.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(p.spec?.hostNetwork ?? false),
    'status.phase': p.status?.phase ?? '',
    'status.podIP': p.status?.podIPs?.[0]?.ip ?? p.status?.podIP ?? '',
    'status.nominatedNodeName': p.status?.nominatedNodeName ?? '',
  }),
  defaults: defaultPod,
  validate: validatePod,
  validateUpdate: validatePodUpdate,
  validateStatusUpdate: validatePodStatusUpdate,
}

export const services: ResourceType<Service> = {
  group: '',
  version: 'v1',
  kind: 'Service',
  listKind: 'ServiceList',
  resource: 'services',
  singular: 'service',
  shortNames: ['svc'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [STATUS],
  categories: ['all'],
  schema: serviceSchema,
  columns: serviceColumns,
  fieldSet: (s) => ({ ...metaFields(s, true), 'spec.clusterIP': s.spec?.clusterIP ?? '', 'spec.type': s.spec?.type ?? '' }),
  defaults: defaultService,
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  prepareUpdate: carryOverServiceAllocations,
}

export const namespaces: ResourceType<Namespace> = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  resource: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [STATUS],
  categories: [],
  schema: namespaceSchema,
  columns: namespaceColumns,
  fieldSet: (n) => ({ ...metaFields(n, false), 'status.phase': n.status?.phase ?? '' }),
  defaults: defaultNamespace,
  validate: validateNamespace,
  validateUpdate: validateNamespaceUpdate,
}

export const nodes: ResourceType<Node> = {
  group: '',
  version: 'v1',
  kind: 'Node',
  listKind: 'NodeList',
  resource: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  verbs: ALL_VERBS,
  subresources: [STATUS],
  categories: [],
  schema: nodeSchema,
  columns: nodeColumns,
  fieldSet: (n) => ({ ...metaFields(n, false), 'spec.unschedulable': String(n.spec?.unschedulable ?? false) }),
  defaults: defaultNode,
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
}

export const endpoints: ResourceType<Endpoints> = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  resource: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  categories: [],
  schema: endpointsSchema,
  columns: endpointsColumns,
  fieldSet: (e) => metaFields(e, true),
  defaults: defaultEndpoints,
  validate: validateEndpoints,
  validateUpdate: validateEndpointsUpdate,
}

export const events: ResourceType<Event> = {
  group: '',
  version: 'v1',
  kind: 'Event',
  listKind: 'EventList',
  resource: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  categories: [],
  schema: eventSchema,
  columns: eventColumns,
  fieldSet: (e) => ({
    ...metaFields(e, true),
    'involvedObject.kind': e.involvedObject?.kind ?? '',
    'involvedObject.namespace': e.involvedObject?.namespace ?? '',
    'involvedObject.name': e.involvedObject?.name ?? '',
    'involvedObject.uid': e.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': e.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': e.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': e.involvedObject?.fieldPath ?? '',
    reason: e.reason ?? '',
    reportingComponent: e.reportingComponent ?? '',
    source: e.source?.component ?? '',
    type: e.type ?? '',
  }),
  defaults: (e) => structuredClone(e),
  validate: validateEvent,
  validateUpdate: validateEventUpdate,
}

export const configMaps: ResourceType<ConfigMap> = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  resource: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  categories: [],
  schema: configMapSchema,
  columns: configMapColumns,
  fieldSet: (c) => metaFields(c, true),
  defaults: (c) => structuredClone(c),
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
}

export const secrets: ResourceType<Secret> = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  listKind: 'SecretList',
  resource: 'secrets',
  singular: 'secret',
  shortNames: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  categories: [],
  schema: secretSchema,
  columns: secretColumns,
  fieldSet: (s) => ({ ...metaFields(s, true), type: s.type ?? '' }),
  convert: convertSecretStringData,
  defaults: defaultSecret,
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
}

export const deployments: ResourceType<Deployment> = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  resource: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [STATUS, SCALE],
  categories: ['all'],
  schema: deploymentSchema,
  columns: deploymentColumns,
  fieldSet: (d) => metaFields(d, true),
  defaults: defaultDeployment,
  validate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
}

export const replicaSets: ResourceType<ReplicaSet> = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  listKind: 'ReplicaSetList',
  resource: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [STATUS, SCALE],
  categories: ['all'],
  schema: replicaSetSchema,
  columns: replicaSetColumns,
  fieldSet: (r) => ({ ...metaFields(r, true), 'status.replicas': String(r.status?.replicas ?? 0) }),
  defaults: defaultReplicaSet,
  validate: validateReplicaSet,
  validateUpdate: validateReplicaSetUpdate,
}

export const daemonSets: ResourceType<DaemonSet> = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  listKind: 'DaemonSetList',
  resource: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [STATUS],
  categories: ['all'],
  schema: daemonSetSchema,
  columns: daemonSetColumns,
  fieldSet: (d) => metaFields(d, true),
  defaults: defaultDaemonSet,
  validate: validateDaemonSet,
  validateUpdate: validateDaemonSetUpdate,
}

export const endpointSlices: ResourceType<EndpointSlice> = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  listKind: 'EndpointSliceList',
  resource: 'endpointslices',
  singular: 'endpointslice',
  shortNames: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  categories: [],
  schema: endpointSliceSchema,
  columns: endpointSliceColumns,
  fieldSet: (s) => metaFields(s, true),
  defaults: defaultEndpointSlice,
  validate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
}

export const leases: ResourceType<Lease> = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  listKind: 'LeaseList',
  resource: 'leases',
  singular: 'lease',
  shortNames: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  categories: [],
  schema: leaseSchema,
  columns: leaseColumns,
  fieldSet: (l) => metaFields(l, true),
  defaults: (l) => structuredClone(l),
  validate: validateLease,
  validateUpdate: validateLeaseUpdate,
}

/** Coxswain's own kind: a machine driven as a node (docs/machines.md). */
export const machines: ResourceType<Machine> = {
  group: 'coxswain.dev',
  version: 'v1alpha1',
  kind: 'Machine',
  listKind: 'MachineList',
  resource: 'machines',
  singular: 'machine',
  shortNames: ['mach'],
  namespaced: false,
  verbs: ALL_VERBS,
  subresources: [STATUS],
  categories: [],
  schema: machineSchema,
  columns: machineColumns,
  fieldSet: (m) => ({ ...metaFields(m, false), 'status.phase': m.status?.phase ?? '' }),
  defaults: defaultMachine,
  validate: validateMachine,
  validateUpdate: validateMachineUpdate,
}

/** Every kind Coxswain serves, in discovery order. */
export const RESOURCES: readonly ResourceType[] = [
  pods,
  services,
  namespaces,
  nodes,
  endpoints,
  events,
  configMaps,
  secrets,
  deployments,
  replicaSets,
  daemonSets,
  endpointSlices,
  leases,
  machines,
]

/** The resource served at `group`/`resource` ("" and "pods", "apps" and "deployments"). */
export function resourceFor(group: string, resource: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.resource === resource)
}

/** The resource for an object's apiVersion and kind ("apps/v1", "Deployment"). */
export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion]
  return RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind)
}

/**
 * Resolves what a user types after `kubectl get`: plural, singular, short name or kind, any
 * case, optionally qualified by group ("deploy", "Deployment", "deployments.apps").
 */
export function lookupResource(name: string): ResourceType | undefined {
  const lower = name.toLowerCase()
  const dot = lower.indexOf('.')
  const base = dot >= 0 ? lower.slice(0, dot) : lower
  const group = dot >= 0 ? lower.slice(dot + 1) : undefined
  return RESOURCES.find(
    (r) =>
      (group === undefined || r.group === group) &&
      (r.resource === base || r.singular === base || r.kind.toLowerCase() === base || r.shortNames.includes(base)),
  )
}

/** The field labels a kind supports in field selectors, for `checkFieldSelector`. */
export function fieldLabels(r: ResourceType): string[] {
  // fieldSet reads every field optionally, so an empty object yields the full set of labels.
  return Object.keys(r.fieldSet({ metadata: {} } as never))
}

/** `apiVersion` for a resource: "v1" or "apps/v1". */
export function apiVersionOf(r: Pick<ResourceType, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version
}

/** Status-subresource validation: metadata rules unless the kind has its own. */
export function validateStatusUpdate<T extends KubeObject>(r: ResourceType<T>, next: T, old: T): FieldError[] {
  return r.validateStatusUpdate ? r.validateStatusUpdate(next, old) : validateObjectMetaUpdate(next.metadata, old.metadata)
}

// --- Discovery documents ----------------------------------------------------------------------------

export interface APIResource {
  name: string
  singularName: string
  namespaced: boolean
  group?: string
  version?: string
  kind: string
  verbs: string[]
  shortNames?: string[]
  categories?: string[]
}

export interface APIResourceList {
  kind: 'APIResourceList'
  apiVersion: 'v1'
  groupVersion: string
  resources: APIResource[]
}

/** The discovery document at /api/v1 or /apis/<group>/<version>. */
export function apiResourceList(group: string, version: string): APIResourceList {
  const resources: APIResource[] = []
  for (const r of RESOURCES.filter((x) => x.group === group && x.version === version)) {
    const main: APIResource = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs] }
    if (r.shortNames.length) main.shortNames = [...r.shortNames]
    if (r.categories.length) main.categories = [...r.categories]
    resources.push(main)
    for (const sub of r.subresources) {
      const entry: APIResource = { name: `${r.resource}/${sub.name}`, singularName: '', namespaced: r.namespaced, kind: sub.kind?.kind ?? r.kind, verbs: [...sub.verbs] }
      if (sub.kind && (sub.kind.group !== group || sub.kind.version !== version)) {
        entry.group = sub.kind.group
        entry.version = sub.kind.version
      }
      resources.push(entry)
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources }
}

/** The groups and versions served, for /api and /apis. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>()
  for (const r of RESOURCES) seen.set(apiVersionOf(r), { group: r.group, version: r.version })
  return [...seen.values()]
}
