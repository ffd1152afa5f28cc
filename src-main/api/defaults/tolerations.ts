// Default NoExecute tolerations for the node-lifecycle taints, as Kubernetes' DefaultTolerationSeconds
// admission plugin adds them to every new pod that does not tolerate those taints already. The
// node-lifecycle controller evicts a pod from a node tainted not-ready or unreachable when this
// time runs out.
//
// Kubernetes defaults both to 300 s, on top of 40–50 s before a node is even marked NotReady: about
// six minutes of outage for a dead machine. Coxswain's defaults are much shorter, for its reasons:
//  - unreachable: 0 s. Coxswain learns a node is gone from its SSH connection: a reset in
//    milliseconds, a silent fault after 3 missed 1-s keepalives. Those 3 s of silence are already
//    the debounce against a blip; any wait on top only lengthens the outage (measured on the lab,
//    bench:failover: 2 s more took the median from fault to replacements Ready from ~5 s to ~6–7 s).
//    What makes this safe rather than reckless: the node-lifecycle controller evicts nothing while
//    every node is unreachable at once (the control plane itself is cut off, e.g. a laptop that
//    slept), and a node that returns removes the evicted pods' containers before it is Ready again,
//    so a false alarm costs a restart elsewhere, never a pod running twice on its return.
//  - not-ready: 10 s. The node answers but its Docker engine does not: usually dockerd restarting
//    (containers come back by their restart policies within seconds), so waiting costs little and
//    saves needless rescheduling.
// Both are settings of the API server (ControlPlaneOptions.defaultTolerationSeconds); a pod's own
// toleration for either taint always wins (e.g. tolerationSeconds: 30 for a pod that would rather
// wait out a short partition than restart).

import { TAINT_NOT_READY, TAINT_UNREACHABLE, toleratesTaint } from '../taints.ts'
import type { Pod, Toleration } from '../types/pod.ts'

export interface DefaultTolerationSeconds {
  notReady: number
  unreachable: number
}

export const DEFAULT_TOLERATION_SECONDS: DefaultTolerationSeconds = { notReady: 10, unreachable: 0 }

/** `pod` with the default tolerations it lacks (a new object; `pod` is not modified). */
export function withDefaultTolerations(pod: Pod, seconds: DefaultTolerationSeconds = DEFAULT_TOLERATION_SECONDS): Pod {
  const existing = pod.spec?.tolerations ?? []
  const added: Toleration[] = []
  for (const [key, s] of [
    [TAINT_NOT_READY, seconds.notReady],
    [TAINT_UNREACHABLE, seconds.unreachable],
  ] as const) {
    if (existing.some((t) => toleratesTaint(t, { key, effect: 'NoExecute' }))) continue
    added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: s })
  }
  if (added.length === 0 || !pod.spec) return pod
  return { ...pod, spec: { ...pod.spec, tolerations: [...existing, ...added] } }
}
