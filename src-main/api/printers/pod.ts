// What `kubectl get pods` shows for a pod — READY, STATUS, RESTARTS — computed as kube-apiserver's
// printer does (pkg/printers/internalversion printPod), so the dashboard and kubectl agree:
// Pending, ContainerCreating, Running, CrashLoopBackOff, Completed, Error, Init:0/2,
// Init:CrashLoopBackOff, Terminating, Unknown, NotReady, SchedulingGated, …

import type { Pod } from '../types/pod.ts'
import { age } from './duration.ts'

/** The reason a node-lifecycle eviction sets when the node stopped answering. */
export const NODE_UNREACHABLE_POD_REASON = 'NodeLost'

export interface PodSummary {
  /** "1/2": ready containers over containers. */
  ready: string
  readyCount: number
  totalCount: number
  /** The STATUS column. */
  status: string
  restarts: number
  /** RESTARTS as printed: "0", or "3 (5m ago)". */
  restartsText: string
}

const isTerminalPhase = (phase: string | undefined): boolean => phase === 'Succeeded' || phase === 'Failed'

function conditionTrue(pod: Pod, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True')
}

/** Summarises a pod as `kubectl get pods` prints it, with RESTARTS ages taken at `now` (epoch ms). */
export function summarizePod(pod: Pod, now: number): PodSummary {
  const status = pod.status ?? {}
  const spec = pod.spec
  const totalCount = spec?.containers?.length ?? 0
  let readyCount = 0
  let restarts = 0
  let lastRestart = ''
  const noteRestart = (finishedAt: string | undefined): void => {
    if (finishedAt && (!lastRestart || Date.parse(finishedAt) > Date.parse(lastRestart))) lastRestart = finishedAt
  }

  let reason: string = status.reason || status.phase || ''
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated'
  }

  let initializing = false
  const initStatuses = status.initContainerStatuses ?? []
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]
    if (!c) continue
    restarts += c.restartCount ?? 0
    noteRestart(c.lastState?.terminated?.finishedAt)
    const terminated = c.state?.terminated
    const waiting = c.state?.waiting
    if (terminated && terminated.exitCode === 0) continue
    if (terminated) {
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`
    } else {
      reason = `Init:${i}/${spec?.initContainers?.length ?? 0}`
    }
    initializing = true
    break
  }

  if (!initializing || conditionTrue(pod, 'Initialized')) {
    // Sidecar (restartable init) containers are not supported, so only app containers count now.
    restarts = 0
    lastRestart = ''
    let hasRunning = false
    const statuses = status.containerStatuses ?? []
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]
      if (!c) continue
      restarts += c.restartCount ?? 0
      noteRestart(c.lastState?.terminated?.finishedAt)
      const waiting = c.state?.waiting
      const terminated = c.state?.terminated
      if (waiting?.reason) reason = waiting.reason
      else if (terminated?.reason) reason = terminated.reason
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`
      else if (c.ready && c.state?.running) {
        hasRunning = true
        readyCount++
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady'
  }

  if (pod.metadata.deletionTimestamp && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown'
  else if (pod.metadata.deletionTimestamp && !isTerminalPhase(status.phase)) reason = 'Terminating'

  const restartsText = restarts !== 0 && lastRestart ? `${restarts} (${age(lastRestart, now)} ago)` : String(restarts)
  return { ready: `${readyCount}/${totalCount}`, readyCount, totalCount, status: reason, restarts, restartsText }
}

/** The STATUS column alone. */
export function podStatusReason(pod: Pod, now = Date.now()): string {
  return summarizePod(pod, now).status
}

/** READINESS GATES: "<none>", or true gates over gates ("1/2"). */
export function readinessGatesText(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? []
  if (gates.length === 0) return '<none>'
  const conditions = pod.status?.conditions ?? []
  const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length
  return `${trueCount}/${gates.length}`
}
