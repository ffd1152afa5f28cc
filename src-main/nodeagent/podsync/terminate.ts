// Ending a pod on this node, as the kubelet does: for a pod being deleted, preStop hooks and SIGTERM
// within what is left of its grace period, SIGKILL after it (docker stop -t), then its containers,
// volumes and node directory go and the pod object is deleted for good (grace 0, UID precondition).
// For containers whose pod is gone (deleted with grace 0, or bound elsewhere now), the same clean-up
// at once. Both are safe to repeat after a crash at any point: they start from what Docker shows.

import type { Pod } from '../../api/types/pod.ts'
import { ApiError } from '../../apiserver/errors.ts'
import { MANAGED_LABEL, POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL } from '../pods/names.ts'
import { containerRef, scopeList, type SyncContext } from './context.ts'
import { newestFirst, observePod } from './observe.ts'
import { isRunning } from './plan.ts'
import { podRef } from './status.ts'
import { REASON_KILLING } from './sync-pod.ts'
import { podDir } from './volumes.ts'

export const REASON_FAILED_PRE_STOP_HOOK = 'FailedPreStopHook'

/**
 * Seconds of grace left: deletionTimestamp − now, never more than deletionGracePeriodSeconds. The
 * timestamp is cut to whole seconds, so the deletion may have been asked up to a second after it
 * says: that second counts as left.
 */
export function remainingGrace(pod: Pod, now: Date): number {
  const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30
  const at = pod.metadata.deletionTimestamp ? Date.parse(pod.metadata.deletionTimestamp) : NaN
  if (Number.isNaN(at)) return grace
  return Math.max(0, Math.min(grace, (at + 999 - now.getTime()) / 1000))
}

/** Stops and removes a pod being deleted, then deletes its object. Resolves when done. */
export async function terminatePod(sc: SyncContext, pod: Pod): Promise<void> {
  const uid = pod.metadata.uid ?? ''
  sc.probes.remove(uid)
  const containers = await observePod(sc.runtime, uid, scopeList(sc.settings), sc.imageInfo)
  const deadline = Date.now() + remainingGrace(pod, sc.now()) * 1000
  const current = new Map<string, (typeof containers)[number]>()
  for (const c of [...containers].sort(newestFirst)) if (!current.has(`${c.role}/${c.name}`)) current.set(`${c.role}/${c.name}`, c)
  const running = [...current.values()].filter((c) => c.role !== 'infra' && isRunning(c))
  const podIP = pod.status?.podIP ?? ''

  // preStop hooks run side by side and count against the grace period.
  await Promise.all(
    running.map(async (c) => {
      const spec = pod.spec?.containers.find((s) => s.name === c.name)
      const hook = c.role === 'app' && c.state === 'running' ? spec?.lifecycle?.preStop : undefined
      if (!spec || !hook) return
      const result = await sc.actions.hook(hook, { containerId: c.id, container: spec, podIP }, Math.max(0, deadline - Date.now()), sc.stopping)
      if (!result.ok) sc.recorder.event(containerRef(pod, 'app', c.name), 'Warning', REASON_FAILED_PRE_STOP_HOOK, `PreStopHook failed: ${result.output}`)
    }),
  )
  // Docker takes whole seconds; round down, except what is within 50 ms of the next one.
  const left = Math.max(0, Math.floor((deadline - Date.now()) / 1000 + 0.05))
  await Promise.all(
    running.map(async (c) => {
      sc.recorder.event(containerRef(pod, c.role, c.name), 'Normal', REASON_KILLING, `Stopping container ${c.name}`)
      await sc.runtime.stopContainer(c.id, left)
    }),
  )
  for (const c of containers) if (c.role === 'infra' && isRunning(c)) await sc.runtime.stopContainer(c.id, 0)

  await removePodArtifacts(sc, uid, containers.map((c) => c.id))
  try {
    await sc.api.delete(podRef(pod), { gracePeriodSeconds: 0, preconditions: { uid } }, sc.ctx)
  } catch (err) {
    // Gone already, or a new pod of the same name (another UID): nothing of ours left to delete.
    if (!(err instanceof ApiError) || (err.code !== 404 && err.code !== 409)) throw err
  }
  sc.log.info('pod terminated', { pod: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`, uid })
}

/** Removes containers (`ids`), volumes and the node directory of pod `uid`, and forgets it. */
export async function removePodArtifacts(sc: SyncContext, uid: string, ids: string[]): Promise<void> {
  // The directory first: containers still bind it, but removing a bound directory is fine, and a
  // crash after it leaves containers behind that the next resync finds (a directory alone it would not).
  const dir = await sc.shell.run(['rm', '-rf', podDir(sc.settings.podsDir, uid), podDir(sc.settings.secretsDir, uid)], { timeoutMs: sc.settings.shellTimeoutMs })
  if (dir.code !== 0) throw new Error(`remove the directory of pod ${uid} on ${sc.settings.nodeName}: ${dir.stderr.trim()}`)
  await Promise.all(ids.map((id) => sc.runtime.removeContainer(id)))
  for (const name of await sc.runtime.listVolumes([`${MANAGED_LABEL}=true`, `${POD_UID_LABEL}=${uid}`, ...scopeList(sc.settings)])) {
    await sc.runtime.removeVolume(name)
  }
  forgetPod(sc, uid)
}

export function forgetPod(sc: SyncContext, uid: string): void {
  sc.probes.remove(uid)
  for (const [id, entry] of sc.unhealthy) if (entry.uid === uid) sc.unhealthy.delete(id)
  sc.ips.release(uid)
  sc.waiting.delete(uid)
  sc.writtenVolumes.delete(uid)
  sc.crashBackoff.forgetPrefix(`${uid}/`)
  sc.images.forget(uid)
}

/**
 * Cleans up after pod `uid`, which the agent's pod cache does not hold: removes its containers and
 * volumes at once — unless the API server says the pod is bound here after all (the cache lagging).
 * Answers true when it found the pod alive.
 */
export async function cleanUpOrphan(sc: SyncContext, uid: string): Promise<boolean> {
  const labels = [`${MANAGED_LABEL}=true`, `${POD_UID_LABEL}=${uid}`, ...scopeList(sc.settings)]
  const containers = await sc.runtime.listContainers(labels)
  const volumes = await sc.runtime.listVolumes(labels)
  if (!containers.length && !volumes.length) {
    forgetPod(sc, uid)
    return false
  }
  const some = containers[0]?.labels ?? {}
  const namespace = some[POD_NAMESPACE_LABEL]
  const name = some[POD_NAME_LABEL]
  if (namespace && name) {
    try {
      const pod = (await sc.api.get(podRef({ metadata: { namespace, name } } as Pod), sc.ctx)) as Pod
      if (pod.metadata.uid === uid && pod.spec?.nodeName === sc.settings.nodeName) return true
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 404) throw err
    }
  }
  sc.log.info('removing containers of a pod that is gone or bound elsewhere', { pod: `${namespace ?? '?'}/${name ?? '?'}`, uid, containers: containers.length })
  await removePodArtifacts(sc, uid, containers.map((c) => c.id))
  return false
}
