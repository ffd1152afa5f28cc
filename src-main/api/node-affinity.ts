// Node selector terms (nodeAffinity) against a node, as Kubernetes' shared nodeaffinity helpers (the
// scheduler, the DaemonSet controller): terms
// are ORed, a term's requirements ANDed; a term with no requirements matches nothing; matchFields
// supports `metadata.name` only (what DaemonSet controllers use to pin a pod to a node).

import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from './index.ts'

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? []
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value)
    case 'NotIn':
      return value === undefined || !values.includes(value)
    case 'Exists':
      return value !== undefined
    case 'DoesNotExist':
      return value === undefined
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1 || !/^-?[0-9]+$/.test(value) || !/^-?[0-9]+$/.test(values[0] ?? '')) return false
      const actual = BigInt(value)
      const bound = BigInt(values[0] ?? '0')
      return r.operator === 'Gt' ? actual > bound : actual < bound
    }
    default:
      return false
  }
}

export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? []
  const fields = term.matchFields ?? []
  if (exprs.length === 0 && fields.length === 0) return false
  const labels = node.metadata.labels ?? {}
  for (const r of exprs) if (!requirementMatches(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined)) return false
  for (const r of fields) {
    if (r.key !== 'metadata.name') return false
    if (!requirementMatches(r, node.metadata.name)) return false
  }
  return true
}

/** spec.nodeSelector and required node affinity together, as the NodeAffinity filter applies them. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {}
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[key] !== value || !Object.hasOwn(labels, key)) return false
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
  if (!required) return true
  return required.nodeSelectorTerms.some((t) => termMatches(t, node))
}

/** The node name a DaemonSet-style pod is pinned to (`matchFields metadata.name In [x]` in every term), if any. */
export function pinnedNodeName(pod: Pod): string | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []
  let pinned: string | undefined
  for (const term of terms) {
    const field = (term.matchFields ?? []).find((f) => f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1)
    const name = field?.values?.[0]
    if (name === undefined || (pinned !== undefined && pinned !== name)) return undefined
    pinned = name
  }
  return pinned
}
