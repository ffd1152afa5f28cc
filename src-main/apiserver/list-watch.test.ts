import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makePod } from '../api/testing/builders.ts'
import { ApiError } from './errors.ts'
import { INITIAL_EVENTS_END_ANNOTATION } from './api-server.ts'
import { ApiWatchRecorder, admin, makeConfigMap, newTestServer, ref, settle, type TestServer } from './testing.ts'
import type { WatchOptions } from './types.ts'

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('expected a rejection')
}

describe('list and watch', () => {
  let s: TestServer
  const recorders: ApiWatchRecorder[] = []
  const watch = async (options: WatchOptions, r = ref.configmaps('default')): Promise<ApiWatchRecorder> => {
    const recorder = new ApiWatchRecorder(await s.api.watch(r, options, admin))
    recorders.push(recorder)
    return recorder
  }
  const cm = (name: string, labels: Record<string, string> = {}) => s.api.create(ref.configmaps('default'), makeConfigMap(name).withLabels(labels).obj(), admin)
  const relabel = (name: string, labels: Record<string, string>) =>
    s.api.patch(ref.configmaps('default', name), 'application/merge-patch+json', { metadata: { labels } }, admin)

  beforeEach(async () => {
    s = await newTestServer({ storeOptions: { bookmarkIntervalMs: 20 } })
  })
  afterEach(() => {
    for (const r of recorders.splice(0)) r.watch.stop()
  })

  describe('selectors in lists', () => {
    it('filter by labels and by the fields the kind supports', async () => {
      await cm('a', { tier: 'web' })
      await cm('b', { tier: 'db' })
      const byLabel = await s.api.list(ref.configmaps('default'), { labelSelector: 'tier in (web,cache)' }, admin)
      expect(byLabel.items.map((i) => i.metadata.name)).toEqual(['a'])
      const byField = await s.api.list(ref.configmaps(), { fieldSelector: 'metadata.name=b,metadata.namespace=default' }, admin)
      expect(byField.items.map((i) => i.metadata.name)).toEqual(['b'])
      await s.api.create(ref.pods('default'), makePod('p1').withContainer().onNode('n1').obj(), admin)
      await s.api.create(ref.pods('default'), makePod('p2').withContainer().obj(), admin)
      const onNode = await s.api.list(ref.pods(), { fieldSelector: 'spec.nodeName=n1' }, admin)
      expect(onNode.items.map((i) => i.metadata.name)).toEqual(['p1'])
      const unscheduled = await s.api.list(ref.pods(), { fieldSelector: 'spec.nodeName=' }, admin)
      expect(unscheduled.items.map((i) => i.metadata.name)).toEqual(['p2'])
    })

    it('refuse a selector that does not parse, or a field the kind does not support, with 400 naming it', async () => {
      const label = await rejection(s.api.list(ref.configmaps(), { labelSelector: 'a b' }, admin))
      expect(label.status).toMatchObject({ code: 400, reason: 'BadRequest' })
      expect(label.message).toMatch(/^unable to parse labelSelector "a b": /)
      const field = await rejection(s.api.list(ref.configmaps(), { fieldSelector: 'spec.nodeName=n1' }, admin))
      expect(field.message).toBe('unable to parse fieldSelector "spec.nodeName=n1": field label not supported: spec.nodeName')
      expect((await rejection(s.api.watch(ref.configmaps(), { fieldSelector: 'nonsense' }, admin))).code).toBe(400)
    })
  })

  describe('watch', () => {
    it('without a resourceVersion starts with the existing objects as ADDED, then changes', async () => {
      await cm('a')
      const w = await watch({})
      await w.waitFor(1)
      await cm('b')
      await s.api.delete(ref.configmaps('default', 'a'), {}, admin)
      await w.waitFor(3)
      expect(w.summary()).toEqual(['ADDED a', 'ADDED b', 'DELETED a'])
      expect(w.events[0]?.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' })
    })

    it('from resourceVersion "0" does the same', async () => {
      await cm('a')
      const w = await watch({ resourceVersion: '0' })
      await cm('b')
      await w.waitFor(2)
      expect(w.summary()).toEqual(['ADDED a', 'ADDED b'])
    })

    it('from a resourceVersion delivers only what changed after it', async () => {
      const { object } = await cm('a')
      await relabel('a', { v: '2' })
      await cm('b')
      const w = await watch({ resourceVersion: object.metadata.resourceVersion })
      await w.waitFor(2)
      await settle()
      expect(w.summary()).toEqual(['MODIFIED a', 'ADDED b'])
    })

    it('from a compacted resourceVersion sends one ERROR event with a 410 Expired Status, then ends', async () => {
      const { object } = await cm('a')
      await cm('b')
      await s.store.compact(await s.store.currentRevision())
      const w = await watch({ resourceVersion: object.metadata.resourceVersion })
      await w.waitForEnd()
      expect(w.summary()).toEqual(['ERROR 410'])
      expect(w.events[0]?.object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/) })
    })

    it('from a resourceVersion in the future answers 504, and a malformed one 400', async () => {
      expect((await rejection(s.api.watch(ref.configmaps(), { resourceVersion: '99999' }, admin))).code).toBe(504)
      expect((await rejection(s.api.watch(ref.configmaps(), { resourceVersion: 'x' }, admin))).code).toBe(400)
    })

    it('with a selector, an object that starts matching arrives as ADDED and one that stops as DELETED', async () => {
      await cm('a', { tier: 'web' })
      await cm('b', { tier: 'db' })
      const w = await watch({ labelSelector: 'tier=web' })
      await w.waitFor(1)
      await relabel('b', { tier: 'web' })
      await relabel('a', { tier: 'db' })
      await relabel('a', { tier: 'db', other: 'x' })
      await relabel('b', { tier: 'web', v: '2' })
      await w.waitFor(4)
      await settle()
      expect(w.summary()).toEqual(['ADDED a', 'ADDED b', 'DELETED a', 'MODIFIED b'])
    })

    it('with a field selector follows pods as they are bound', async () => {
      await s.api.create(ref.pods('default'), makePod('p').withContainer().obj(), admin)
      const w = await watch({ fieldSelector: 'spec.nodeName=n1' }, ref.pods())
      await s.api.create(ref.pods('default', 'p', 'binding'), { metadata: { name: 'p' }, target: { name: 'n1' } }, admin)
      await w.waitFor(1)
      expect(w.summary()).toEqual(['ADDED p'])
    })

    it('of one object by name sees only that object', async () => {
      const w = await watch({}, ref.configmaps('default', 'b'))
      await cm('a')
      await cm('b')
      await w.waitFor(1)
      await settle()
      expect(w.summary()).toEqual(['ADDED b'])
    })

    it('sends bookmarks when asked, at the current resourceVersion', async () => {
      await cm('a')
      const w = await watch({ allowWatchBookmarks: true, resourceVersion: String(await s.store.currentRevision()) })
      await s.api.create(ref.pods('default'), makePod('elsewhere').withContainer().obj(), admin)
      await w.waitFor(1)
      expect(w.events[0]).toEqual({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: String(await s.store.currentRevision()) } } })
    })

    it('with sendInitialEvents ends the initial ADDED events with the initial-events-end bookmark', async () => {
      await cm('a')
      await cm('b')
      const rv = String(await s.store.currentRevision())
      const w = await watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true })
      await w.waitFor(3)
      expect(w.summary()).toEqual(['ADDED a', 'ADDED b', `BOOKMARK ${rv}`])
      expect(w.events[2]?.object.metadata).toEqual({ resourceVersion: rv, annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } })
    })

    it('refuses sendInitialEvents without resourceVersionMatch=NotOlderThan and bookmarks (422)', async () => {
      const err = await rejection(s.api.watch(ref.configmaps(), { sendInitialEvents: true }, admin))
      expect(err.status).toMatchObject({ code: 422, details: { kind: 'ListOptions', group: 'meta.k8s.io' } })
      expect(err.causes.map((c) => c.field)).toEqual(['resourceVersionMatch', 'allowWatchBookmarks'])
    })

    it('ends after timeoutSeconds', async () => {
      const w = await watch({ timeoutSeconds: 0.05, resourceVersion: String(await s.store.currentRevision()) })
      await w.waitForEnd()
      expect(w.events).toEqual([])
    })

    it('ends when stopped, releasing a waiting reader', async () => {
      const w = await watch({ resourceVersion: String(await s.store.currentRevision()) })
      w.watch.stop()
      w.watch.stop()
      await w.waitForEnd()
      expect(await w.watch.next()).toEqual({ done: true, value: undefined })
    })
  })
})
