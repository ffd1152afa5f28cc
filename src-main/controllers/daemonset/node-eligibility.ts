// Which nodes a DaemonSet's pod belongs on, as daemon_controller's NodeShouldRunDaemonPod: the
// node matches the template's nodeSelector and required node affinity, and the pod tolerates the
// node's taints — NoSchedule and NoExecute for a new pod, only NoExecute for one already there
// (NoSchedule does not evict). Daemon pods carry Kubernetes' default daemon tolerations, so a
// not-ready, unreachable or cordoned node keeps its daemons.

import type { Node, NodeSelectorRequirement, PodSpec, Taint, Toleration } from '../../api/index.ts'

/** As daemonutil.AddOrUpdateDaemonPodTolerations. */
export function daemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const defaults: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ]
  if (spec?.hostNetwork) defaults.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' })
  const own = spec?.tolerations ?? []
  const missing = defaults.filter((d) => !own.some((t) => t.key === d.key && t.effect === d.effect && (t.operator ?? 'Equal') === d.operator))
  return [...own, ...missing]
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false
  if (toleration.key && toleration.key !== taint.key) return false
  if (toleration.operator === 'Exists') return true
  if (!toleration.key) return false
  return (toleration.value ?? '') === (taint.value ?? '')
}

function matchesRequirement(labels: Record<string, string>, r: NodeSelectorRequirement): boolean {
  const value = labels[r.key]
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
      return value !== undefined && Number(value) > Number(values[0])
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0])
    default:
      return false
  }
}

/** nodeSelector and required node affinity (terms ORed, requirements ANDed; matchFields on metadata.name). */
export function nodeMatches(spec: PodSpec | undefined, node: Node): boolean {
  const labels = node.metadata.labels ?? {}
  for (const [key, value] of Object.entries(spec?.nodeSelector ?? {})) if (labels[key] !== value) return false
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
  if (!terms || terms.length === 0) return true
  const fields = { 'metadata.name': node.metadata.name ?? '' }
  return terms.some(
    (term) =>
      (term.matchExpressions?.length || term.matchFields?.length) &&
      (term.matchExpressions ?? []).every((r) => matchesRequirement(labels, r)) &&
      (term.matchFields ?? []).every((r) => matchesRequirement(fields, r)),
  )
}

export interface Eligibility {
  /** A new daemon pod may be placed here. */
  shouldRun: boolean
  /** A daemon pod already here may stay. */
  shouldContinueRunning: boolean
}

export function eligibility(spec: PodSpec | undefined, node: Node): Eligibility {
  if (!nodeMatches(spec, node)) return { shouldRun: false, shouldContinueRunning: false }
  const tolerations = daemonTolerations(spec)
  const taints = node.spec?.taints ?? []
  const untolerated = (effects: readonly string[]): boolean => taints.some((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)))
  return { shouldRun: !untolerated(['NoSchedule', 'NoExecute']), shouldContinueRunning: !untolerated(['NoExecute']) }
}
