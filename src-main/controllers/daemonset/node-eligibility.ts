// Which nodes a DaemonSet's pod belongs on, as daemon_controller's NodeShouldRunDaemonPod: the
// node matches the template's nodeSelector and required node affinity, and the pod tolerates the
// node's taints — NoSchedule and NoExecute for a new pod, only NoExecute for one already there
// (NoSchedule does not evict). Daemon pods carry Kubernetes' default daemon tolerations, so a
// not-ready, unreachable or cordoned node keeps its daemons.

import type { Node, PodSpec, Toleration } from '../../api/index.ts'
import { podMatchesNodeSelectorAndAffinity } from '../../api/node-affinity.ts'
import { toleratesTaint } from '../../api/taints.ts'

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

/** nodeSelector and required node affinity, exactly as the scheduler's NodeAffinity filter reads them. */
export function nodeMatches(spec: PodSpec | undefined, node: Node): boolean {
  return podMatchesNodeSelectorAndAffinity({ apiVersion: 'v1', kind: 'Pod', metadata: {}, ...(spec ? { spec } : {}) }, node)
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
  const untolerated = (effects: readonly string[]): boolean => taints.some((taint) => effects.includes(taint.effect) && !tolerations.some((t) => toleratesTaint(t, taint)))
  return { shouldRun: !untolerated(['NoSchedule', 'NoExecute']), shouldContinueRunning: !untolerated(['NoExecute']) }
}
