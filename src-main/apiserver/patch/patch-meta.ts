// How a strategic merge patch treats each field: Kubernetes reads this from the `patchStrategy` and
// `patchMergeKey` struct tags of its Go API types. Here the same tags are data, copied from
// k8s.io/api v0.33 (core/v1, apps/v1) and k8s.io/apimachinery (meta/v1 ObjectMeta), for the kinds
// Coxswain serves. Only tagged fields are listed, plus the fields that lead to a tagged type
// (`spec.template` → PodTemplateSpec → PodSpec → Container). Everything else is untagged: objects
// merge, lists are replaced whole, as in a JSON merge patch. That includes lists some people expect
// to merge but Kubernetes does not: tolerations, envFrom, Node taints, Endpoints subsets, container
// statuses, Namespace spec.finalizers, readinessGates.

/** A field's patch strategy, as in its `patchStrategy` struct tag. */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys'

export interface FieldPatchMeta {
  /** `merge`: a list merges by `mergeKey` (or, for a list of primitives, as a set). `replace`: an object is replaced whole. */
  strategy?: PatchStrategy
  /** For a merged list of objects: the field that identifies an element (`name` for containers). */
  mergeKey?: string
}

/**
 * The patch metadata of the field at `path`: field names from the object's root, without list
 * indices (`['spec', 'template', 'spec', 'containers', 'env']`). `{}` for an untagged field.
 */
export type PatchMeta = (path: string[]) => FieldPatchMeta

/** A field of a Go API struct: its tags, and the struct it holds (for a list, its elements' struct). */
interface FieldTag extends FieldPatchMeta {
  type?: StructName
}

type StructName =
  | 'ObjectMeta'
  | 'Container'
  | 'PodSpec'
  | 'PodTemplateSpec'
  | 'PodStatus'
  | 'DeploymentSpec'
  | 'ReplicaSetSpec'
  | 'DaemonSetSpec'
  | 'WorkloadStatus'
  | 'ServiceSpec'
  | 'ServiceStatus'
  | 'NodeSpec'
  | 'NodeStatus'
  | 'NamespaceStatus'

const conditionsByType: FieldTag = { strategy: 'merge', mergeKey: 'type' }

/** The tagged fields of each Go struct (json name → tags). */
const structs: Record<StructName, Record<string, FieldTag>> = {
  ObjectMeta: {
    ownerReferences: { strategy: 'merge', mergeKey: 'uid' },
    finalizers: { strategy: 'merge' },
  },
  // Container; EphemeralContainerCommon carries the same tags.
  Container: {
    ports: { strategy: 'merge', mergeKey: 'containerPort' },
    env: { strategy: 'merge', mergeKey: 'name' },
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath' },
    volumeDevices: { strategy: 'merge', mergeKey: 'devicePath' },
  },
  PodSpec: {
    volumes: { strategy: 'merge,retainKeys', mergeKey: 'name' },
    initContainers: { strategy: 'merge', mergeKey: 'name', type: 'Container' },
    containers: { strategy: 'merge', mergeKey: 'name', type: 'Container' },
    ephemeralContainers: { strategy: 'merge', mergeKey: 'name', type: 'Container' },
    imagePullSecrets: { strategy: 'merge', mergeKey: 'name' },
    hostAliases: { strategy: 'merge', mergeKey: 'ip' },
    topologySpreadConstraints: { strategy: 'merge', mergeKey: 'topologyKey' },
    schedulingGates: { strategy: 'merge', mergeKey: 'name' },
    resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name' },
  },
  PodTemplateSpec: {
    metadata: { type: 'ObjectMeta' },
    spec: { type: 'PodSpec' },
  },
  // containerStatuses and its siblings are untagged (replaced whole), so ContainerStatus's own
  // tags can never apply and are left out.
  PodStatus: {
    conditions: conditionsByType,
    hostIPs: { strategy: 'merge', mergeKey: 'ip' },
    podIPs: { strategy: 'merge', mergeKey: 'ip' },
    resourceClaimStatuses: { strategy: 'merge,retainKeys', mergeKey: 'name' },
  },
  DeploymentSpec: {
    strategy: { strategy: 'retainKeys' },
    template: { type: 'PodTemplateSpec' },
  },
  ReplicaSetSpec: { template: { type: 'PodTemplateSpec' } },
  DaemonSetSpec: { template: { type: 'PodTemplateSpec' } },
  // DeploymentStatus, ReplicaSetStatus and DaemonSetStatus tag only their conditions.
  WorkloadStatus: { conditions: conditionsByType },
  ServiceSpec: { ports: { strategy: 'merge', mergeKey: 'port' } },
  ServiceStatus: { conditions: conditionsByType },
  NodeSpec: { podCIDRs: { strategy: 'merge' } },
  NodeStatus: {
    conditions: conditionsByType,
    addresses: { strategy: 'merge', mergeKey: 'type' },
  },
  NamespaceStatus: { conditions: conditionsByType },
}

