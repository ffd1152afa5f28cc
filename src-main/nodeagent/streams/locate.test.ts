import { describe, expect, it } from 'vitest'
import { container, makePod } from '../../api/testing/builders.ts'
import { chooseExecContainer, chooseLogSource, dockerTimestampArg, laterTimestamp, newestFirst, runBoundary, statusWaitingReason, waitingMessage, type ContainerRun } from './locate.ts'

const target = { containerName: 'web', podName: 'shop' }

function run(id: string, overrides: Partial<ContainerRun> = {}): ContainerRun {
  return { id, attempt: 0, created: 100, state: 'running', startedAt: '2026-01-02T03:04:05.123456789Z', restartCount: 0, tty: false, ...overrides }
}

describe('dockerTimestampArg', () => {
  it('keeps every nanosecond of Docker’s RFC 3339 times', () => {
    expect(dockerTimestampArg('2026-01-02T03:04:05.123456789Z')).toBe('1767323045.123456789')
    expect(dockerTimestampArg('2026-01-02T03:04:05.5Z')).toBe('1767323045.500000000')
    expect(dockerTimestampArg('2026-01-02T03:04:05Z')).toBe('1767323045.000000000')
    expect(dockerTimestampArg('2026-01-02T04:04:05.25+01:00')).toBe('1767323045.250000000')
  })

  it('reads Docker’s zero time and anything malformed as no time', () => {
    expect(dockerTimestampArg('0001-01-01T00:00:00Z')).toBeUndefined()
    expect(dockerTimestampArg('yesterday')).toBeUndefined()
    expect(dockerTimestampArg(undefined)).toBeUndefined()
  })
})

describe('laterTimestamp', () => {
  it('compares to the nanosecond', () => {
    expect(laterTimestamp('10.000000001', '10.000000000')).toBe('10.000000001')
    expect(laterTimestamp('9.999999999', '10.0')).toBe('10.0')
    expect(laterTimestamp(undefined, '5.0')).toBe('5.0')
    expect(laterTimestamp('5.0', undefined)).toBe('5.0')
  })
})

describe('runBoundary', () => {
  it('splits runs in the middle of the restart delay, where nothing ran', () => {
    expect(runBoundary({ finishedAt: '2026-01-02T03:04:05.000000000Z', startedAt: '2026-01-02T03:04:05.200000001Z' })).toBe('1767323045.100000000')
  })

  it('uses 50 ms before the start when the run before is unknown or the latest run has ended', () => {
    expect(runBoundary({ startedAt: '2026-01-02T03:04:05.123456789Z' })).toBe('1767323045.073456789')
    expect(runBoundary({ startedAt: '2026-01-02T03:04:05.010Z', finishedAt: '2026-01-02T03:04:09Z' })).toBe('1767323044.960000000')
  })

  it('has none for a container that never started', () => {
    expect(runBoundary({})).toBeUndefined()
  })
})

describe('newestFirst', () => {
  it('orders by attempt, then creation, without touching its input', () => {
    const runs = [run('a', { attempt: 0, created: 300 }), run('b', { attempt: 2, created: 100 }), run('c', { attempt: 2, created: 200 })]
    expect(newestFirst(runs).map((r) => r.id)).toEqual(['c', 'b', 'a'])
    expect(runs.map((r) => r.id)).toEqual(['a', 'b', 'c'])
  })
})

describe('chooseLogSource', () => {
  it('reads the newest container’s whole log when Docker never restarted it', () => {
    expect(chooseLogSource([run('old', { attempt: 0, state: 'exited' }), run('new', { attempt: 1, tty: true })], { ...target, previous: false })).toEqual({
      containerId: 'new',
      tty: true,
    })
  })

  it('reads only the latest run of a container Docker restarted in place', () => {
    expect(chooseLogSource([run('c', { restartCount: 2, finishedAt: '2026-01-02T03:04:04.123456789Z' })], { ...target, previous: false })).toEqual({
      containerId: 'c',
      tty: false,
      since: '1767323044.623456789',
    })
  })

  it('finds the previous log in the runs before the latest, for a container restarted in place', () => {
    expect(chooseLogSource([run('old', { attempt: 0 }), run('c', { attempt: 1, restartCount: 1 })], { ...target, previous: true })).toEqual({
      containerId: 'c',
      tty: false,
      until: '1767323045.073456789',
    })
  })

  it('finds the previous log in the container of the attempt before', () => {
    expect(chooseLogSource([run('new', { attempt: 1 }), run('old', { attempt: 0, state: 'exited' })], { ...target, previous: true })).toEqual({ containerId: 'old', tty: false })
  })

  it('has no previous log for a container that never restarted, in the kubelet’s words', () => {
    expect(chooseLogSource([run('only')], { ...target, previous: true })).toEqual({ error: 'previous terminated container "web" in pod "shop" not found' })
    expect(chooseLogSource([], { ...target, previous: true })).toEqual({ error: 'previous terminated container "web" in pod "shop" not found' })
  })

  it('says a container is waiting to start when none has run yet, with the status’ reason', () => {
    expect(chooseLogSource([], { ...target, previous: false })).toEqual({ error: 'container "web" in pod "shop" is waiting to start: ContainerCreating' })
    const created = run('c', { state: 'created' })
    delete created.startedAt
    expect(chooseLogSource([created], { ...target, previous: false, waitingReason: 'ErrImagePull' })).toEqual({
      error: 'container "web" in pod "shop" is waiting to start: image can\'t be pulled',
    })
  })

  it('shows the run before a replacement that has not started yet', () => {
    const created = run('new', { attempt: 1, state: 'created' })
    delete created.startedAt
    expect(chooseLogSource([created, run('old', { attempt: 0, state: 'exited' })], { ...target, previous: false })).toEqual({ containerId: 'old', tty: false })
  })
})

describe('chooseExecContainer', () => {
  it('runs in the newest container', () => {
    expect(chooseExecContainer([run('old', { attempt: 0 }), run('new', { attempt: 1, tty: true })], target)).toEqual({ containerId: 'new', tty: true })
  })

  it('refuses a container that is not running, or has not started', () => {
    expect(chooseExecContainer([run('c', { state: 'exited' })], target)).toEqual({ error: 'container "web" in pod "shop" is not running (its container is exited)' })
    expect(chooseExecContainer([], { ...target, waitingReason: 'ImagePullBackOff' })).toEqual({
      error: 'container "web" in pod "shop" is waiting to start: trying and failing to pull image',
    })
  })
})

describe('statusWaitingReason and waitingMessage', () => {
  it('reads the waiting reason of the named container, init containers included', () => {
    const pod = makePod('shop')
      .withContainer(container('web'))
      .withContainerStatus({ name: 'web', state: { waiting: { reason: 'CrashLoopBackOff' } } })
      .obj()
    expect(statusWaitingReason(pod, 'web')).toBe('CrashLoopBackOff')
    expect(statusWaitingReason(pod, 'other')).toBeUndefined()
    expect(waitingMessage(target, 'CrashLoopBackOff')).toBe('container "web" in pod "shop" is waiting to start: CrashLoopBackOff')
  })
})
