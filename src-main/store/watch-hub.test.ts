// Watch mechanics beyond the contract: what a watch costs while it runs and after it ends.

import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../util/log.ts'
import { Gone } from './errors.ts'
import { MemoryStore } from './memory-store.ts'
import type { StoreOptions } from './versioned-store.ts'
import { WatchRecorder, makeNode, makePod, settle, summary } from './testing.ts'

const stores: MemoryStore[] = []
function open(options: StoreOptions = {}): { store: MemoryStore; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = []
  const store = new MemoryStore({ log: createLogger({}, (line) => logs.push(JSON.parse(line) as Record<string, unknown>)), ...options })
  stores.push(store)
  return { store, logs }
}
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close()
})

describe('watch hub', () => {
  it('forgets a watch once it is stopped, broken out of, ended with Gone, or its store closes', async () => {
    const { store } = open({ watchBufferSize: 2, historyMaxEvents: 3 })
    const stopped = await store.watch('pods')
    const broken = await store.watch('pods', { bookmarks: true })
    const behind = await store.watch('pods')
    const nodes = await store.watch('nodes')
    expect(store.watchCount).toBe(4)

    stopped.stop()
    expect(store.watchCount).toBe(3)

    await store.create('pods', makePod('a').obj())
    for await (const _ of broken) break
    expect(store.watchCount).toBe(2)

    for (let i = 0; i < 10; i++) await store.create('pods', makePod(`p${i}`).obj())
    const recorder = new WatchRecorder(behind)
    await recorder.waitForEnd()
    expect(recorder.error).toBeInstanceOf(Gone)
    expect(store.watchCount).toBe(1)

    await store.close()
    expect(store.watchCount).toBe(0)
    expect(await nodes.next()).toEqual({ done: true, value: undefined })
  })

  it('holds at most watchBufferSize events for a reader that does not read, and says so once', async () => {
    const { store, logs } = open({ watchBufferSize: 8 })
    const watch = await store.watch('pods')
    for (let i = 0; i < 500; i++) await store.create('pods', makePod(`p${i}`).obj())
    const warnings = logs.filter((l) => l.level === 'warn')
    expect(warnings).toEqual([expect.objectContaining({ msg: 'watcher fell behind; it will catch up from history', buffered: 8, resource: 'pods' })])
    const recorder = new WatchRecorder(watch)
    await recorder.waitFor(500)
  })

  it('ends only the watch whose filter throws; the write and other watches carry on', async () => {
    const { store } = open()
    const broken = new WatchRecorder(
      await store.watch('pods', {
        filter: () => {
          throw new Error('bad selector')
        },
      }),
    )
    const fine = new WatchRecorder(await store.watch('pods'))
    await store.create('pods', makePod('a').obj())
    await broken.waitForEnd()
    expect(String((broken.error as Error).cause)).toContain('bad selector')
    expect((await fine.waitFor(1))[0]?.type).toBe('ADDED')
  })

  it('queues readers that call next() without awaiting the previous call', async () => {
    const { store } = open()
    const watch = await store.watch('pods')
    const first = watch.next()
    const second = watch.next()
    await store.create('pods', makePod('a').obj())
    await store.create('pods', makePod('b').obj())
    const names = (await Promise.all([first, second])).map((r) => (r.done || r.value.type === 'BOOKMARK' ? null : r.value.object.metadata.name))
    expect(names).toEqual(['a', 'b'])
    watch.stop()
  })

  it('sends no bookmark ahead of the history a watch is still replaying', async () => {
    const { store } = open({ bookmarkIntervalMs: 10 })
    await store.create('pods', makePod('a').obj())
    await store.create('pods', makePod('b').obj())
    const watch = await store.watch('pods', { fromRevision: 0, bookmarks: true })
    await settle(40)
    const recorder = new WatchRecorder(watch)
    await recorder.waitFor(2)
    await settle(40)
    expect(summary(recorder.events)).toEqual(['ADDED a 1', 'ADDED b 2'])
    await store.create('nodes', makeNode('n').obj())
    expect(summary(await recorder.waitFor(3))).toEqual(['ADDED a 1', 'ADDED b 2', 'BOOKMARK 3'])
  })
})