const metadata: FieldTag = { type: 'ObjectMeta' }

/** Each kind's top-level fields that hold a tagged struct. */
const kinds: Record<string, Record<string, FieldTag>> = {
  Pod: { metadata, spec: { type: 'PodSpec' }, status: { type: 'PodStatus' } },
  Deployment: { metadata, spec: { type: 'DeploymentSpec' }, status: { type: 'WorkloadStatus' } },
  ReplicaSet: { metadata, spec: { type: 'ReplicaSetSpec' }, status: { type: 'WorkloadStatus' } },
  DaemonSet: { metadata, spec: { type: 'DaemonSetSpec' }, status: { type: 'WorkloadStatus' } },
  Service: { metadata, spec: { type: 'ServiceSpec' }, status: { type: 'ServiceStatus' } },
  Node: { metadata, spec: { type: 'NodeSpec' }, status: { type: 'NodeStatus' } },
  Namespace: { metadata, status: { type: 'NamespaceStatus' } },
  ServiceAccount: { metadata, secrets: { strategy: 'merge', mergeKey: 'name' } },
  ConfigMap: { metadata },
  Secret: { metadata },
  Endpoints: { metadata },
  EndpointSlice: { metadata },
  Event: { metadata },
  Scale: { metadata },
}

/** Dotted path → tags, for every tagged field reachable from `fields`. */
function flatten(fields: Record<string, FieldTag>, prefix: string, into: Record<string, FieldPatchMeta>): Record<string, FieldPatchMeta> {
  for (const [name, { type, ...meta }] of Object.entries(fields)) {
    const path = prefix ? `${prefix}.${name}` : name
    if (meta.strategy !== undefined || meta.mergeKey !== undefined) into[path] = Object.freeze(meta)
    if (type !== undefined) flatten(structs[type], path, into)
  }
  return into
}

function freezeTable(kind: string): Readonly<Record<string, FieldPatchMeta>> {
  return Object.freeze(flatten(kinds[kind] ?? { metadata }, '', {}))
}

/**
 * The patch metadata of each kind Coxswain serves, keyed by kind, then by dotted field path:
 * `kubernetesPatchMeta.Deployment['spec.template.spec.containers']` is `{ strategy: 'merge', mergeKey: 'name' }`.
 */
export const kubernetesPatchMeta: Readonly<Record<string, Readonly<Record<string, FieldPatchMeta>>>> = Object.freeze(
  Object.fromEntries(Object.keys(kinds).map((kind) => [kind, freezeTable(kind)])),
)

/** Tags every object has (ObjectMeta's), for a kind not in the table. */
const objectMetaOnly = freezeTable('')

const untagged: FieldPatchMeta = Object.freeze({})

/**
 * The lookup a strategic merge patch of `kind` uses. A kind not in the table still gets ObjectMeta's
 * tags (owner references merge by uid, finalizers as a set); all its other lists are replaced.
 */
export function patchMetaFor(kind: string): PatchMeta {
  const table = Object.hasOwn(kubernetesPatchMeta, kind) ? (kubernetesPatchMeta[kind] ?? objectMetaOnly) : objectMetaOnly
  // Match on the segments, not a joined string, so a field named "a.b" never matches path a → b.
  const byPath = new Map(Object.entries(table).map(([path, meta]) => [JSON.stringify(path.split('.')), meta]))
  return (path) => byPath.get(JSON.stringify(path)) ?? untagged
}

/** No tags at all: every list is replaced (a strategic merge patch then behaves like a JSON merge patch). */
export const noPatchMeta: PatchMeta = () => untagged
