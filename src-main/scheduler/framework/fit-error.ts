// The words an unschedulable pod gets, as Kubernetes' FitError: every refusal reason counted over
// the nodes, each "count reason" string sorted, e.g.
//   0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient memory.

import type { Status } from './types.ts'

export const NO_NODES_MESSAGE = 'no nodes available to schedule pods'

export function fitErrorMessage(allNodes: number, refusals: Iterable<Status>): string {
  if (allNodes === 0) return NO_NODES_MESSAGE
  const counts = new Map<string, number>()
  for (const status of refusals) for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1)
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort()
  return `0/${allNodes} nodes are available: ${parts.join(', ')}.`
}
