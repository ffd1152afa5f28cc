// Default NoExecute tolerations for the node-lifecycle taints, as Kubernetes' DefaultTolerationSeconds
// admission plugin adds them to every new pod that does not tolerate those taints already. The
// node-lifecycle controller evicts a pod from a node tainted not-ready or unreachable when this
// time runs out.
//
// Kubernetes defaults both to 300 s, on top of 40–50 s before a node is even marked NotReady: about
// six minutes of outage for a dead machine. Coxswain's defaults are much shorter, for its reasons:
//  - unreachable: 2 s. Coxswain learns a node is gone from its SSH connection: a reset in
//    milliseconds, a silent fault after 3 missed 1-s keepalives. That 3 s of silence is already
//    the debounce against a blip; 2 s more rides out a connection reset by a restarting sshd or
//    router while keeping a powered-off node's pods back within the 5 s target plus start time.
//    The controller never evicts when every node is unreachable at once (the control plane itself
//    is cut off, e.g. a laptop that slept), so short does not mean reckless.
//  - not-ready: 10 s. The node answers but its Docker engine does not: usually dockerd restarting
//    (containers come back by their restart policies within seconds), so waiting longer costs
//    little and saves needless rescheduling.
// Both are settings of the API server (ControlPlaneOptions.defaultTolerationSeconds); a pod's own
// toleration for either taint always wins.

import { TAINT_NOT_READY, TAINT_UNREACHABLE, toleratesTaint } from '../taints.ts'
import type { Pod, Toleration } from '../types/pod.ts'

export interface DefaultTolerationSeconds {
  notReady: number
  unreachable: number
}

export const DEFAULT_TOLERATION_SECONDS: DefaultTolerationSeconds = { notReady: 10, unreachable: 2 }

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
