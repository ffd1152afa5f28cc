import { describe, expect, it } from 'vitest'
import { container, makePod } from '../../../src-main/api/testing/builders.ts'
import type { Event, Node } from '../../../src-main/api/types/core.ts'
import { barPercent, clusterMap, phaseCounts, recentWarnings } from './overview.ts'

const now = Date.parse('2026-01-01T00:10:00Z')
const node = (name: string, ready: 'True' | 'False' = 'True'): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: ready }] },
})
const pod = (name: string, nodeName?: string, phase: 'Running' | 'Pending' | 'Failed' = 'Running') => {
  const b = makePod(name).withContainer(container('app', 'x', { resources: { requests: { cpu: '500m' } } })).withStatus({ phase })
  if (phase === 'Running') b.withContainerStatus({ name: 'app', ready: true, state: { running: {} } })
  return (nodeName ? b.onNode(nodeName) : b).obj()
}

describe('clusterMap', () => {
  const pods = [pod('web-2', 'node-1'), pod('web-10', 'node-1'), pod('db', 'node-2', 'Failed'), pod('new'), pod('lost', 'node-9')]
  const map = clusterMap([node('node-2', 'False'), node('node-1')], pods, now)

  it('puts each pod in its node’s building, in name order', () => {
    expect(map.buildings.map((b) => [b.name, b.status, b.pods.map((p) => p.name)])).toEqual([
      ['node-1', 'Ready', ['web-2', 'web-10']],
      ['node-2', 'NotReady', ['db']],
    ])
  })

  it('counts the requests of the pods on each node', () => {
    expect(map.buildings[0]?.cpu).toEqual({ requested: 1000, allocatable: 2000, fraction: 0.5 })
    // A failed pod asks for nothing.
    expect(map.buildings[1]?.cpu.requested).toBe(0)
  })

  it('leaves unscheduled pods and pods on unknown nodes outside', () => {
    expect(map.waiting.map((p) => p.name)).toEqual(['lost', 'new'])
  })

  it('colours pods by state', () => {
    expect(map.buildings[0]?.pods[0]?.tone).toBe('ok')
    expect(map.buildings[1]?.pods[0]?.tone).toBe('error')
  })
})

describe('phaseCounts', () => {
  it('counts pods by phase, a pod without status as Pending', () => {
    expect(phaseCounts([pod('a', 'n'), pod('b', undefined, 'Pending'), makePod('c').obj(), pod('d', 'n', 'Failed')])).toEqual({ Running: 1, Pending: 2, Succeeded: 0, Failed: 1, Unknown: 0 })
  })
})

describe('recentWarnings', () => {
  const event = (name: string, type: string, at: string): Event => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', name },
    type,
    lastTimestamp: at,
  })
  it('keeps warnings only, newest first, at most the limit', () => {
    const events = [event('a', 'Warning', '2026-01-01T00:01:00Z'), event('b', 'Normal', '2026-01-01T00:05:00Z'), event('c', 'Warning', '2026-01-01T00:03:00Z'), event('d', 'Warning', '2026-01-01T00:02:00Z')]
    expect(recentWarnings(events, 2).map((e) => e.metadata.name)).toEqual(['c', 'd'])
  })
})

describe('barPercent', () => {
  it.each([
    [0, 0],
    [0.456, 46],
    [1.7, 100],
  ])('%d -> %d%%', (fraction, percent) => expect(barPercent({ requested: 0, allocatable: 1, fraction })).toBe(percent))
})
