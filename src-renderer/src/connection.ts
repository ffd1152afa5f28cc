// Pure mappings from states to what the dashboard shows, tested on their own.

import type { NodeConnectionState } from '../../src-main/api/cluster-info.ts'
import type { TransportErrorKind } from './transport/types.ts'

/** The dashboard's link to the control plane. */
export type ControlPlaneConnection = 'connecting' | 'connected' | 'signed-out' | 'unreachable' | 'error'

export type Tone = 'ok' | 'pending' | 'warning' | 'error'

export interface ConnectionView {
  label: string
  tone: Tone
}

export function connectionFromError(kind: TransportErrorKind): ControlPlaneConnection {
  switch (kind) {
    case 'unauthorized':
      return 'signed-out'
    case 'unreachable':
      return 'unreachable'
    case 'failed':
      return 'error'
  }
}

export function describeConnection(connection: ControlPlaneConnection): ConnectionView {
  switch (connection) {
    case 'connecting':
      return { label: 'Connecting…', tone: 'pending' }
    case 'connected':
      return { label: 'Connected', tone: 'ok' }
    case 'signed-out':
      return { label: 'Not signed in', tone: 'warning' }
    case 'unreachable':
      return { label: 'Unreachable', tone: 'error' }
    case 'error':
      return { label: 'Error', tone: 'error' }
  }
}

export function describeNodeState(state: NodeConnectionState): ConnectionView {
  switch (state) {
    case 'connected':
      return { label: 'Connected', tone: 'ok' }
    case 'connecting':
      return { label: 'Connecting', tone: 'pending' }
    case 'unreachable':
      return { label: 'Unreachable', tone: 'error' }
    case 'disconnected':
      return { label: 'Disconnected', tone: 'warning' }
  }
}

/** Delay before the n-th automatic retry (n from 0): 2 s, 4 s, 8 s … capped at 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 2_000 * 2 ** Math.max(0, attempt))
}

/** "14:03:07" today, "3 Jan, 14:03" on other days; the raw string if it is not a date. */
export function formatTime(iso: string, now: Date = new Date(), locale?: string): string {
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return iso
  const sameDay = when.toDateString() === now.toDateString()
  return sameDay
    ? when.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : when.toLocaleString(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })
}
