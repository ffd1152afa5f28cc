// What differs between kinds on the write path, as kube-apiserver's per-kind "strategies" say it:
// what a create resets, what an update may not touch, what a status write may change, when
// `generation` moves, and which kinds delete gracefully. The API server runs the common path and
// asks the strategy at each of these points. Functions here modify the object they are given
// (always the API server's private copy).

import type { KubeObject, Namespace, Pod, ResourceType } from '../../api/index.ts'
import { jsonEqual, type JsonValue } from '../patch/json.ts'
import { podQOSClass } from './pod-qos.ts'

/** The finalizer a namespace carries until the namespace controller has emptied it. */
export const NAMESPACE_FINALIZER = 'kubernetes'

type Fields = Record<string, unknown>

export interface Strategy {
  /** The kind has a `status` subresource: creates reset status, main-resource updates keep the stored one. */
  readonly hasStatus: boolean
  /** PUT to a missing object creates it (Endpoints, Events), as in Kubernetes. */
  readonly allowCreateOnUpdate: boolean
  /** On the raw body of a create, before admission: reset what clients may not set. */
  prepareForCreate(obj: KubeObject): void
  /** On the admitted object of a create: values computed from the defaulted object. */
  finishCreate(obj: KubeObject): void
  /** On the body of a main-resource update, before admission: keep what only subresources change. */
  prepareForUpdate(next: KubeObject, old: KubeObject): void
  /** The object a status write stores: the old one with the new status and the metadata a status write may change. */
  statusUpdate(next: KubeObject, old: KubeObject): KubeObject
  /** Whether an admitted update moves `metadata.generation`. */
  bumpsGeneration(next: KubeObject, old: KubeObject): boolean
}

const fieldsOf = (obj: KubeObject): Fields => obj as unknown as Fields
const equal = (a: unknown, b: unknown): boolean => jsonEqual(a as JsonValue | undefined, b as JsonValue | undefined)

function copyField(to: KubeObject, from: KubeObject, field: string): void {
  const source = fieldsOf(from)
  const target = fieldsOf(to)
  if (source[field] === undefined) Reflect.deleteProperty(target, field)
  else target[field] = structuredClone(source[field])
}

/** The top-level fields that are neither type, metadata nor status: what a "spec" is for kinds without one. */
function contentOf(obj: KubeObject): Fields {
  const out: Fields = {}
  for (const [k, v] of Object.entries(fieldsOf(obj))) if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k) && v !== undefined) out[k] = v
  return out
}

function baseStrategy(r: ResourceType): Strategy {
  const hasStatus = r.subresources.some((s) => s.name === 'status')
  const hasSpec = Object.hasOwn(r.schema.fields, 'spec')
  return {
    hasStatus,
    allowCreateOnUpdate: false,
    prepareForCreate(obj) {
      if (hasStatus) delete fieldsOf(obj).status
    },
    finishCreate() {},
    prepareForUpdate(next, old) {
      if (hasStatus) copyField(next, old, 'status')
    },
    statusUpdate(next, old) {
      const out = structuredClone(old)
      copyField(out, next, 'status')
      out.metadata = structuredClone(next.metadata)
      return out
    },
    bumpsGeneration(next, old) {
      return hasSpec ? !equal(fieldsOf(next).spec, fieldsOf(old).spec) : !equal(contentOf(next), contentOf(old))
    },
  }
}

function podStrategy(r: ResourceType): Strategy {
  const base = baseStrategy(r)
  return {
    ...base,
    prepareForCreate(obj) {
      fieldsOf(obj).status = { phase: 'Pending' }
    },
    finishCreate(obj) {
      const pod = obj as Pod
      pod.status = { ...pod.status, qosClass: podQOSClass(pod) }
    },
    statusUpdate(next, old) {
      // Old kubelets corrupted owner references through pods/status, so Kubernetes ignores them there.
      const out = base.statusUpdate(next, old)
      out.metadata.ownerReferences = structuredClone(old.metadata.ownerReferences)
      if (!out.metadata.ownerReferences) delete out.metadata.ownerReferences
      return out
    },
  }
}

function namespaceStrategy(r: ResourceType): Strategy {
  const base = baseStrategy(r)
  return {
    ...base,
    prepareForCreate(obj) {
      const ns = obj as Namespace
      ns.status = { phase: 'Active' }
      const finalizers = Array.isArray(ns.spec?.finalizers) ? ns.spec.finalizers : []
      if (!finalizers.includes(NAMESPACE_FINALIZER)) ns.spec = { ...ns.spec, finalizers: [...finalizers, NAMESPACE_FINALIZER] }
    },
    prepareForUpdate(next, old) {
      // spec.finalizers changes only through namespaces/finalize.
      base.prepareForUpdate(next, old)
      const n = next as Namespace
      const o = old as Namespace
      if (o.spec?.finalizers) n.spec = { ...n.spec, finalizers: [...o.spec.finalizers] }
      else if (n.spec) delete n.spec.finalizers
    },
  }
}

/** Nodes may report status on create (a node registers itself with its capacity). */
function nodeStrategy(r: ResourceType): Strategy {
  return { ...baseStrategy(r), prepareForCreate() {} }
}

/** apps kinds keep their labels on a status write; Deployments also bump generation on annotation changes. */
function appsStrategy(r: ResourceType): Strategy {
  const base = baseStrategy(r)
  return {
    ...base,
    statusUpdate(next, old) {
      const out = base.statusUpdate(next, old)
      out.metadata.labels = structuredClone(old.metadata.labels)
      if (!out.metadata.labels) delete out.metadata.labels
      return out
    },
    bumpsGeneration(next, old) {
      // Annotations are copied from a Deployment to its ReplicaSets, so they count as desired state.
      if (r.kind === 'Deployment' && !equal(next.metadata.annotations ?? {}, old.metadata.annotations ?? {})) return true
      return base.bumpsGeneration(next, old)
    },
  }
}

function createOnUpdate(r: ResourceType): Strategy {
  return { ...baseStrategy(r), allowCreateOnUpdate: true }
}

export function strategyFor(r: ResourceType): Strategy {
  if (r.group === '') {
    switch (r.kind) {
      case 'Pod':
        return podStrategy(r)
      case 'Namespace':
        return namespaceStrategy(r)
      case 'Node':
        return nodeStrategy(r)
      case 'Endpoints':
      case 'Event':
        return createOnUpdate(r)
    }
  }
  if (r.group === 'apps') return appsStrategy(r)
  return baseStrategy(r)
}

/** Whether a pod has finished for good (its containers will not run again). */
export function isTerminalPod(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
}

/**
 * The grace period a pod's deletion gets, as Kubernetes' CheckGracefulDelete: the request's, else
 * the pod's terminationGracePeriodSeconds; 0 for a pod not bound to a node or already terminal
 * (nothing runs that needs stopping); negative values mean 1.
 */
export function podDeletionGracePeriod(pod: Pod, requested: number | undefined): number {
  let period = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 0
  if (!pod.spec?.nodeName || isTerminalPod(pod)) period = 0
  return period < 0 ? 1 : period
}
