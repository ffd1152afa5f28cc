// Taking a node out of the cluster gently, as `kubectl drain` does: cordon it so nothing new lands
// there, evict (delete) its pods so their controllers start replacements elsewhere, and wait —
// bounded — for them to go. Pods still there when the wait ends (the node does not answer, or no
// pod sync runs there) are force-deleted: their node is leaving, so nothing would ever finish them.

import { RESOURCES } from '../../apiserver/resources.ts'
import type { KubeObject, Pod } from '../../api/index.ts'
import { ApiError } from '../../apiserver/errors.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'
import type { Logger } from '../../util/log.ts'

const PODS: ResourceRef = RESOURCES.pods
const NODES: ResourceRef = RESOURCES.nodes
/** Waited beyond the longest grace period before giving up on a pod. */
const GRACE_MARGIN_MS = 5_000

export interface DrainOptions {
  api: ApiServerVerbs
  ctx: RequestContext
  nodeName: string
  /** Longest wait for evicted pods to go. */
  timeoutMs: number
  /** Skip cordon, eviction and the wait: force-delete the pods at once. */
  force: boolean
  signal?: AbortSignal
  log: Logger
}

export interface DrainResult {
  /** Pods deleted gracefully. */
  evicted: string[]
  /** Pods force-deleted because they did not go in time (or `force`). */
  forced: string[]
}

const key = (p: KubeObject): string => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`
const isCode = (err: unknown, code: number): boolean => err instanceof ApiError && err.code === code

/** Marks the node unschedulable; a node that is gone needs no cordon. */
export async function cordon(api: ApiServerVerbs, ctx: RequestContext, nodeName: string): Promise<void> {
  try {
    await api.patch({ ...NODES, name: nodeName }, 'application/merge-patch+json', { spec: { unschedulable: true } }, ctx)
  } catch (err) {
    if (!isCode(err, 404)) throw err
  }
}

async function podsOn(api: ApiServerVerbs, ctx: RequestContext, nodeName: string): Promise<{ pods: Pod[]; resourceVersion: string | undefined }> {
  const list = await api.list(PODS, { fieldSelector: `spec.nodeName=${nodeName}` }, ctx)
  return { pods: list.items as Pod[], resourceVersion: list.metadata.resourceVersion }
}

async function deletePod(api: ApiServerVerbs, ctx: RequestContext, pod: Pod, gracePeriodSeconds?: number): Promise<void> {
  try {
    await api.delete({ ...PODS, namespace: pod.metadata.namespace, name: pod.metadata.name }, gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }, ctx)
  } catch (err) {
    if (!isCode(err, 404)) throw err
  }
}

/** Resolves with the pods of `waiting` still on the node when they are all gone, the time is up, or `signal` aborts. */
async function waitForPodsGone(
  api: ApiServerVerbs,
  ctx: RequestContext,
  nodeName: string,
  resourceVersion: string | undefined,
  waiting: Set<string>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Set<string>> {
  if (waiting.size === 0 || signal?.aborted) return waiting
  const watch = await api.watch(PODS, { fieldSelector: `spec.nodeName=${nodeName}`, resourceVersion }, ctx)
  const stop = (): void => watch.stop()
  const timer = setTimeout(stop, timeoutMs)
  signal?.addEventListener('abort', stop, { once: true })
  try {
    for await (const event of watch) {
      if (event.type === 'DELETED') waiting.delete(key(event.object as KubeObject))
      if (event.type === 'ERROR') break
      if (waiting.size === 0) break
    }
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', stop)
    watch.stop()
  }
  return waiting
}

export async function drainNode(options: DrainOptions): Promise<DrainResult> {
  const { api, ctx, nodeName, log } = options
  const result: DrainResult = { evicted: [], forced: [] }
  if (!options.force) {
    await cordon(api, ctx, nodeName)
    const { pods, resourceVersion } = await podsOn(api, ctx, nodeName)
    let longestGraceMs = 0
    for (const pod of pods) {
      longestGraceMs = Math.max(longestGraceMs, (pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000)
      if (!pod.metadata.deletionTimestamp) {
        await deletePod(api, ctx, pod)
        result.evicted.push(key(pod))
      }
    }
    const waitMs = Math.min(options.timeoutMs, longestGraceMs + GRACE_MARGIN_MS)
    const left = await waitForPodsGone(api, ctx, nodeName, resourceVersion, new Set(pods.map(key)), waitMs, options.signal)
    if (left.size) log.warn('pods did not leave the node in time; deleting them by force', { node: nodeName, pods: [...left], waitedMs: waitMs })
  }
  if (options.signal?.aborted) return result
  // Whatever is still bound to the node now goes by force (with `force`, everything).
  for (const pod of (await podsOn(api, ctx, nodeName)).pods) {
    await deletePod(api, ctx, pod, 0)
    result.forced.push(key(pod))
  }
  return result
}
