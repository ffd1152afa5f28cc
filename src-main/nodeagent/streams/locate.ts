// Which Docker container (and which part of its log) a log or exec request means. A pod's
// containers are found by their labels (pod UID + container name); several may exist for one
// container name — the agent replaces a container with a new one whose `attempt` label is one
// higher and keeps the replaced one for `logs --previous` — and Docker may also have restarted a
// container in place, keeping one log for all of its runs. So:
//
//   current log   the newest container (highest attempt); after in-place restarts, only its
//                 latest run (`since` = the run boundary, runBoundary)
//   previous log  the newest container's earlier runs (`until` = the run boundary) when Docker
//                 restarted it; otherwise the container of the attempt before it
//   exec          the newest container, which must be running
//
// `chooseLogSource` and `chooseExecContainer` are pure; `findContainerRuns` asks Docker.

import type Docker from 'dockerode'
import type { ContainerStatus, Pod } from '../../api/types/pod.ts'
import { dockerCall } from '../docker/client.ts'
import { ATTEMPT_LABEL, CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../pods/names.ts'

/** One Docker container of a pod's container, as far as streams care. */
export interface ContainerRun {
  id: string
  /** The `io.coxswain.container.attempt` label (0 when absent). */
  attempt: number
  /** Docker's creation time in seconds, to order containers of the same attempt. */
  created: number
  /** Docker's state: created, running, paused, restarting, removing, exited, dead. */
  state: string
  /** State.StartedAt (RFC 3339, nanoseconds); undefined when never started. */
  startedAt?: string
  /** State.FinishedAt: the end of the last run that ended; kept by Docker while the container runs again. */
  finishedAt?: string
  /** Docker's in-place restarts of this container. */
  restartCount: number
  /** Created with a TTY: its log and exec output are raw, not multiplexed. */
  tty: boolean
}

/** What to read: a container's log, optionally cut to a time window (Docker timestamps, `seconds.nanoseconds`). */
export interface LogSource {
  containerId: string
  tty: boolean
  since?: string
  until?: string
}

export interface StreamTarget {
  containerName: string
  podName: string
}

/** The kubelet's words for a container that has not started yet. */
export function waitingMessage(target: StreamTarget, reason: string): string {
  const subject = `container ${JSON.stringify(target.containerName)} in pod ${JSON.stringify(target.podName)}`
  switch (reason) {
    case 'ErrImagePull':
      return `${subject} is waiting to start: image can't be pulled`
    case 'ImagePullBackOff':
      return `${subject} is waiting to start: trying and failing to pull image`
    default:
      return `${subject} is waiting to start: ${reason}`
  }
}

export function previousNotFoundMessage(target: StreamTarget): string {
  return `previous terminated container ${JSON.stringify(target.containerName)} in pod ${JSON.stringify(target.podName)} not found`
}

/** Newest first: highest attempt, then latest created. Does not modify `runs`. */
export function newestFirst(runs: readonly ContainerRun[]): ContainerRun[] {
  return [...runs].sort((a, b) => b.attempt - a.attempt || b.created - a.created)
}

/**
 * A Docker timestamp (`State.StartedAt`, RFC 3339 with up to nanoseconds) as the `since`/`until`
 * argument of Docker's logs API: `seconds.nanoseconds`, exact (a JS Date would lose the nanoseconds).
 * Undefined for Docker's zero time and for anything else unreadable.
 */
export function dockerTimestampArg(rfc3339: string | undefined): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(rfc3339 ?? '')
  if (!match) return undefined
  const ms = Date.parse(`${match[1] ?? ''}${match[3] ?? 'Z'}`)
  if (!Number.isFinite(ms) || ms <= 0) return undefined
  return `${Math.floor(ms / 1000)}.${(match[2] ?? '').padEnd(9, '0')}`
}

/** A Docker timestamp argument (`seconds.nanoseconds`) as nanoseconds since the epoch. */
function nanos(ts: string): bigint {
  const [seconds = '0', fraction = ''] = ts.split('.')
  return BigInt(seconds) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9))
}

