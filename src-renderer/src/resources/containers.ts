// A container's state in words: "Running since 10:04", "Waiting: ImagePullBackOff (…message)",
// "Terminated: Error, exit code 1".

import { humanDuration } from '../../../src-main/api/printers/duration.ts'
import type { ContainerStatus, Pod } from '../../../src-main/api/types/pod.ts'
import type { Tone } from '../connection.ts'

export interface ContainerView {
  name: string
  image: string
  state: string
  tone: Tone
  /** The waiting or terminated message, when there is one. */
  detail: string
  ready: boolean
  restarts: number
  init: boolean
}

export function containerState(status: ContainerStatus | undefined, now: number): { state: string; tone: Tone; detail: string } {
  const s = status?.state
  if (s?.running) {
    const since = s.running.startedAt ? ` for ${humanDuration(Math.max(0, now - Date.parse(s.running.startedAt)))}` : ''
    return { state: `Running${since}`, tone: status?.ready ? 'ok' : 'warning', detail: status?.ready ? '' : 'not ready' }
  }
  if (s?.terminated) {
    const t = s.terminated
    const ok = t.exitCode === 0
    return { state: `Terminated: ${t.reason ?? (ok ? 'Completed' : 'Error')}, exit code ${t.exitCode}`, tone: ok ? 'ok' : 'error', detail: t.message ?? '' }
  }
  if (s?.waiting) {
    const reason = s.waiting.reason ?? 'Waiting'
    const failing = /BackOff|Err|Invalid|Error/.test(reason)
    return { state: `Waiting: ${reason}`, tone: failing ? 'error' : 'pending', detail: s.waiting.message ?? '' }
  }
  return { state: 'Not started', tone: 'pending', detail: '' }
}

/** Init containers first, then app containers, each with its status (if any yet). */
export function containerViews(pod: Pod, now: number): ContainerView[] {
  const statusOf = (list: readonly ContainerStatus[] | undefined, name: string): ContainerStatus | undefined => list?.find((s) => s.name === name)
  const build = (init: boolean) => (c: { name: string; image?: string }): ContainerView => {
    const status = statusOf(init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses, c.name)
    return { name: c.name, image: c.image ?? '', ...containerState(status, now), ready: status?.ready ?? false, restarts: status?.restartCount ?? 0, init }
  }
  return [...(pod.spec?.initContainers ?? []).map(build(true)), ...(pod.spec?.containers ?? []).map(build(false))]
}

/**
 * Each app container's run, for the log view: '' until it has started, then its restart count and
 * state, so a restart (a new log) changes the key.
 */
export function containerRuns(pod: Pod): Record<string, string> {
  const out: Record<string, string> = {}
  for (const c of pod.spec?.containers ?? []) {
    const s = pod.status?.containerStatuses?.find((x) => x.name === c.name)
    const started = s?.state?.running ? 'running' : s?.state?.terminated ? 'terminated' : s?.lastState?.terminated ? 'previous' : ''
    out[c.name] = started && `${s?.restartCount ?? 0}:${started}`
  }
  return out
}
