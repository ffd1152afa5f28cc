// The Pods list: kubectl's STATUS/READY/RESTARTS (one implementation shared with the API server's
// Table printer, so the dashboard and `kubectl get pods` agree) and a colour for each status.

import { summarizePod as summarizeUncached, type PodSummary } from '../../../src-main/api/printers/pod.ts'
import type { Pod } from '../../../src-main/api/types/pod.ts'
import type { Tone } from '../connection.ts'
import type { ColumnSpec } from './columns.ts'
import { ageColumn, nameColumn, namespaceColumn } from './common.ts'

// A row asks for the summary once per cell (status, ready, restarts, tone) on every render; a pod
// object is never modified (a change is a new object), so one summary per object and tick serves all.
const summaries = new WeakMap<Pod, { now: number; summary: PodSummary }>()

export function summarizePod(pod: Pod, now: number): PodSummary {
  const cached = summaries.get(pod)
  if (cached?.now === now) return cached.summary
  const summary = summarizeUncached(pod, now)
  summaries.set(pod, { now, summary })
  return summary
}

const ERROR_STATUSES = new Set([
  'CrashLoopBackOff',
  'Error',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'OOMKilled',
  'ContainerCannotRun',
  'Failed',
  'Evicted',
  'NodeLost',
])

/**
 * A pod's colour: ok when running with every container ready (or completed), error when a
 * container is failing, pending while it is on its way (scheduling, pulling, starting, stopping),
 * warning when it runs but is not ready or its state is unknown.
 */
export function podTone(pod: Pod, now: number): Tone {
  const { status, readyCount, totalCount } = summarizePod(pod, now)
  const base = status.replace(/^Init:/, '')
  if (ERROR_STATUSES.has(base) || status.startsWith('Signal:') || status.startsWith('ExitCode:')) return 'error'
  if (status === 'Completed') return 'ok'
  if (status === 'Running') return readyCount === totalCount ? 'ok' : 'warning'
  if (status === 'Unknown' || status === 'NotReady') return 'warning'
  return 'pending'
}

export const podColumns: ColumnSpec<Pod>[] = [
  nameColumn(),
  namespaceColumn(),
  {
    id: 'status',
    label: 'Status',
    kind: 'pill',
    width: 'minmax(8rem, 1.2fr)',
    text: (p, ctx) => summarizePod(p, ctx.now).status,
    tone: (p, ctx) => podTone(p, ctx.now),
  },
  { id: 'ready', label: 'Ready', width: '4.5rem', align: 'end', text: (p, ctx) => summarizePod(p, ctx.now).ready },
  {
    id: 'restarts',
    label: 'Restarts',
    width: '6.5rem',
    align: 'end',
    text: (p, ctx) => summarizePod(p, ctx.now).restartsText,
    sortValue: (p, ctx) => summarizePod(p, ctx.now).restarts,
  },
  { id: 'node', label: 'Node', width: 'minmax(6rem, 1fr)', text: (p) => p.spec?.nodeName ?? '' },
  { id: 'ip', label: 'Pod IP', width: '8rem', text: (p) => p.status?.podIP ?? '', sortValue: (p) => ipSortKey(p.status?.podIP) },
  ageColumn(),
]

/** IPv4 addresses sort numerically (10.244.1.9 before 10.244.1.10); anything else after, as text. */
export function ipSortKey(ip: string | undefined): number | string {
  const parts = (ip ?? '').split('.')
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) return ip ? `~${ip}` : '~~'
  return parts.reduce((n, p) => n * 256 + Number(p), 0)
}
