// Strategic-merge-patch metadata read from the schemas, so the patch code and the OpenAPI
// documents share one source: Kubernetes keeps the same facts in its Go struct tags
// (`patchStrategy`, `patchMergeKey`).

import type { ObjectNode, SchemaNode } from './dsl.ts'

export interface FieldPatchMeta {
  /** "merge", "retainKeys" or "merge,retainKeys"; absent: objects merge, lists are replaced. */
  strategy?: string
  /** For a merged list of objects: the field identifying an element ("name" for containers). */
  mergeKey?: string
}

function step(node: SchemaNode | undefined, segment: string): SchemaNode | undefined {
  let n = node
  while (n?.kind === 'array') n = n.items
  if (n?.kind === 'object') return Object.hasOwn(n.fields, segment) ? n.fields[segment] : undefined
  if (n?.kind === 'map') return n.values
  return undefined
}

/**
 * The patch metadata of the field at `path` — field names from the object's root, without list
 * indices (`['spec', 'template', 'spec', 'containers', 'env']`). `{}` for untagged fields.
 */
export function patchMetaFor(root: ObjectNode): (path: readonly string[]) => FieldPatchMeta {
  return (path) => {
    let node: SchemaNode | undefined = root
    for (const segment of path) node = step(node, segment)
    if (node?.kind === 'array') {
      const meta: FieldPatchMeta = {}
      if (node.list?.patchStrategy) meta.strategy = node.list.patchStrategy
      if (node.list?.patchMergeKey) meta.mergeKey = node.list.patchMergeKey
      return meta
    }
    if (node?.kind === 'object' && node.patchStrategy) return { strategy: node.patchStrategy }
    return {}
  }
}
