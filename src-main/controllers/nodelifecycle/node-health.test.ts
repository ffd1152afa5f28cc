import { describe, expect, it } from 'vitest'
import type { Lease, Machine, Node } from '../../api/index.ts'
import { nodeHealth } from './node-health.ts'

const at = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString().replace('.000Z', 'Z')
const ms = (s: number): number => Date.UTC(2026, 0, 1, 0, 0, s)
const micro = (s: number, frac = 0): string => new Date(ms(s) + frac).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

function node(heartbeat?: number): Node {
  const n: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', creationTimestamp: at(0) } }
  if (heartbeat !== undefined) n.status = { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: at(heartbeat), lastTransitionTime: at(0) }] }
  return n
}
const lease = (renewS: number, frac = 0): Lease => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { renewTime: micro(renewS, frac) } })
function machine(phase: 'Connected' | 'Unreachable' | 'Connecting' | 'Refused', since: number): Machine {
  return {
    apiVersion: 'coxswain.dev/v1alpha1',
    kind: 'Machine',
    metadata: { name: 'n1' },
    status: { phase, message: 'keepalive timeout', conditions: [{ type: 'Connected', status: phase === 'Connected' ? 'True' : 'False', lastTransitionTime: at(since) }] },
  }
}

describe('nodeHealth', () => {
  const grace = 8000
  const cases: [string, { node: Node; lease?: Lease; machine?: Machine; now: number; started?: number }, boolean, string?][] = [
    ['lease renewed within the grace period', { node: node(10), lease: lease(18), now: 20 }, true],
    ['lease older than the grace period', { node: node(5), lease: lease(10), now: 20 }, false, 'NodeStatusUnknown'],
    ['a recent status post counts as a heartbeat', { node: node(15), lease: lease(1), now: 20 }, true],
    ['a Node that never posted status, past the grace period', { node: node(), now: 20 }, false, 'NodeStatusNeverUpdated'],
    ['a new Node gets the grace period from its creation', { node: node(), now: 5 }, true],
    ['the controller just started: grace from its start', { node: node(1), lease: lease(1), now: 20, started: 15 }, true],
    ['Machine unreachable, lease not renewed since: at once', { node: node(18), lease: lease(19, 300), machine: machine('Unreachable', 19), now: 20 }, false, 'NodeStatusUnknown'],
    ['Machine refused: at once', { node: node(18), lease: lease(18), machine: machine('Refused', 19), now: 20 }, false, 'NodeStatusUnknown'],
    ['stale Machine in the cache, lease renewed after the drop: alive', { node: node(18), lease: lease(21), machine: machine('Unreachable', 19), now: 21 }, true],
    ['Machine connecting (control plane restarted): heartbeat decides', { node: node(18), lease: lease(18), machine: machine('Connecting', 19), now: 20 }, true],
    ['Machine connected, heartbeat stale: heartbeat decides', { node: node(1), lease: lease(1), machine: machine('Connected', 0), now: 20 }, false, 'NodeStatusUnknown'],
  ]
  it.each(cases)('%s', (_, c, alive, reason) => {
    const health = nodeHealth({ node: c.node, lease: c.lease, machine: c.machine, nowMs: ms(c.now), startedMs: ms(c.started ?? 0), gracePeriodMs: grace })
    expect(health.alive).toBe(alive)
    if (!health.alive) expect(health.reason).toBe(reason)
  })

  it('says why, from the Machine', () => {
    const health = nodeHealth({ node: node(18), lease: lease(18), machine: machine('Unreachable', 19), nowMs: ms(20), startedMs: 0, gracePeriodMs: grace })
    expect(health).toMatchObject({ alive: false, message: 'Node agent lost its connection to the node: keepalive timeout' })
  })
})
