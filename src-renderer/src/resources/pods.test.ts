import { describe, expect, it } from 'vitest'
import { container, makePod } from '../../../src-main/api/testing/builders.ts'
import type { Pod } from '../../../src-main/api/types/pod.ts'
import type { Tone } from '../connection.ts'
import { compareBy } from './columns.ts'
import { ipSortKey, podColumns, podTone } from './pods.ts'

const now = Date.parse('2026-01-01T01:00:00Z')
const base = () => makePod('web').withContainer(container('app')).onNode('node-1')

describe('podTone', () => {
  const cases: [string, Pod, Tone][] = [
    ['running and ready', base().withStatus({ phase: 'Running' }).withContainerStatus({ name: 'app', ready: true, state: { running: {} } }).obj(), 'ok'],
    ['running, not ready', base().withStatus({ phase: 'Running' }).withContainerStatus({ name: 'app', ready: false, state: { running: {} } }).obj(), 'warning'],
    ['pending, unscheduled', makePod('web').withContainer(container('app')).withStatus({ phase: 'Pending' }).obj(), 'pending'],
    ['creating', base().withStatus({ phase: 'Pending' }).withContainerStatus({ name: 'app', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }).obj(), 'pending'],
    ['crash looping', base().withStatus({ phase: 'Running' }).withContainerStatus({ name: 'app', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }).obj(), 'error'],
    ['image pull failing', base().withStatus({ phase: 'Pending' }).withContainerStatus({ name: 'app', ready: false, state: { waiting: { reason: 'ImagePullBackOff' } } }).obj(), 'error'],
    ['completed', base().withStatus({ phase: 'Succeeded' }).withContainerStatus({ name: 'app', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }).obj(), 'ok'],
    ['exited with an error', base().withStatus({ phase: 'Failed' }).withContainerStatus({ name: 'app', ready: false, state: { terminated: { exitCode: 1, reason: 'Error' } } }).obj(), 'error'],
    ['terminating', base().withStatus({ phase: 'Running' }).withContainerStatus({ name: 'app', ready: true, state: { running: {} } }).deleting().obj(), 'pending'],
    ['node lost', base().withStatus({ phase: 'Running', reason: 'NodeLost' }).obj(), 'error'],
  ]
  it.each(cases)('%s', (_name, pod, tone) => {
    expect(podTone(pod, now)).toBe(tone)
  })
})

describe('pod columns', () => {
  const text = (id: string, pod: Pod): string => {
    const column = podColumns.find((c) => c.id === id)
    if (!column) throw new Error(id)
    return column.text(pod, { now, podsByNode: new Map() })
  }
  const pod = base()
    .withStatus({ phase: 'Running', podIP: '10.244.1.7' })
    .withContainerStatus({ name: 'app', ready: true, restartCount: 2, state: { running: {} } })
    .createdAt('2026-01-01T00:55:00Z')
    .obj()

  it.each([
    ['status', 'Running'],
    ['ready', '1/1'],
    ['restarts', '2'],
    ['node', 'node-1'],
    ['ip', '10.244.1.7'],
    ['age', '5m'],
  ])('%s shows %s', (id, expected) => {
    expect(text(id, pod)).toBe(expected)
  })

  it('shows nothing for a pod not yet scheduled', () => {
    expect(text('node', makePod('p').obj())).toBe('')
    expect(text('ip', makePod('p').obj())).toBe('')
  })
})

describe('ipSortKey', () => {
  it.each([
    ['10.244.1.9', '10.244.1.10'],
    ['10.244.2.1', '10.244.10.1'],
    ['10.244.1.1', undefined],
  ] as const)('%s sorts before %s', (a, b) => {
    const withIp = (ip: string | undefined): Pod => makePod('p').withStatus(ip ? { podIP: ip } : {}).obj()
    const column = podColumns.find((c) => c.id === 'ip')
    if (!column) throw new Error('no ip column')
    expect(compareBy(column, { now, podsByNode: new Map() })(withIp(a), withIp(b))).toBeLessThan(0)
    expect(typeof ipSortKey(a)).toBe('number')
  })
})
