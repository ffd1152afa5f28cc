// NodePorts: two pods cannot publish the same host port and protocol on one node when their host
// IPs overlap (equal, or either binds 0.0.0.0).

import type { FilterPlugin } from '../framework/types.ts'
import { unschedulable } from '../framework/types.ts'
import type { HostPort } from '../framework/pod-info.ts'
import type { PodInfo } from '../framework/pod-info.ts'
import { POD_INFO_KEY } from './node-resources-fit.ts'

export const NAME = 'NodePorts'
export const REASON = "node(s) didn't have free ports for the requested pod ports"

const ANY = '0.0.0.0'

export function portsConflict(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.protocol === b.protocol && (a.ip === b.ip || a.ip === ANY || b.ip === ANY)
}

export const nodePorts: FilterPlugin = {
  name: NAME,
  filter(state, _pod, node) {
    const wanted = state.read<PodInfo>(POD_INFO_KEY)?.hostPorts ?? []
    if (wanted.length === 0 || node.usedPorts.length === 0) return null
    return wanted.some((w) => node.usedPorts.some((u) => portsConflict(w, u))) ? unschedulable(REASON) : null
  },
}
