// Events: what happened to which object, newest first, warnings in colour.

import { humanDuration } from '../../../src-main/api/printers/duration.ts'
import type { Event } from '../../../src-main/api/types/core.ts'
import type { ColumnSpec } from './columns.ts'
import { namespaceColumn } from './common.ts'

/** When an event last happened: its series, lastTimestamp, eventTime, firstTimestamp or creation. */
export function eventTime(e: Event): number {
  const stamp = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp
  return Date.parse(stamp ?? '') || 0
}

/**
 * How long ago `time` was. The clock ticks every few seconds, so an event newer than the last tick
 * would be "in the future": that reads as now, not as kubectl's "<invalid>".
 */
export function agoText(time: number, now: number): string {
  return time ? humanDuration(Math.max(0, now - time)) : ''
}

export const eventCount = (e: Event): number => e.series?.count ?? e.count ?? 1

export const eventColumns: ColumnSpec<Event>[] = [
  {
    id: 'lastSeen',
    label: 'Last seen',
    width: '6rem',
    text: (e, ctx) => agoText(eventTime(e), ctx.now),
    sortValue: (e) => -eventTime(e),
  },
  { id: 'type', label: 'Type', kind: 'pill', width: '6.5rem', text: (e) => e.type ?? 'Normal', tone: (e) => (e.type === 'Warning' ? 'warning' : 'ok') },
  { id: 'reason', label: 'Reason', width: 'minmax(7rem, 1fr)', text: (e) => e.reason ?? '' },
  { id: 'object', label: 'Object', width: 'minmax(8rem, 1.3fr)', text: (e) => `${e.involvedObject.kind ?? ''}/${e.involvedObject.name ?? ''}` },
  { id: 'message', label: 'Message', width: 'minmax(12rem, 3fr)', text: (e) => e.message ?? '' },
  { id: 'count', label: 'Count', width: '4rem', align: 'end', text: (e) => String(eventCount(e)), sortValue: eventCount },
  namespaceColumn(),
]
