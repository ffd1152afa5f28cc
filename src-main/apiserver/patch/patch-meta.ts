// How a strategic merge patch treats each field: Kubernetes reads this from the `patchStrategy` and
// `patchMergeKey` struct tags of its Go API types. Here the schemas in src-main/api carry the same
// tags (one source for types, validation, OpenAPI and patching); this module looks them up by kind.
// Untagged fields behave as in a JSON merge patch: objects merge, lists are replaced whole. That
// includes lists some people expect to merge but Kubernetes does not: tolerations, envFrom, Node
// taints, Endpoints subsets, container statuses, Namespace spec.finalizers, readinessGates.

import { RESOURCES, patchMetaFor as schemaPatchMeta } from '../../api/index.ts'
import { objectMetaSchema, scaleSchema } from '../../api/schema/meta.ts'
import type { ObjectNode } from '../../api/schema/dsl.ts'

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

const untagged: FieldPatchMeta = Object.freeze({})

function fromSchema(root: ObjectNode): PatchMeta {
  const lookup = schemaPatchMeta(root)
  return (path) => {
    const meta = lookup(path)
    return meta.strategy === undefined && meta.mergeKey === undefined ? untagged : (meta as FieldPatchMeta)
  }
}

const objectMetaOnly = fromSchema(objectMetaSchema)

/**
 * The lookup a strategic merge patch of `kind` uses. A kind Coxswain does not serve still gets
 * ObjectMeta's tags (owner references merge by uid, finalizers as a set); its other lists are replaced.
 */
export function patchMetaFor(kind: string): PatchMeta {
  if (kind === 'Scale') return fromSchema(scaleSchema)
  const resource = RESOURCES.find((r) => r.kind === kind)
  if (!resource) return (path) => (path[0] === 'metadata' ? objectMetaOnly(path.slice(1)) : untagged)
  return fromSchema(resource.schema)
}

/** No tags at all: every list is replaced (a strategic merge patch then behaves like a JSON merge patch). */
export const noPatchMeta: PatchMeta = () => untagged
