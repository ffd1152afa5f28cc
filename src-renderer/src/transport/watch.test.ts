import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { KubeList, KubeObject, Status } from '../../../src-main/api/types/meta.ts'
import { ApiError, failureStatus, unreachable } from './api-error.ts'
import type { WatchOptions, WatchUpdate } from './types.ts'
import { defaultRetryDelayMs, durableWatch, relistOptions, type OpenSession, type SessionHandlers } from './watch.ts'

const cm = (name: string, rv: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, uid: `uid-${name}`, resourceVersion: rv } })
const bookmark = (rv: string): KubeObject => ({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: rv } })
const status = (code: number, reason: Status['reason'], message: string): Status => failureStatus(code, reason ?? '', message)
const list = (rv: string, ...items: KubeObject[]): KubeList => ({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: rv }, items })

interface FakeSession {
  options: WatchOptions
  handlers: SessionHandlers
  stopped: boolean
}

function setup(relist: () => Promise<KubeList> = async () => list('100')) {
  const sessions: FakeSession[] = []
  const openSession: OpenSession = (options, handlers) => {
    const session = { options, handlers, stopped: false }
    sessions.push(session)
    return () => {
      session.stopped = true
    }
  }
  const updates: WatchUpdate[] = []
  const relists = vi.fn(relist)
  const stop = durableWatch({ options: { labelSelector: 'app=web', resourceVersion: '10' }, openSession, relist: relists, onUpdate: (u) => updates.push(u) })
  const last = (): FakeSession => {
    const session = sessions.at(-1)
    if (!session) throw new Error('no session')
    return session
  }
  /** Compact: "OPEN", "ADDED a", "RELISTED 100", "ERROR 403 retrying". */
  const summary = () =>
    updates.map((u) => {
      switch (u.type) {
        case 'OPEN':
          return 'OPEN'
        case 'RELISTED':
          return `RELISTED ${u.list.metadata.resourceVersion ?? ''}`
        case 'ERROR':
          return `ERROR ${u.error.code}${u.retrying ? ' retrying' : ''}`
        default:
          return `${u.type} ${u.object.metadata.name ?? ''}`
      }
    })
  return { sessions, updates, relists, stop, last, summary }
}

