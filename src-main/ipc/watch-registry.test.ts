import { describe, expect, it } from 'vitest'
import { eventually, settle } from '../apiserver/testing.ts'
import { expired } from '../apiserver/errors.ts'
import { createLogger } from '../util/log.ts'
import { FakeSender, FakeWatch, configMap } from './testing.ts'
import { WatchRegistry } from './watch-registry.ts'

const quiet = createLogger({}, () => {}, 'error')

function setup(maxPerSender?: number) {
  const registry = new WatchRegistry({ log: quiet, ...(maxPerSender !== undefined ? { maxPerSender } : {}) })
  const sender = new FakeSender()
  const watches: FakeWatch[] = []
  const open = async () => {
    const watch = new FakeWatch()
    watches.push(watch)
    return watch
  }
  return { registry, sender, watches, open }
}

describe('WatchRegistry', () => {
  it('pushes each event to the window that asked, tagged with the watch id, then the end', async () => {
    const { registry, sender, watches, open } = setup()
    const id = await registry.start(sender, open)
    watches[0]?.emit({ type: 'ADDED', object: configMap('a') })
    watches[0]?.emit({ type: 'MODIFIED', object: configMap('a', { resourceVersion: '7' }) })
    watches[0]?.end()
    await eventually(() => sender.pushes().length === 3, 'three pushes')
    expect(sender.pushes()).toEqual([
      { id, kind: 'event', event: { type: 'ADDED', object: configMap('a') } },
      { id, kind: 'event', event: { type: 'MODIFIED', object: configMap('a', { resourceVersion: '7' }) } },
      { id, kind: 'end' },
    ])
    expect(registry.count()).toBe(0)
  })

  it('pushes a failing watch as an error with its Status', async () => {
    const { registry, sender, watches, open } = setup()
    const id = await registry.start(sender, open)
    watches[0]?.fail(expired('too old resource version: 5 (12)'))
    await eventually(() => sender.pushes().length === 1, 'the error push')
    expect(sender.pushes()[0]).toMatchObject({ id, kind: 'error', status: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 5 (12)' } })
  })

  it('refuses a window that already has too many watches, with 429', async () => {
    const { registry, sender, open } = setup(2)
    await registry.start(sender, open)
    await registry.start(sender, open)
    await expect(registry.start(sender, open)).rejects.toMatchObject({ status: { code: 429, reason: 'TooManyRequests' } })
    // Another window has its own allowance.
    await expect(registry.start(new FakeSender(), open)).resolves.toMatch(/^w\d+$/)
  })

  it('stop ends one watch quietly and is idempotent', async () => {
    const { registry, sender, watches, open } = setup()
    const first = await registry.start(sender, open)
    await registry.start(sender, open)
    expect(registry.stop(sender.id, first)).toBe(true)
    expect(registry.stop(sender.id, first)).toBe(false)
    expect(watches[0]?.stopped).toBe(true)
    expect(watches[1]?.stopped).toBe(false)
    await settle()
    expect(sender.pushes()).toEqual([])
    expect(registry.count(sender.id)).toBe(1)
  })

  it('only stops watches of the window named', async () => {
    const { registry, sender, watches, open } = setup()
    const other = new FakeSender()
    const id = await registry.start(sender, open)
    expect(registry.stop(other.id, id)).toBe(false)
    expect(watches[0]?.stopped).toBe(false)
  })

  it('stopAllFor stops every watch of a window and tells the page they ended', async () => {
    const { registry, sender, watches, open } = setup()
    const a = await registry.start(sender, open)
    const b = await registry.start(sender, open)
    const other = new FakeSender()
    await registry.start(other, open)
    expect(registry.stopAllFor(sender.id)).toBe(2)
    expect(watches.map((w) => w.stopped)).toEqual([true, true, false])
    expect(sender.pushes()).toEqual([
      { id: a, kind: 'end' },
      { id: b, kind: 'end' },
    ])
    expect(registry.count()).toBe(1)
  })

  it('stops all watches of a window found destroyed when pushing', async () => {
    const { registry, sender, watches, open } = setup()
    await registry.start(sender, open)
    await registry.start(sender, open)
    sender.destroyed = true
    watches[0]?.emit({ type: 'ADDED', object: configMap('a') })
    await eventually(() => watches.every((w) => w.stopped), 'both watches stopped')
    expect(registry.count()).toBe(0)
  })

  it('voids a start that straddles the window navigating away', async () => {
    const { registry, sender } = setup()
    const watch = new FakeWatch()
    let release: () => void = () => {}
    const opening = registry.start(sender, () => new Promise((resolve) => (release = () => resolve(watch))))
    registry.stopAllFor(sender.id)
    release()
    // Retryable: should a new page be the one asking, it watches again.
    await expect(opening).rejects.toMatchObject({ status: { code: 503, reason: 'ServiceUnavailable' } })
    expect(watch.stopped).toBe(true)
    expect(registry.count()).toBe(0)
  })

  it('refuses a destroyed window and passes on a failed open', async () => {
    const { registry, sender, open } = setup()
    await expect(registry.start(sender, () => Promise.reject(expired('too old')))).rejects.toMatchObject({ status: { code: 410 } })
    sender.destroy()
    await expect(registry.start(sender, open)).rejects.toMatchObject({ status: { code: 403 } })
  })

  it('stopAll stops everything without pushing', async () => {
    const { registry, sender, watches, open } = setup()
    await registry.start(sender, open)
    await registry.start(new FakeSender(), open)
    registry.stopAll()
    expect(watches.every((w) => w.stopped)).toBe(true)
    expect(registry.count()).toBe(0)
    expect(sender.pushes()).toEqual([])
  })
})