function fromNanos(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`
}

/** The later of two Docker timestamps (either may be absent). */
export function laterTimestamp(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return nanos(a) >= nanos(b) ? a : b
}

/** Margin before StartedAt when the end of the run before is unknown; a restart waits at least 100 ms. */
export const RUN_BOUNDARY_MARGIN_NS = 50_000_000n

/**
 * Where the latest run of a container Docker restarted in place begins in its one log. Not at
 * StartedAt itself: Docker records StartedAt after the process has begun, so its first lines may be
 * older, and it stamps the last lines of the run before as it reads them, after that run's exit.
 * Between the two runs is Docker's restart delay (at least 100 ms), in which nothing runs: the
 * boundary is the middle of that gap (FinishedAt of the run before → StartedAt), or 50 ms before
 * StartedAt when the gap is not known (the latest run has itself ended).
 */
export function runBoundary(run: Pick<ContainerRun, 'startedAt' | 'finishedAt'>): string | undefined {
  const started = dockerTimestampArg(run.startedAt)
  if (started === undefined) return undefined
  const start = nanos(started)
  const finished = dockerTimestampArg(run.finishedAt)
  const end = finished === undefined ? undefined : nanos(finished)
  if (end !== undefined && end < start) return fromNanos(end + (start - end) / 2n)
  return fromNanos(start > RUN_BOUNDARY_MARGIN_NS ? start - RUN_BOUNDARY_MARGIN_NS : start)
}

/** The waiting reason the pod's status gives the container, when it has one. */
export function statusWaitingReason(pod: Pod, containerName: string): string | undefined {
  const statuses: ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
  return statuses.find((s) => s.name === containerName)?.state?.waiting?.reason || undefined
}

/**
 * The log a request means, or the kubelet's error message (a 400 for the caller). `waitingReason`
 * is the pod status' reason for a container with no started container yet (ContainerCreating by default).
 */
export function chooseLogSource(runs: readonly ContainerRun[], target: StreamTarget & { previous: boolean; waitingReason?: string }): LogSource | { error: string } {
  const [latest, older] = newestFirst(runs)
  const olderLog: LogSource | undefined = older?.startedAt !== undefined ? { containerId: older.id, tty: older.tty } : undefined
  if (target.previous) {
    // Docker restarted the newest container in place: its earlier runs are the previous log.
    const until = latest && latest.restartCount > 0 ? runBoundary(latest) : undefined
    if (latest && until) return { containerId: latest.id, tty: latest.tty, until }
    return olderLog ?? { error: previousNotFoundMessage(target) }
  }
  if (!latest || latest.startedAt === undefined) {
    // Not started yet (the agent is about to start it): the run before it, if any, is what the kubelet shows.
    return olderLog ?? { error: waitingMessage(target, target.waitingReason ?? 'ContainerCreating') }
  }
  const source: LogSource = { containerId: latest.id, tty: latest.tty }
  // After in-place restarts the log holds every run; the current one starts at the boundary.
  const since = latest.restartCount > 0 ? runBoundary(latest) : undefined
  if (since) source.since = since
  return source
}

/** The container an exec runs in: the newest one, running. */
export function chooseExecContainer(runs: readonly ContainerRun[], target: StreamTarget & { waitingReason?: string }): { containerId: string; tty: boolean } | { error: string } {
  const [latest] = newestFirst(runs)
  if (!latest || latest.startedAt === undefined) return { error: waitingMessage(target, target.waitingReason ?? 'ContainerCreating') }
  if (latest.state !== 'running') {
    return { error: `container ${JSON.stringify(target.containerName)} in pod ${JSON.stringify(target.podName)} is not running (its container is ${latest.state})` }
  }
  return { containerId: latest.id, tty: latest.tty }
}

interface InspectForRun {
  Id: string
  Created: string
  Config?: { Tty?: boolean; Labels?: Record<string, string> | null }
  State?: { Status?: string; StartedAt?: string; FinishedAt?: string }
  RestartCount?: number
}

function runFromInspect(info: InspectForRun, listed: Docker.ContainerInfo): ContainerRun {
  const attempt = Number(listed.Labels[ATTEMPT_LABEL] ?? '0')
  const startedAt = info.State?.StartedAt
  const run: ContainerRun = {
    id: info.Id,
    attempt: Number.isSafeInteger(attempt) && attempt >= 0 ? attempt : 0,
    created: listed.Created,
    state: info.State?.Status ?? listed.State,
    restartCount: info.RestartCount ?? 0,
    tty: info.Config?.Tty === true,
  }
  if (dockerTimestampArg(startedAt) !== undefined) run.startedAt = startedAt
  const finishedAt = info.State?.FinishedAt
  if (dockerTimestampArg(finishedAt) !== undefined) run.finishedAt = finishedAt
  return run
}

/**
 * The Docker containers of container `containerName` of the pod with UID `podUid`, newest first;
 * only the two newest are inspected (nothing older is ever read). Every call has a deadline of `timeoutMs`.
 */
export async function findContainerRuns(docker: Docker, podUid: string, containerName: string, what: string, timeoutMs: number): Promise<ContainerRun[]> {
  const filters = { label: [`${POD_UID_LABEL}=${podUid}`, `${CONTAINER_NAME_LABEL}=${containerName}`] }
  const listed = await dockerCall(`list containers of ${what}`, timeoutMs, (abortSignal) => docker.listContainers({ all: true, filters, abortSignal }))
  const byAttempt = [...listed].sort((a, b) => Number(b.Labels[ATTEMPT_LABEL] ?? 0) - Number(a.Labels[ATTEMPT_LABEL] ?? 0) || b.Created - a.Created).slice(0, 2)
  const runs: ContainerRun[] = []
  for (const entry of byAttempt) {
    try {
      const info = (await dockerCall(`inspect container ${entry.Id.slice(0, 12)} of ${what}`, timeoutMs, (abortSignal) =>
        docker.getContainer(entry.Id).inspect({ abortSignal }),
      )) as unknown as InspectForRun
      runs.push(runFromInspect(info, entry))
    } catch (err) {
      // Removed between list and inspect: it no longer counts.
      if ((err as { statusCode?: number }).statusCode !== 404) throw err
    }
  }
  return newestFirst(runs)
}
