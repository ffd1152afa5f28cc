import { beforeEach, describe, expect, it } from 'vitest'
import { makePod } from '../api/testing/builders.ts'
import type { Pod } from '../api/index.ts'
import { ApiError } from './errors.ts'
import { ApiWatchRecorder, admin, newTestServer, ref, type TestServer } from './testing.ts'

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise
  } catch (err) {
    if (err instanceof ApiError) return err.code
    throw err
  }
  return 200
}

describe('pod deletion', () => {
  let s: TestServer
  const getPod = async (name = 'p'): Promise<Pod> => (await s.api.get(ref.pods('default', name), admin)) as Pod
  const running = (name = 'p') => makePod(name).withContainer().onNode('n1').withSpec({ terminationGracePeriodSeconds: 30 }).obj()

  beforeEach(async () => {
    s = await newTestServer()
  })

  it('gives a pod running on a node its grace period: deletionTimestamp = now + grace, and it stays', async () => {
    await s.api.create(ref.pods('default'), running(), admin)
    const result = await s.api.delete(ref.pods('default', 'p'), {}, admin)
    expect(result.code).toBe(202)
    expect(result.object?.metadata).toMatchObject({ deletionTimestamp: '2026-01-02T03:04:35Z', deletionGracePeriodSeconds: 30, generation: 2 })
    expect((await getPod()).metadata.deletionTimestamp).toBe('2026-01-02T03:04:35Z')
  })

  it('takes the grace period from the request when given', async () => {
    await s.api.create(ref.pods('default'), running(), admin)
    const result = await s.api.delete(ref.pods('default', 'p'), { gracePeriodSeconds: 5 }, admin)
    expect(result.object?.metadata).toMatchObject({ deletionTimestamp: '2026-01-02T03:04:10Z', deletionGracePeriodSeconds: 5 })
  })

  it('lets a repeated delete shorten the grace period, never lengthen it', async () => {
    await s.api.create(ref.pods('default'), running(), admin)
    await s.api.delete(ref.pods('default', 'p'), {}, admin)
    const longer = await s.api.delete(ref.pods('default', 'p'), { gracePeriodSeconds: 60 }, admin)
    expect(longer.object?.metadata).toMatchObject({ deletionTimestamp: '2026-01-02T03:04:35Z', deletionGracePeriodSeconds: 30 })
    const shorter = await s.api.delete(ref.pods('default', 'p'), { gracePeriodSeconds: 10 }, admin)
    expect(shorter.object?.metadata).toMatchObject({ deletionTimestamp: '2026-01-02T03:04:15Z', deletionGracePeriodSeconds: 10 })
  })

  it('removes the pod when the node agent finishes it with grace 0', async () => {
    await s.api.create(ref.pods('default'), running(), admin)
    const watch = new ApiWatchRecorder(await s.api.watch(ref.pods('default'), { resourceVersion: String(await s.store.currentRevision()) }, admin))
    await s.api.delete(ref.pods('default', 'p'), {}, admin)
    const final = await s.api.delete(ref.pods('default', 'p'), { gracePeriodSeconds: 0 }, admin)
    expect(final.code).toBe(200)
    expect(await status(getPod())).toBe(404)
    await watch.waitFor(2)
    expect(watch.summary()).toEqual(['MODIFIED p', 'DELETED p'])
    watch.watch.stop()
  })

  it('removes at once a pod not bound to a node, a terminal pod, or one deleted with grace 0', async () => {
    await s.api.create(ref.pods('default'), makePod('unbound').withContainer().obj(), admin)
    await s.api.create(ref.pods('default'), running('done'), admin)
    await s.api.patch(ref.pods('default', 'done', 'status'), 'application/merge-patch+json', { status: { phase: 'Succeeded' } }, admin)
    await s.api.create(ref.pods('default'), running('forced'), admin)
    expect((await s.api.delete(ref.pods('default', 'unbound'), {}, admin)).code).toBe(200)
    expect((await s.api.delete(ref.pods('default', 'done'), {}, admin)).code).toBe(200)
    expect((await s.api.delete(ref.pods('default', 'forced'), { gracePeriodSeconds: 0 }, admin)).code).toBe(200)
    expect((await s.api.list(ref.pods('default'), {}, admin)).items).toEqual([])
  })

  it('treats a negative grace period as 1 second', async () => {
    await s.api.create(ref.pods('default'), running(), admin)
    const result = await s.api.delete(ref.pods('default', 'p'), { gracePeriodSeconds: -5 }, admin)
    expect(result.object?.metadata.deletionGracePeriodSeconds).toBe(1)
  })

  it('keeps a pod with finalizers after its grace period until the finalizers are removed', async () => {
    const pod = running()
    pod.metadata.finalizers = ['example.com/keep']
    await s.api.create(ref.pods('default'), pod, admin)
    await s.api.delete(ref.pods('default', 'p'), {}, admin)
    const final = await s.api.delete(ref.pods('default', 'p'), { gracePeriodSeconds: 0 }, admin)
    expect(final.code).toBe(202)
    expect(final.object?.metadata.deletionGracePeriodSeconds).toBe(0)
    await s.api.patch(ref.pods('default', 'p'), 'application/merge-patch+json', { metadata: { finalizers: null } }, admin)
    expect(await status(getPod())).toBe(404)
  })

  it('does not remove a terminating pod when its finalizers go before its grace period is over', async () => {
    const pod = running()
    pod.metadata.finalizers = ['example.com/keep']
    await s.api.create(ref.pods('default'), pod, admin)
    await s.api.delete(ref.pods('default', 'p'), {}, admin)
    await s.api.patch(ref.pods('default', 'p'), 'application/merge-patch+json', { metadata: { finalizers: null } }, admin)
    expect((await getPod()).metadata.deletionGracePeriodSeconds).toBe(30)
    expect((await s.api.delete(ref.pods('default', 'p'), { gracePeriodSeconds: 0 }, admin)).code).toBe(200)
  })

  it('refuses to bind a pod that is being deleted', async () => {
    const pod = makePod('p').withContainer().obj()
    pod.metadata.finalizers = ['example.com/keep']
    await s.api.create(ref.pods('default'), pod, admin)
    await s.api.delete(ref.pods('default', 'p'), {}, admin)
    expect(await status(s.api.create(ref.pods('default', 'p', 'binding'), { metadata: { name: 'p' }, target: { name: 'n1' } }, admin))).toBe(409)
  })
})
