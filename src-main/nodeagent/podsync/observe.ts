// Docker's view of one pod: every container carrying the pod's UID, inspected and normalised
// (parseDockerInspect) plus the exact start and end times the recreate rules compare (Kubernetes
// times are whole seconds; "infra started after its joiner" needs Docker's nanoseconds).

import { parseDockerInspect, type DockerContainerInspect, type ObservedContainer } from '../pods/docker-inspect.ts'
import { MANAGED_LABEL, POD_UID_LABEL } from '../pods/names.ts'
import type { ContainerRuntime, ImageInfo } from './runtime.ts'

export interface RuntimeContainer extends ObservedContainer {
  /** Docker's State.StartedAt in ns since the epoch; 0n if it never started. */
  startedNs: bigint
  /** Docker's State.FinishedAt in ms since the epoch; 0 if it never finished. */
  finishedMs: number
}

/** RFC 3339 with up to nine fraction digits → ns since the epoch; 0n for Go's zero time or garbage. */
export function rfc3339Nanos(value: string | undefined): bigint {
  if (!value || value.startsWith('0001-01-01')) return 0n
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(value)
  if (!m) return 0n
  const seconds = Date.parse(`${m[1]}${m[3]}`)
  if (Number.isNaN(seconds)) return 0n
  return BigInt(seconds) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'))
}

/** The normalised container with its exact times; null for a container not made for a pod. */
export function toRuntimeContainer(inspect: DockerContainerInspect, image?: ImageInfo | null): RuntimeContainer | null {
  const observed = parseDockerInspect(inspect, image ? { RepoDigests: image.repoDigests } : undefined)
  if (!observed) return null
  return {
    ...observed,
    startedNs: rfc3339Nanos(inspect.State.StartedAt),
    finishedMs: Number(rfc3339Nanos(inspect.State.FinishedAt) / 1_000_000n),
  }
}

/** Remembers image inspect answers by image ID (an ID's digests never change). */
export class ImageInfoCache {
  readonly #byId = new Map<string, ImageInfo | null>()

  async get(runtime: ContainerRuntime, imageId: string): Promise<ImageInfo | null> {
    if (this.#byId.has(imageId)) return this.#byId.get(imageId) ?? null
    const info = await runtime.inspectImage(imageId)
    if (this.#byId.size > 1000) this.#byId.clear()
    this.#byId.set(imageId, info)
    return info
  }
}

/** Every container of pod `uid` on the node (all roles and attempts), inspected. */
export async function observePod(runtime: ContainerRuntime, uid: string, scope: string[], images: ImageInfoCache): Promise<RuntimeContainer[]> {
  const summaries = await runtime.listContainers([`${MANAGED_LABEL}=true`, `${POD_UID_LABEL}=${uid}`, ...scope])
  return observeContainers(runtime, uid, summaries.map((s) => s.id), images)
}

/** Containers `ids` of pod `uid`, inspected; gone ones and ones of another pod left out. */
export async function observeContainers(runtime: ContainerRuntime, uid: string, ids: string[], images: ImageInfoCache): Promise<RuntimeContainer[]> {
  const inspected = await Promise.all(ids.map((id) => runtime.inspectContainer(id)))
  const out: RuntimeContainer[] = []
  for (const info of inspected) {
    if (!info) continue
    const image = await images.get(runtime, info.Image).catch(() => null)
    const container = toRuntimeContainer(info, image)
    if (container && container.podUID === uid) out.push(container)
  }
  return out
}

/** Newest first: by attempt, then by start time, then by creation. */
export function newestFirst(a: RuntimeContainer, b: RuntimeContainer): number {
  if (a.attempt !== b.attempt) return b.attempt - a.attempt
  if (a.startedNs !== b.startedNs) return a.startedNs > b.startedNs ? -1 : 1
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0
}
