import { describe, expect, it } from 'vitest'
import { container, makePod } from '../../../src-main/api/testing/builders.ts'
import type { ContainerStatus } from '../../../src-main/api/types/pod.ts'
import { containerRuns, containerState, containerViews } from './containers.ts'

const now = Date.parse('2026-01-01T00:10:00Z')
const status = (extra: Partial<ContainerStatus>): ContainerStatus => ({ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, ...extra }) as ContainerStatus

describe('containerState', () => {
  it.each([
    ['no status yet', undefined, 'Not started', 'pending'],
    ['running and ready', status({ ready: true, state: { running: { startedAt: '2026-01-01T00:05:00Z' } } }), 'Running for 5m', 'ok'],
    ['running, not ready', status({ state: { running: {} } }), 'Running', 'warning'],
    ['creating', status({ state: { waiting: { reason: 'ContainerCreating' } } }), 'Waiting: ContainerCreating', 'pending'],
    ['pull failing', status({ state: { waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } } }), 'Waiting: ErrImagePull', 'error'],
    ['exited 0', status({ state: { terminated: { exitCode: 0, reason: 'Completed' } } }), 'Terminated: Completed, exit code 0', 'ok'],
    ['exited 137', status({ state: { terminated: { exitCode: 137 } } }), 'Terminated: Error, exit code 137', 'error'],
  ])('%s', (_name, s, state, tone) => {
    const view = containerState(s, now)
    expect(view.state).toBe(state)
    expect(view.tone).toBe(tone)
  })

  it('carries the waiting message', () => {
    expect(containerState(status({ state: { waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } } }), now).detail).toBe('manifest unknown')
  })
})

describe('containerViews', () => {
  it('lists init containers first, each with its own status', () => {
    const pod = makePod('p')
      .withInitContainer(container('setup', 'busybox'))
      .withContainer(container('app', 'nginx'))
      .withContainerStatus({ name: 'app', ready: true, restartCount: 3, state: { running: {} } })
      .obj()
    const views = containerViews(pod, now)
    expect(views.map((v) => [v.name, v.init, v.restarts, v.ready])).toEqual([
      ['setup', true, 0, false],
      ['app', false, 3, true],
    ])
  })
})

describe('containerRuns', () => {
  it.each([
    ['not started', { state: { waiting: { reason: 'ContainerCreating' } } }, ''],
    ['running', { restartCount: 0, state: { running: {} } }, '0:running'],
    ['restarted', { restartCount: 2, state: { running: {} } }, '2:running'],
    ['exited', { restartCount: 0, state: { terminated: { exitCode: 0 } } }, '0:terminated'],
    ['waiting to restart after a crash', { restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } }, '3:previous'],
  ])('%s', (_name, s, key) => {
    const pod = makePod('p').withContainer(container('app')).withContainerStatus({ name: 'app', ...(s as object) }).obj()
    expect(containerRuns(pod)).toEqual({ app: key })
  })
})
