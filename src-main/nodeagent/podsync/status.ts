// Writing a pod's status: computed from Docker's view (computePodStatus), written only when it
// differs from what the API holds, as a compare-and-swap on the pod's resourceVersion (a conflict
// reads the pod again and recomputes once).

import type { Pod, PodStatus } from '../../api/types/pod.ts'
import { ApiError } from '../../apiserver/errors.ts'
import { computePodStatus, type ObservedPod } from '../pods/pod-status.ts'
import { canonicalJSON } from '../pods/spec-hash.ts'
import type { SyncContext } from './context.ts'
import type { RuntimeContainer } from './observe.ts'

export const podRef = (pod: Pod) => ({ group: '', version: 'v1', resource: 'pods', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '' })

export function observedPod(sc: SyncContext, pod: Pod, containers: RuntimeContainer[]): ObservedPod {
  const uid = pod.metadata.uid ?? ''
  const observed: ObservedPod = { containers, probes: sc.probes.results(uid) }
  const hostIP = sc.node().hostIP
  if (hostIP) observed.hostIP = hostIP
  const waiting = sc.waiting.get(uid)
  if (waiting && Object.keys(waiting).length) observed.waiting = waiting
  return observed
}

export function sameStatus(a: PodStatus | undefined, b: PodStatus | undefined): boolean {
  return canonicalJSON(a ?? {}) === canonicalJSON(b ?? {})
}

/** Writes the pod's status if it changed; answers the pod as the API now holds it (null when gone). */
export async function writeStatus(sc: SyncContext, pod: Pod, containers: RuntimeContainer[]): Promise<Pod | null> {
  let current = pod
  for (let attempt = 0; ; attempt++) {
    const next = computePodStatus(current, observedPod(sc, current, containers), sc.now())
    if (sameStatus(next, current.status)) return current
    try {
      const result = await sc.api.update({ ...podRef(current), subresource: 'status' }, { ...current, status: next }, sc.ctx)
      const written = result.object as Pod
      sc.remember(written)
      return written
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      if (err.code === 404) return null
      if (err.code !== 409 || attempt > 0) throw err
      const fresh = (await sc.api.get(podRef(current), sc.ctx).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 404) return null
        throw e
      })) as Pod | null
      if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return null
      sc.remember(fresh)
      current = fresh
    }
  }
}
