import { describe, expect, it } from 'vitest'
import { container, makePod } from '../testing/builders.ts'
import type { Pod } from '../types/pod.ts'
import { readinessGatesText, summarizePod } from './pod.ts'

const NOW = Date.parse('2026-06-01T12:00:00Z')
const minutesAgo = (n: number): string => new Date(NOW - n * 60_000).toISOString().replace('.000Z', 'Z')
const twoContainers = () => makePod().withContainer(container('web')).withContainer(container('sidecar', 'busybox'))

describe('pod STATUS, READY and RESTARTS as kubectl prints them', () => {
  it.each<[string, Pod, string, string, string]>([
    ['pending, unscheduled', makePod().withContainer().withStatus({ phase: 'Pending' }).obj(), 'Pending', '0/1', '0'],
    ['scheduling gated', makePod().withContainer().withStatus({ phase: 'Pending' }).withCondition('PodScheduled', 'False', 'SchedulingGated').obj(), 'SchedulingGated', '0/1', '0'],
    [
      'creating containers',
      makePod().withContainer().withStatus({ phase: 'Pending' }).withContainerStatus({ name: 'web', state: { waiting: { reason: 'ContainerCreating' } } }).obj(),
      'ContainerCreating',
      '0/1',
      '0',
    ],
    [
      'pulling fails',
      makePod().withContainer().withStatus({ phase: 'Pending' }).withContainerStatus({ name: 'web', state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } }).obj(),
      'ImagePullBackOff',
      '0/1',
      '0',
    ],
    [
      'running and ready',
      makePod().withContainer().withStatus({ phase: 'Running' }).withContainerStatus({ name: 'web', ready: true, state: { running: { startedAt: minutesAgo(10) } } }).obj(),
      'Running',
      '1/1',
      '0',
    ],
    [
      'one of two ready',
      twoContainers()
        .withStatus({ phase: 'Running' })
        .withContainerStatus({ name: 'web', ready: true, state: { running: {} } })
        .withContainerStatus({ name: 'sidecar', ready: false, state: { running: {} } })
        .obj(),
      'Running',
      '1/2',
      '0',
    ],
    [
      'crash looping',
      makePod()
        .withContainer()
        .withStatus({ phase: 'Running' })
        .withContainerStatus({ name: 'web', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: minutesAgo(3) } } })
        .obj(),
      'CrashLoopBackOff',
      '0/1',
      '4 (3m ago)',
    ],
    [
      'completed',
      makePod().withContainer().withStatus({ phase: 'Succeeded' }).withContainerStatus({ name: 'web', state: { terminated: { exitCode: 0, reason: 'Completed' } } }).obj(),
      'Completed',
      '0/1',
      '0',
    ],
    [
      'exited without a reason',
      makePod().withContainer().withStatus({ phase: 'Failed' }).withContainerStatus({ name: 'web', state: { terminated: { exitCode: 137 } } }).obj(),
      'ExitCode:137',
      '0/1',
      '0',
    ],
    [
      'killed by a signal',
      makePod().withContainer().withStatus({ phase: 'Failed' }).withContainerStatus({ name: 'web', state: { terminated: { exitCode: 0, signal: 9 } } }).obj(),
      'Signal:9',
      '0/1',
      '0',
    ],
    [
      'one container completed, another still running and ready',
      twoContainers()
        .withStatus({ phase: 'Running' })
        .withCondition('Ready', 'True')
        .withContainerStatus({ name: 'web', ready: true, state: { running: {} } })
        .withContainerStatus({ name: 'sidecar', state: { terminated: { exitCode: 0, reason: 'Completed' } } })
        .obj(),
      'Running',
      '1/2',
      '0',
    ],
    [
      'one container completed, another running but the pod not ready',
      twoContainers()
        .withStatus({ phase: 'Running' })
        .withContainerStatus({ name: 'web', ready: true, state: { running: {} } })
        .withContainerStatus({ name: 'sidecar', state: { terminated: { exitCode: 0, reason: 'Completed' } } })
        .obj(),
      'NotReady',
      '1/2',
      '0',
    ],
    [
      'first of two init containers running',
      makePod()
        .withInitContainer(container('migrate', 'app'))
        .withInitContainer(container('warm', 'app'))
        .withContainer()
        .withStatus({ phase: 'Pending' })
        .withInitContainerStatus({ name: 'migrate', state: { running: {} } })
        .withInitContainerStatus({ name: 'warm', state: { waiting: { reason: 'PodInitializing' } } })
        .obj(),
      'Init:0/2',
      '0/1',
      '0',
    ],
    [
      'an init container crash looping',
      makePod()
        .withInitContainer(container('migrate', 'app'))
        .withContainer()
        .withStatus({ phase: 'Pending' })
        .withInitContainerStatus({ name: 'migrate', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: minutesAgo(1) } } })
        .obj(),
      'Init:CrashLoopBackOff',
      '0/1',
      '2 (60s ago)',
    ],
    [
      'an init container failed',
      makePod().withInitContainer(container('migrate', 'app')).withContainer().withStatus({ phase: 'Failed' }).withInitContainerStatus({ name: 'migrate', state: { terminated: { exitCode: 3 } } }).obj(),
      'Init:ExitCode:3',
      '0/1',
      '0',
    ],
    [
      'being deleted',
      makePod().withContainer().deleting().withStatus({ phase: 'Running' }).withContainerStatus({ name: 'web', ready: true, state: { running: {} } }).obj(),
      'Terminating',
      '1/1',
      '0',
    ],
    [
      'deleted after its node was lost',
      makePod().withContainer().deleting().withStatus({ phase: 'Running', reason: 'NodeLost' }).obj(),
      'Unknown',
      '0/1',
      '0',
    ],
    ['evicted', makePod().withContainer().withStatus({ phase: 'Failed', reason: 'Evicted', message: 'low on memory' }).obj(), 'Evicted', '0/1', '0'],
  ])('%s', (_name, pod, status, ready, restarts) => {
    const s = summarizePod(pod, NOW)
    expect([s.status, s.ready, s.restartsText]).toEqual([status, ready, restarts])
  })

  it('counts readiness gates', () => {
    const pod = makePod().withContainer().withSpec({ readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] }).withCondition('a', 'True').withCondition('b', 'False').obj()
    expect(readinessGatesText(pod)).toBe('1/2')
    expect(readinessGatesText(makePod().withContainer().obj())).toBe('<none>')
  })
})
