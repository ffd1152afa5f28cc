// The behaviour every Store must show, as one suite each implementation runs from its own test
// file: `describeStoreContract('SqliteStore', (options) => new SqliteStore(file, options))`.
// A future etcd backend runs it too.

import { afterEach, describe, expect, it } from 'vitest'
import { AlreadyExists, Conflict, Gone, InvalidContinue, NotFound, StoreClosed, StoreError } from './errors.ts'
import type { Store } from './store.ts'
import { WatchRecorder, changed, makeDeployment, makeNode, makePod, settle, summary } from './testing.ts'
import type { KubeObject, ObjectKey } from './types.ts'

/** Knobs the suite turns to reach edge cases quickly; a backend maps them to its own settings. */
export interface ContractStoreOptions {
  /** Changes of history kept (older ones are compacted away as writes arrive). */
  historyMaxEvents?: number
  /** Events a watcher buffers before it must catch up from history. */
  watchBufferSize?: number
  bookmarkIntervalMs?: number
}

export type StoreFactory = (options: ContractStoreOptions) => Store | Promise<Store>

const podKey = (name: string, namespace = 'default'): ObjectKey => ({ resource: 'pods', namespace, name })

function rv(object: KubeObject): number {
  return Number(object.metadata.resourceVersion)
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} (Store contract)`, () => {
    const opened: Store[] = []
    const open = async (options: ContractStoreOptions = {}): Promise<Store> => {
      const store = await factory({ bookmarkIntervalMs: 20, ...options })
      opened.push(store)
      return store
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()))
    })

    describe('create and get', () => {
      it('stores a new object at the next revision and returns it with that resourceVersion', async () => {
        const store = await open()
        const before = await store.currentRevision()
        const pod = makePod('web').withLabels({ app: 'web' }).obj()
        const created = await store.create('pods', pod)
        expect(await store.currentRevision()).toBe(before + 1)
        expect(created.metadata.resourceVersion).toBe(String(before + 1))
        expect(created).toEqual({ ...pod, metadata: { ...pod.metadata, resourceVersion: String(before + 1) } })
        expect(pod.metadata.resourceVersion).toBeUndefined()
        expect(await store.get(podKey('web'))).toEqual(created)
      })

      it('hands out copies: changing a returned object changes nothing stored', async () => {
        const store = await open()
        const created = await store.create('pods', makePod('web').obj())
        created.metadata.name = 'changed'
        const got = await store.get(podKey('web'))
        got.spec = 'changed'
        expect((await store.get(podKey('web'))).spec).toEqual({ containers: [{ name: 'app', image: 'busybox' }] })
      })

      it('refuses a second object under the same key with AlreadyExists', async () => {
        const store = await open()
        await store.create('pods', makePod('web').obj())
        const revision = await store.currentRevision()
        const err = await rejection(store.create('pods', makePod('web').obj()))
        expect(err).toBeInstanceOf(AlreadyExists)
        expect(err).toMatchObject({ code: 409, reason: 'AlreadyExists', resource: 'pods', namespace: 'default', objectName: 'web' })
        expect((err as Error).message).toBe('pods "web" already exists')
        expect(await store.currentRevision()).toBe(revision)
      })

      it('keeps resources, namespaces and cluster-scoped objects apart', async () => {
        const store = await open()
        await store.create('pods', makePod('web').inNamespace('a').obj())
        await store.create('pods', makePod('web').inNamespace('b').obj())
        await store.create('apps/deployments', makeDeployment('web').inNamespace('a').obj())
        await store.create('nodes', makeNode('web').obj())
        expect((await store.get(podKey('web', 'b'))).metadata.namespace).toBe('b')
        expect((await store.get({ resource: 'apps/deployments', namespace: 'a', name: 'web' })).kind).toBe('Deployment')
        expect((await store.get({ resource: 'nodes', namespace: '', name: 'web' })).kind).toBe('Node')
        await expect(store.get({ resource: 'nodes', namespace: 'a', name: 'web' })).rejects.toBeInstanceOf(NotFound)
      })

      it('answers a missing key with NotFound naming it the Kubernetes way', async () => {
        const store = await open()
        const err = await rejection(store.get({ resource: 'apps/deployments', namespace: 'default', name: 'web' }))
        expect(err).toBeInstanceOf(NotFound)
        expect(err).toBeInstanceOf(StoreError)
        expect(err).toMatchObject({ code: 404, reason: 'NotFound', group: 'apps', kind: 'deployments', objectName: 'web' })
        expect((err as Error).message).toBe('deployments.apps "web" not found')
      })

      it('writes nothing when an object cannot be serialised', async () => {
        const store = await open()
        const revision = await store.currentRevision()
        await expect(store.create('pods', makePod('bad').with('spec', { size: 1n }).obj())).rejects.toThrow(TypeError)
        expect(await store.currentRevision()).toBe(revision)
        await expect(store.get(podKey('bad'))).rejects.toBeInstanceOf(NotFound)
      })
    })

    describe('update', () => {
      it('replaces the object at a new revision', async () => {
        const store = await open()
        const created = await store.create('pods', makePod('web').obj())
        const updated = await store.update('pods', { ...created, status: { phase: 'Running' } })
        expect(rv(updated)).toBe(rv(created) + 1)
        expect(await store.get(podKey('web'))).toEqual(updated)
      })

      it('answers NotFound for a missing object and creates nothing', async () => {
        const store = await open()
        await expect(store.update('pods', makePod('ghost').obj())).rejects.toBeInstanceOf(NotFound)
        await expect(store.get(podKey('ghost'))).rejects.toBeInstanceOf(NotFound)
      })

      it('with an expected resourceVersion, writes only over exactly that version', async () => {
        const store = await open()
        const created = await store.create('pods', makePod('web').obj())
        const first = await store.update('pods', { ...created, status: { phase: 'Pending' } }, { resourceVersion: created.metadata.resourceVersion })
        const err = await rejection(store.update('pods', { ...created, status: { phase: 'Failed' } }, { resourceVersion: created.metadata.resourceVersion }))
        expect(err).toBeInstanceOf(Conflict)
        expect(err).toMatchObject({ code: 409, reason: 'Conflict' })
        expect((err as Error).message).toBe(
          'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
        )
        expect(await store.get(podKey('web'))).toEqual(first)
      })

      it('writes nothing for an update that changes nothing', async () => {
        const store = await open()
        const created = await store.create('pods', makePod('web').obj())
        const revision = await store.currentRevision()
        const watch = new WatchRecorder(await store.watch('pods'))
        const same = await store.update('pods', { ...created, metadata: { ...created.metadata, resourceVersion: '' } })
        expect(same).toEqual(created)
        expect(await store.currentRevision()).toBe(revision)
        await settle()
        expect(watch.events).toEqual([])
      })
    })

    describe('delete', () => {
      it('removes the object and returns its last state at the revision of the deletion', async () => {
        const store = await open()
        const created = await store.create('pods', makePod('web').obj())
        const deleted = await store.delete(podKey('web'))
        expect(rv(deleted)).toBe(rv(created) + 1)
        expect(deleted).toEqual({ ...created, metadata: { ...created.metadata, resourceVersion: String(rv(created) + 1) } })
        expect(await store.currentRevision()).toBe(rv(deleted))
        await expect(store.get(podKey('web'))).rejects.toBeInstanceOf(NotFound)
        await expect(store.delete(podKey('web'))).rejects.toBeInstanceOf(NotFound)
      })

      it('checks uid and resourceVersion preconditions', async () => {
        const store = await open()
        const created = await store.create('pods', makePod('web').withUid('uid-1').obj())
        const wrongUid = await rejection(store.delete(podKey('web'), { preconditions: { uid: 'uid-2' } }))
        expect(wrongUid).toBeInstanceOf(Conflict)
        expect((wrongUid as Error).message).toBe(
          'Operation cannot be fulfilled on pods "web": Precondition failed: UID in precondition: uid-2, UID in object meta: uid-1',
        )
        const wrongVersion = await rejection(store.delete(podKey('web'), { preconditions: { resourceVersion: '999999' } }))
        expect(wrongVersion).toBeInstanceOf(Conflict)
        expect((wrongVersion as Error).message).toContain('Precondition failed: ResourceVersion in precondition: 999999')
        await store.get(podKey('web'))
        await store.delete(podKey('web'), { preconditions: { uid: 'uid-1', resourceVersion: created.metadata.resourceVersion } })
        await expect(store.get(podKey('web'))).rejects.toBeInstanceOf(NotFound)
      })

      it('frees the key for a new object with a new uid', async () => {
        const store = await open()
        await store.create('pods', makePod('web').withUid('old').obj())
        await store.delete(podKey('web'))
        await store.create('pods', makePod('web').withUid('new').obj())
        expect((await store.get(podKey('web'))).metadata.uid).toBe('new')
      })
    })

    describe('guaranteedUpdate', () => {
      it('reads, applies tryUpdate to a private copy, and writes', async () => {
        const store = await open()
        const created = await store.create('pods', makePod('web').obj())
        const updated = await store.guaranteedUpdate(podKey('web'), (pod) => {
          pod.status = { phase: 'Running' }
          return pod
        })
        expect(updated.status).toEqual({ phase: 'Running' })
        expect(rv(updated)).toBe(rv(created) + 1)
        expect(await store.get(podKey('web'))).toEqual(updated)
      })

      it('retries on the new state when another write lands while tryUpdate is running', async () => {
        const store = await open()
        await store.create('pods', makePod('web').with('status', { restarts: 0 }).obj())
        let calls = 0
        const updated = await store.guaranteedUpdate(podKey('web'), async (pod) => {
          calls++
          if (calls === 1) await store.update('pods', { ...pod, metadata: { ...pod.metadata }, status: { restarts: 10 } })
          const status = pod.status as { restarts: number }
          return { ...pod, status: { restarts: status.restarts + 1 } }
        })
        expect(calls).toBe(2)
        expect(updated.status).toEqual({ restarts: 11 })
      })

      it('gives up with Conflict when it keeps losing the race', async () => {
        const store = await open()
        await store.create('pods', makePod('web').with('status', { n: 0 }).obj())
        let n = 0
        const err = await rejection(
          store.guaranteedUpdate(podKey('web'), async (pod) => {
            await store.update('pods', { ...pod, status: { n: ++n } })
            return { ...pod, status: { n: -1 } }
          }),
        )
        expect(err).toBeInstanceOf(Conflict)
        expect(n).toBeGreaterThan(1)
        expect((await store.get(podKey('web'))).status).toEqual({ n })
      })

      it('writes nothing when tryUpdate returns the object unchanged', async () => {
        const store = await open()
        const created = await store.create('pods', makePod('web').obj())
        const revision = await store.currentRevision()
        expect(await store.guaranteedUpdate(podKey('web'), (pod) => pod)).toEqual(created)
        expect(await store.currentRevision()).toBe(revision)
      })

      it('writes nothing when tryUpdate throws, and passes the error on', async () => {
        const store = await open()
        const created = await store.create('pods', makePod('web').obj())
        await expect(
          store.guaranteedUpdate(podKey('web'), () => {
            throw new Error('admission says no')
          }),
        ).rejects.toThrow('admission says no')
        expect(await store.get(podKey('web'))).toEqual(created)
      })

      it('answers NotFound for a missing object, and Conflict when preconditions fail', async () => {
        const store = await open()
        await expect(store.guaranteedUpdate(podKey('ghost'), (pod) => pod)).rejects.toBeInstanceOf(NotFound)
        await store.create('pods', makePod('web').withUid('uid-1').obj())
        let called = false
        const attempt = store.guaranteedUpdate(
          podKey('web'),
          (pod) => {
            called = true
            return pod
          },
          { preconditions: { uid: 'uid-2' } },
        )
        await expect(attempt).rejects.toBeInstanceOf(Conflict)
        expect(called).toBe(false)
      })

      it('answers NotFound when the object is deleted while tryUpdate runs', async () => {
        const store = await open()
        await store.create('pods', makePod('web').obj())
        const attempt = store.guaranteedUpdate(podKey('web'), async (pod) => {
          await store.delete(podKey('web'))
          return { ...pod, status: { phase: 'Running' } }
        })
        await expect(attempt).rejects.toBeInstanceOf(NotFound)
        await expect(store.get(podKey('web'))).rejects.toBeInstanceOf(NotFound)
      })
    })

    describe('list', () => {
      it('returns every object of a resource in (namespace, name) order at the current revision', async () => {
        const store = await open()
        for (const [namespace, name] of [['b', 'x'], ['a', 'y'], ['a', 'x'], ['c', 'a']] as const) {
          await store.create('pods', makePod(name).inNamespace(namespace).obj())
        }
        await store.create('apps/deployments', makeDeployment('x').obj())
        const list = await store.list('pods')
        expect(list.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['a/x', 'a/y', 'b/x', 'c/a'])
        expect(list.revision).toBe(await store.currentRevision())
        expect(list.continue).toBeUndefined()
        expect(list.remainingItemCount).toBeUndefined()
        expect(list.items[0]).toEqual(await store.get(podKey('x', 'a')))
      })

      it('lists one namespace, or cluster-scoped objects with namespace ""', async () => {
        const store = await open()
        await store.create('pods', makePod('x').inNamespace('a').obj())
        await store.create('pods', makePod('y').inNamespace('b').obj())
        await store.create('nodes', makeNode('n1').obj())
        expect((await store.list('pods', { namespace: 'b' })).items.map((p) => p.metadata.name)).toEqual(['y'])
        expect((await store.list('nodes', { namespace: '' })).items.map((p) => p.metadata.name)).toEqual(['n1'])
        expect((await store.list('nodes')).items).toHaveLength(1)
        expect((await store.list('services')).items).toEqual([])
      })

      it('keeps only objects the filter accepts', async () => {
        const store = await open()
        await store.create('pods', makePod('a').withLabels({ app: 'web' }).obj())
        await store.create('pods', makePod('b').withLabels({ app: 'db' }).obj())
        await store.create('pods', makePod('c').withLabels({ app: 'web' }).obj())
        const list = await store.list('pods', { filter: (o) => (o.metadata.labels as Record<string, string>).app === 'web' })
        expect(list.items.map((p) => p.metadata.name)).toEqual(['a', 'c'])
      })

      it('pages with limit and continue, counting what remains', async () => {
        const store = await open()
        for (const name of ['a', 'b', 'c', 'd', 'e']) await store.create('pods', makePod(name).obj())
        const first = await store.list('pods', { limit: 2 })
        expect(first.items.map((p) => p.metadata.name)).toEqual(['a', 'b'])
        expect(first.remainingItemCount).toBe(3)
        const second = await store.list('pods', { limit: 2, continue: first.continue })
        expect(second.items.map((p) => p.metadata.name)).toEqual(['c', 'd'])
        expect(second.remainingItemCount).toBe(1)
        const third = await store.list('pods', { limit: 2, continue: second.continue })
        expect(third.items.map((p) => p.metadata.name)).toEqual(['e'])
        expect(third.continue).toBeUndefined()
        expect([first.revision, second.revision, third.revision]).toEqual([first.revision, first.revision, first.revision])
      })

      it('fills a filtered page with matches, without a remaining count', async () => {
        const store = await open()
        for (let i = 0; i < 10; i++) await store.create('pods', makePod(`p${i}`).withLabels({ even: String(i % 2 === 0) }).obj())
        const filter = (o: KubeObject): boolean => (o.metadata.labels as Record<string, string>).even === 'true'
        const first = await store.list('pods', { limit: 3, filter })
        expect(first.items.map((p) => p.metadata.name)).toEqual(['p0', 'p2', 'p4'])
        expect(first.remainingItemCount).toBeUndefined()
        const rest = await store.list('pods', { limit: 3, filter, continue: first.continue })
        expect(rest.items.map((p) => p.metadata.name)).toEqual(['p6', 'p8'])
      })

      it('serves every page from the first page’s revision, whatever is written in between', async () => {
        const store = await open()
        for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await store.create('pods', makePod(name).with('status', { v: 1 }).obj())
        await store.create('pods', makePod('z').inNamespace('other').obj())
        const first = await store.list('pods', { namespace: 'default', limit: 2 })
        const snapshot = (await store.list('pods', { namespace: 'default' })).items

        // Writes before and after the page boundary, in this namespace and another, of every kind.
        await store.delete(podKey('d'))
        await store.guaranteedUpdate(podKey('e'), (p) => ({ ...p, status: { v: 2 } }))
        await store.guaranteedUpdate(podKey('e'), (p) => ({ ...p, status: { v: 3 } }))
        await store.create('pods', makePod('cc').obj())
        await store.delete(podKey('f'))
        await store.create('pods', makePod('f').with('status', { v: 'recreated' }).obj())
        await store.guaranteedUpdate(podKey('a'), (p) => ({ ...p, status: { v: 2 } }))
        await store.delete(podKey('z', 'other'))
        await store.create('pods', makePod('y').inNamespace('other').obj())

        const pages = [...first.items]
        let token = first.continue
        const counts: (number | undefined)[] = [first.remainingItemCount]
        while (token) {
          const page = await store.list('pods', { namespace: 'default', limit: 2, continue: token })
          expect(page.revision).toBe(first.revision)
          counts.push(page.remainingItemCount)
          pages.push(...page.items)
          token = page.continue
        }
        expect(pages).toEqual(snapshot)
        expect(counts).toEqual([4, 2, undefined])

        const now = await store.list('pods', { namespace: 'default' })
        expect(now.items.map((p) => `${p.metadata.name}:${JSON.stringify(p.status)}`)).toEqual([
          'a:{"v":2}',
          'b:{"v":1}',
          'c:{"v":1}',
          'cc:undefined',
          'e:{"v":3}',
          'f:{"v":"recreated"}',
        ])
      })

      it('pages across all namespaces at one revision too', async () => {
        const store = await open()
        for (const ns of ['a', 'b', 'c']) for (const name of ['x', 'y']) await store.create('pods', makePod(name).inNamespace(ns).obj())
        const first = await store.list('pods', { limit: 3 })
        const snapshot = (await store.list('pods')).items
        await store.delete(podKey('x', 'c'))
        await store.create('pods', makePod('w').inNamespace('b').obj())
        const second = await store.list('pods', { limit: 3, continue: first.continue })
        expect([...first.items, ...second.items]).toEqual(snapshot)
        expect(second.continue).toBeUndefined()
      })

      it('rejects a continue token it did not issue with InvalidContinue (400)', async () => {
        const store = await open()
        const err = await rejection(store.list('pods', { continue: 'not-a-token' }))
        expect(err).toBeInstanceOf(InvalidContinue)
        expect(err).toMatchObject({ code: 400, reason: 'BadRequest' })
      })

      it('answers Gone (410 Expired) for a continue token older than the history, offering an inconsistent one', async () => {
        const store = await open()
        for (const name of ['a', 'b', 'c']) await store.create('pods', makePod(name).obj())
        const first = await store.list('pods', { limit: 1 })
        await store.create('pods', makePod('bb').obj())
        await store.compact(await store.currentRevision())
        const err = await rejection(store.list('pods', { limit: 1, continue: first.continue }))
        expect(err).toBeInstanceOf(Gone)
        expect(err).toMatchObject({ code: 410, reason: 'Expired' })
        expect((err as Error).message).toContain('The provided continue parameter is too old')
        const rest = await store.list('pods', { continue: (err as Gone).continue })
        expect(rest.items.map((p) => p.metadata.name)).toEqual(['b', 'bb', 'c'])
        expect(rest.revision).toBe(await store.currentRevision())
      })

      it('lists as of an older revision while history reaches back to it, and answers Gone after', async () => {
        const store = await open()
        await store.create('pods', makePod('a').obj())
        const then = await store.currentRevision()
        await store.create('pods', makePod('b').obj())
        await store.delete(podKey('a'))
        const old = await store.list('pods', { revision: then })
        expect(old.items.map((p) => p.metadata.name)).toEqual(['a'])
        expect(old.revision).toBe(then)
        await store.compact(await store.currentRevision())
        const err = await rejection(store.list('pods', { revision: then }))
        expect(err).toBeInstanceOf(Gone)
        expect((err as Error).message).toBe(`too old resource version: ${then} (${await store.currentRevision()})`)
      })
    })

    describe('watch', () => {
      it('delivers live changes in order, a deletion carrying the last state at its own revision', async () => {
        const store = await open()
        const watch = new WatchRecorder(await store.watch('pods'))
        const created = await store.create('pods', makePod('web').obj())
        const updated = await store.update('pods', { ...created, status: { phase: 'Running' } })
        const deleted = await store.delete(podKey('web'))
        const events = await watch.waitFor(3)
        expect(events).toEqual([
          { type: 'ADDED', object: created, revision: rv(created) },
          { type: 'MODIFIED', object: updated, revision: rv(updated) },
          { type: 'DELETED', object: deleted, revision: rv(deleted) },
        ])
        expect(deleted.status).toEqual({ phase: 'Running' })
      })

      it('sees only its resource and, when asked, only one namespace', async () => {
        const store = await open()
        const all = new WatchRecorder(await store.watch('pods'))
        const one = new WatchRecorder(await store.watch('pods', { namespace: 'b' }))
        const nodes = new WatchRecorder(await store.watch('nodes', { namespace: '' }))
        const x = await store.create('pods', makePod('x').inNamespace('a').obj())
        await store.create('apps/deployments', makeDeployment('x').inNamespace('b').obj())
        const y = await store.create('pods', makePod('y').inNamespace('b').obj())
        const n1 = await store.create('nodes', makeNode('n1').obj())
        await all.waitFor(2)
        await one.waitFor(1)
        await nodes.waitFor(1)
        await settle()
        expect(summary(all.events)).toEqual([`ADDED x ${rv(x)}`, `ADDED y ${rv(y)}`])
        expect(summary(one.events)).toEqual([`ADDED y ${rv(y)}`])
        expect(summary(nodes.events)).toEqual([`ADDED n1 ${rv(n1)}`])
      })

      it('replays history after fromRevision, then carries on live without gap or repeat', async () => {
        const store = await open()
        await store.create('pods', makePod('a').obj())
        const from = await store.currentRevision()
        await store.create('pods', makePod('b').obj())
        await store.create('nodes', makeNode('n').obj())
        await store.guaranteedUpdate(podKey('a'), (p) => ({ ...p, status: { phase: 'Running' } }))
        await store.delete(podKey('b'))
        const watch = new WatchRecorder(await store.watch('pods', { fromRevision: from }))
        await watch.waitFor(3)
        await store.create('pods', makePod('c').obj())
        const events = await watch.waitFor(4)
        expect(summary(events)).toEqual([`ADDED b ${from + 1}`, `MODIFIED a ${from + 3}`, `DELETED b ${from + 4}`, `ADDED c ${from + 5}`])
        expect(changed(events[2]).metadata.resourceVersion).toBe(String(from + 4))
        expect(changed(events[1])).toEqual(await store.get(podKey('a')))
      })

      it('from the current revision, delivers nothing old', async () => {
        const store = await open()
        await store.create('pods', makePod('a').obj())
        const watch = new WatchRecorder(await store.watch('pods', { fromRevision: await store.currentRevision() }))
        await store.create('pods', makePod('b').obj())
        await watch.waitFor(1)
        await settle()
        expect(summary(watch.events).map((s) => s.split(' ')[1])).toEqual(['b'])
      })

      it('keeps revision order under many concurrent writers', async () => {
        const store = await open()
        const watch = new WatchRecorder(await store.watch('pods'))
        const start = await store.currentRevision()
        await Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            const key = podKey(`p${i}`)
            await store.create('pods', makePod(key.name).with('status', { n: 0 }).obj())
            for (let n = 1; n <= 4; n++) {
              await store.guaranteedUpdate(key, async (p) => {
                await Promise.resolve()
                return { ...p, status: { n } }
              })
            }
          }),
        )
        const events = await watch.waitFor(100)
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 100 }, (_, i) => start + 1 + i))
        for (const e of events) expect(changed(e).metadata.resourceVersion).toBe(String(e.revision))
      })

      it('applies a filter with Kubernetes transitions: matching starts as ADDED, stops as DELETED', async () => {
        const store = await open()
        const web = (o: KubeObject): boolean => (o.metadata.labels as Record<string, string> | undefined)?.app === 'web'
        const watch = new WatchRecorder(await store.watch('pods', { filter: web }))
        const relabel = (name: string, app: string) => store.guaranteedUpdate(podKey(name), (p) => ({ ...p, metadata: { ...p.metadata, labels: { app } } }))
        await store.create('pods', makePod('a').withLabels({ app: 'db' }).obj())
        const b = await store.create('pods', makePod('b').withLabels({ app: 'web' }).obj())
        await relabel('a', 'web')
        await store.guaranteedUpdate(podKey('a'), (p) => ({ ...p, status: { phase: 'Running' } }))
        const leaving = await relabel('b', 'db')
        await store.delete(podKey('b'))
        await store.delete(podKey('a'))
        const events = await watch.waitFor(5)
        await settle()
        expect(watch.events).toHaveLength(5)
        expect(events.map((e) => `${e.type} ${changed(e).metadata.name}`)).toEqual(['ADDED b', 'ADDED a', 'MODIFIED a', 'DELETED b', 'DELETED a'])
        // Leaving the filter: the last state that matched, at the revision of the change.
        expect(changed(events[3])).toEqual({ ...b, metadata: { ...b.metadata, resourceVersion: leaving.metadata.resourceVersion } })
      })

      it('applies the same filter rules when replaying history', async () => {
        const store = await open()
        const from = await store.currentRevision()
        await store.create('pods', makePod('a').withLabels({ app: 'web' }).obj())
        await store.guaranteedUpdate(podKey('a'), (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'db' } } }))
        await store.create('pods', makePod('b').withLabels({ app: 'db' }).obj())
        const web = (o: KubeObject): boolean => (o.metadata.labels as Record<string, string>).app === 'web'
        const watch = new WatchRecorder(await store.watch('pods', { fromRevision: from, filter: web }))
        await watch.waitFor(2)
        await settle()
        expect(summary(watch.events)).toEqual([`ADDED a ${from + 1}`, `DELETED a ${from + 2}`])
        expect((changed(watch.events[1]).metadata.labels as Record<string, string>).app).toBe('web')
      })

      it('rejects fromRevision older than the retained history with Gone (410 Expired)', async () => {
        const store = await open()
        await store.create('pods', makePod('a').obj())
        const from = await store.currentRevision()
        await store.create('pods', makePod('b').obj())
        await store.create('pods', makePod('c').obj())
        await store.compact(from + 1)
        const err = await rejection(store.watch('pods', { fromRevision: from }))
        expect(err).toBeInstanceOf(Gone)
        expect(err).toMatchObject({ code: 410, reason: 'Expired', resource: 'pods' })
        expect((err as Error).message).toBe(`too old resource version: ${from} (${from + 1})`)
        const watch = new WatchRecorder(await store.watch('pods', { fromRevision: from + 1 }))
        expect(summary(await watch.waitFor(1))).toEqual([`ADDED c ${from + 2}`])
      })

      it('lets a slow reader catch up from history without holding writers back', async () => {
        const store = await open({ watchBufferSize: 4 })
        const watch = await store.watch('pods')
        const start = await store.currentRevision()
        for (let i = 0; i < 30; i++) await store.create('pods', makePod(`p${i}`).obj())
        const recorder = new WatchRecorder(watch)
        const events = await recorder.waitFor(30)
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 30 }, (_, i) => start + 1 + i))
        await store.create('pods', makePod('live').obj())
        expect(summary(await recorder.waitFor(31)).at(-1)).toBe(`ADDED live ${start + 31}`)
      })

      it('ends a reader that fell behind the retained history with Gone, after what it had buffered', async () => {
        const store = await open({ watchBufferSize: 4, historyMaxEvents: 10 })
        const watch = await store.watch('pods')
        for (let i = 0; i < 30; i++) await store.create('pods', makePod(`p${i}`).obj())
        const recorder = new WatchRecorder(watch)
        await recorder.waitForEnd()
        expect(recorder.events.map((e) => changed(e).metadata.name)).toEqual(['p0', 'p1', 'p2', 'p3'])
        expect(recorder.error).toBeInstanceOf(Gone)
        expect(recorder.error).toMatchObject({ code: 410, reason: 'Expired' })
      })

      it('sends bookmarks at the current revision only to watches that asked, and only when it moved', async () => {
        const store = await open({ bookmarkIntervalMs: 20 })
        const withBookmarks = new WatchRecorder(await store.watch('pods', { namespace: 'quiet', bookmarks: true }))
        const without = new WatchRecorder(await store.watch('pods', { namespace: 'quiet' }))
        await store.create('pods', makePod('a').obj())
        await store.create('nodes', makeNode('n').obj())
        const revision = await store.currentRevision()
        const [bookmark] = await withBookmarks.waitFor(1)
        expect(bookmark).toEqual({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(revision) } }, revision })
        await settle(80)
        expect(withBookmarks.events).toHaveLength(1)
        expect(without.events).toEqual([])
        // A client resuming from the bookmark misses nothing and repeats nothing.
        await store.create('pods', makePod('b').inNamespace('quiet').obj())
        const resumed = new WatchRecorder(await store.watch('pods', { fromRevision: revision }))
        expect(summary(await resumed.waitFor(1))).toEqual([`ADDED b ${revision + 1}`])
      })

      it('finishes when stopped, and a waiting reader is released', async () => {
        const store = await open()
        const watch = await store.watch('pods')
        const pending = watch.next()
        watch.stop()
        expect(await pending).toEqual({ done: true, value: undefined })
        await store.create('pods', makePod('a').obj())
        expect(await watch.next()).toEqual({ done: true, value: undefined })
      })

      it('finishes when the reader breaks out of for-await', async () => {
        const store = await open()
        const watch = await store.watch('pods')
        await store.create('pods', makePod('a').obj())
        await store.create('pods', makePod('b').obj())
        const seen: string[] = []
        for await (const event of watch) {
          if (event.type !== 'BOOKMARK') seen.push(event.object.metadata.name)
          break
        }
        expect(seen).toEqual(['a'])
        expect(await watch.next()).toEqual({ done: true, value: undefined })
      })
    })

    describe('close', () => {
      it('finishes every watch and refuses further calls with StoreClosed', async () => {
        const store = await open()
        await store.create('pods', makePod('a').obj())
        const watch = new WatchRecorder(await store.watch('pods'))
        await store.close()
        await watch.waitForEnd()
        expect(watch.error).toBeUndefined()
        const err = await rejection(store.get(podKey('a')))
        expect(err).toBeInstanceOf(StoreClosed)
        expect(err).toMatchObject({ code: 503 })
        await expect(store.create('pods', makePod('b').obj())).rejects.toBeInstanceOf(StoreClosed)
        await expect(store.watch('pods')).rejects.toBeInstanceOf(StoreClosed)
        await store.close()
      })
    })
  })
}