describe('durableWatch', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('watches from the given resourceVersion with bookmarks and passes changes on in order', () => {
    const { sessions, last, summary } = setup()
    expect(sessions).toHaveLength(1)
    expect(last().options).toEqual({ labelSelector: 'app=web', resourceVersion: '10', allowWatchBookmarks: true })
    last().handlers.open()
    last().handlers.event({ type: 'ADDED', object: cm('a', '11') })
    last().handlers.event({ type: 'MODIFIED', object: cm('a', '12') })
    last().handlers.event({ type: 'BOOKMARK', object: bookmark('13') })
    last().handlers.event({ type: 'DELETED', object: cm('a', '14') })
    expect(summary()).toEqual(['OPEN', 'ADDED a', 'MODIFIED a', 'DELETED a'])
  })

  it('re-watches from the last resourceVersion seen, bookmarks included, when the server ends the watch', async () => {
    const { sessions, last } = setup()
    last().handlers.open()
    last().handlers.event({ type: 'ADDED', object: cm('a', '11') })
    await vi.advanceTimersByTimeAsync(15_000)
    last().handlers.event({ type: 'BOOKMARK', object: bookmark('20') })
    last().handlers.end()
    await vi.advanceTimersByTimeAsync(0)
    expect(sessions).toHaveLength(2)
    expect(last().options.resourceVersion).toBe('20')
  })

  it('backs off when watches keep ending at once', async () => {
    const { sessions, last } = setup()
    last().handlers.end()
    await vi.advanceTimersByTimeAsync(0)
    expect(sessions).toHaveLength(2)
    last().handlers.end()
    await vi.advanceTimersByTimeAsync(999)
    expect(sessions).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(sessions).toHaveLength(3)
    last().handlers.end()
    await vi.advanceTimersByTimeAsync(1_999)
    expect(sessions).toHaveLength(3)
    await vi.advanceTimersByTimeAsync(1)
    expect(sessions).toHaveLength(4)
  })

  it('relists on a 410 ERROR event and watches on from the list', async () => {
    const { sessions, last, relists, summary, updates } = setup(async () => list('100', cm('b', '90')))
    const first = last()
    first.handlers.open()
    first.handlers.event({ type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 10 (50)') })
    expect(first.stopped).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(relists).toHaveBeenCalledTimes(1)
    expect(summary()).toEqual(['OPEN', 'RELISTED 100'])
    expect((updates[1] as { list: KubeList }).list.items.map((o) => o.metadata.name)).toEqual(['b'])
    expect(sessions).toHaveLength(2)
    expect(last().options).toMatchObject({ resourceVersion: '100', labelSelector: 'app=web' })
    // Events from the stopped session are ignored.
    first.handlers.event({ type: 'ADDED', object: cm('late', '60') })
    expect(summary()).toEqual(['OPEN', 'RELISTED 100'])
  })

  it('relists when the server refuses to start from a resourceVersion that is too old', async () => {
    const { sessions, last, summary } = setup()
    last().handlers.end(new ApiError(status(410, 'Gone', 'too old')))
    await vi.advanceTimersByTimeAsync(0)
    expect(summary()).toEqual(['RELISTED 100'])
    expect(sessions).toHaveLength(2)
  })

  it('retries what is worth retrying, saying so, and clears with OPEN', async () => {
    const { sessions, last, summary } = setup()
    last().handlers.open()
    last().handlers.event({ type: 'ADDED', object: cm('a', '11') })
    last().handlers.end(unreachable('the stream broke (network error)'))
    expect(summary()).toEqual(['OPEN', 'ADDED a', 'ERROR 503 retrying'])
    await vi.advanceTimersByTimeAsync(0)
    expect(sessions).toHaveLength(2)
    expect(last().options.resourceVersion).toBe('11')
    last().handlers.end(new ApiError(status(500, 'InternalError', 'boom')))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(sessions).toHaveLength(3)
    last().handlers.open()
    expect(summary()).toEqual(['OPEN', 'ADDED a', 'ERROR 503 retrying', 'ERROR 500 retrying', 'OPEN'])
  })

  it('gives up on a refusal that waiting will not fix', async () => {
    const { sessions, last, summary } = setup()
    last().handlers.end(new ApiError(status(403, 'Forbidden', 'configmaps is forbidden')))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(summary()).toEqual(['ERROR 403'])
    expect(sessions).toHaveLength(1)
  })

  it('retries a relist that failed for want of an answer, and gives up on one refused', async () => {
    let calls = 0
    const { sessions, last, summary } = setup(async () => {
      calls++
      if (calls === 1) throw unreachable('no answer')
      if (calls === 2) return list('100')
      throw new ApiError(status(403, 'Forbidden', 'no'))
    })
    last().handlers.event({ type: 'ERROR', object: status(410, 'Expired', 'too old') })
    await vi.advanceTimersByTimeAsync(0)
    expect(summary()).toEqual(['ERROR 503 retrying'])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(summary()).toEqual(['ERROR 503 retrying', 'RELISTED 100'])
    expect(sessions).toHaveLength(2)
    last().handlers.end(new ApiError(status(410, 'Expired', 'too old again')))
    await vi.advanceTimersByTimeAsync(10_000)
    expect(summary()).toEqual(['ERROR 503 retrying', 'RELISTED 100', 'ERROR 403'])
  })

  it('stops the session and every pending retry when stopped, and reports nothing after', async () => {
    const { sessions, last, stop, summary } = setup()
    last().handlers.end(unreachable('down'))
    stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sessions).toHaveLength(1)
    expect(summary()).toEqual(['ERROR 503 retrying'])

    const second = setup()
    second.stop()
    expect(second.last().stopped).toBe(true)
    second.last().handlers.event({ type: 'ADDED', object: cm('a', '11') })
    expect(second.summary()).toEqual([])
    second.stop()
  })
})

describe('helpers', () => {
  it('backs off at once, then 1 s doubling to 30 s', () => {
    expect([0, 1, 2, 3, 5, 6, 20].map(defaultRetryDelayMs)).toEqual([0, 1_000, 2_000, 4_000, 16_000, 30_000, 30_000])
  })

  it('relists with the selectors only', () => {
    expect(relistOptions({ labelSelector: 'a=b', fieldSelector: 'metadata.name=x', resourceVersion: '5', timeoutSeconds: 3, allowWatchBookmarks: true })).toEqual({
      labelSelector: 'a=b',
      fieldSelector: 'metadata.name=x',
    })
  })
})
