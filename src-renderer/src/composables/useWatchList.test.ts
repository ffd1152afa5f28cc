import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick, ref } from 'vue'
import type { KubeList, KubeObject } from '../../../src-main/api/types/meta.ts'
import { fakeTransport, withSetup } from '../testing/fake-transport.ts'
import { ApiError, failureStatus, unreachable } from '../transport/api-error.ts'
import type { ResourceRef } from '../transport/types.ts'
import { useWatchList } from './useWatchList.ts'

const cms: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' }
const cm = (name: string, rv: string, namespace = 'default', data?: Record<string, string>): KubeObject & { data?: Record<string, string> } => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, uid: `uid-${namespace}-${name}`, resourceVersion: rv },
  ...(data ? { data } : {}),
})
const list = (rv: string, ...items: KubeObject[]): KubeList => ({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: rv }, items })
const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
const names = (items: readonly KubeObject[]) => items.map((o) => o.metadata.name)

describe('useWatchList', () => {
  it('lists, then watches from the list’s resourceVersion, with the selectors', async () => {
    const { transport, lists, watches } = fakeTransport()
    const { result } = withSetup(() => useWatchList(cms, { labelSelector: 'app=web', transport }))
    expect(result.loading.value).toBe(true)
    expect(lists).toHaveLength(1)
    expect(lists[0]).toMatchObject({ ref: cms, options: { labelSelector: 'app=web' } })
    lists[0]?.resolve(list('10', cm('b', '9'), cm('a', '8')))
    await flush()
    expect(result.loading.value).toBe(false)
    expect(names(result.items.value)).toEqual(['a', 'b'])
    expect(watches).toHaveLength(1)
    expect(watches[0]).toMatchObject({ ref: cms, options: { labelSelector: 'app=web', resourceVersion: '10' } })
  })

  it('applies ADDED, MODIFIED and DELETED by uid, keeping items sorted', async () => {
    const { transport, lists, watches } = fakeTransport()
    const { result } = withSetup(() => useWatchList(cms, { transport }))
    lists[0]?.resolve(list('10', cm('b', '9')))
    await flush()
    const send = watches[0]?.send ?? (() => {})
    send({ type: 'ADDED', object: cm('a', '11') })
    send({ type: 'ADDED', object: cm('c', '12', 'another') })
    send({ type: 'MODIFIED', object: cm('b', '13', 'default', { mode: 'fast' }) })
    expect(names(result.items.value)).toEqual(['c', 'a', 'b'])
    expect(result.items.value.find((o) => o.metadata.name === 'b')).toMatchObject({ data: { mode: 'fast' } })
    // A re-created object is a new uid: the old one goes on DELETED, the new one stays.
    send({ type: 'DELETED', object: cm('a', '14') })
    send({ type: 'ADDED', object: { ...cm('b', '15'), metadata: { ...cm('b', '15').metadata, uid: 'uid-b-2' } } })
    send({ type: 'DELETED', object: cm('b', '16') })
    expect(result.items.value.map((o) => o.metadata.uid)).toEqual(['uid-another-c', 'uid-b-2'])
  })

  it('replaces everything with the list after a relist', async () => {
    const { transport, lists, watches } = fakeTransport()
    const { result } = withSetup(() => useWatchList(cms, { transport }))
    lists[0]?.resolve(list('10', cm('a', '8'), cm('b', '9')))
    await flush()
    watches[0]?.send({ type: 'RELISTED', list: list('50', cm('b', '40'), cm('d', '45')) })
    expect(names(result.items.value)).toEqual(['b', 'd'])
    expect(result.items.value[0]?.metadata.resourceVersion).toBe('40')
  })

  it('shows a watch error until the watch is open again', async () => {
    const { transport, lists, watches } = fakeTransport()
    const { result } = withSetup(() => useWatchList(cms, { transport }))
    lists[0]?.resolve(list('10'))
    await flush()
    const error = unreachable('the stream broke')
    watches[0]?.send({ type: 'ERROR', error, retrying: true })
    expect(result.error.value).toBe(error)
    watches[0]?.send({ type: 'OPEN' })
    expect(result.error.value).toBeNull()
  })

  it('stops watching when the component unmounts', async () => {
    const { transport, lists, watches } = fakeTransport()
    const { unmount } = withSetup(() => useWatchList(cms, { transport }))
    lists[0]?.resolve(list('10'))
    await flush()
    unmount()
    expect(watches[0]?.stopped).toBe(true)
  })

  it('does not start a watch when unmounted before the list arrives', async () => {
    const { transport, lists, watches } = fakeTransport()
    const { unmount } = withSetup(() => useWatchList(cms, { transport }))
    unmount()
    lists[0]?.resolve(list('10', cm('a', '1')))
    await flush()
    expect(watches).toEqual([])
  })

  it('starts over when the ref changes, and watches nothing for null', async () => {
    const { transport, lists, watches } = fakeTransport()
    const namespace = ref<string | null>('default')
    const { result } = withSetup(() => useWatchList(() => (namespace.value ? { ...cms, namespace: namespace.value } : null), { transport }))
    lists[0]?.resolve(list('10', cm('a', '1')))
    await flush()

    namespace.value = 'prod'
    await nextTick()
    expect(watches[0]?.stopped).toBe(true)
    expect(result.items.value).toEqual([])
    expect(result.loading.value).toBe(true)
    expect(lists[1]?.ref.namespace).toBe('prod')
    lists[1]?.resolve(list('20', cm('p', '19', 'prod')))
    await flush()
    expect(names(result.items.value)).toEqual(['p'])

    namespace.value = null
    await nextTick()
    expect(watches[1]?.stopped).toBe(true)
    expect(lists).toHaveLength(2)
    expect(result.loading.value).toBe(false)
    expect(result.items.value).toEqual([])
  })

  it('does not restart for an equal ref built anew', async () => {
    const { transport, lists } = fakeTransport()
    const tick = ref(0)
    withSetup(() => useWatchList(() => (tick.value >= 0 ? { ...cms } : null), { transport }))
    tick.value++
    await nextTick()
    expect(lists).toHaveLength(1)
  })

  it('reports a refused list and leaves it at that', async () => {
    const { transport, lists, watches } = fakeTransport()
    const { result } = withSetup(() => useWatchList(cms, { transport }))
    const forbidden = new ApiError(failureStatus(403, 'Forbidden', 'configmaps is forbidden'))
    lists[0]?.reject(forbidden)
    await flush()
    expect(result).toMatchObject({ loading: { value: false }, error: { value: forbidden } })
    expect(watches).toEqual([])
  })

  describe('when the list gets no answer', () => {
    beforeEach(() => {
      vi.useFakeTimers()
    })
    afterEach(() => {
      vi.useRealTimers()
    })

    it('retries it with backoff and clears the error once it arrives', async () => {
      const { transport, lists, watches } = fakeTransport()
      const { result, unmount } = withSetup(() => useWatchList(cms, { transport }))
      lists[0]?.reject(unreachable('Failed to fetch'))
      await vi.advanceTimersByTimeAsync(0)
      expect(result.error.value?.kind).toBe('unreachable')
      await vi.advanceTimersByTimeAsync(1_000)
      expect(lists).toHaveLength(2)
      lists[1]?.resolve(list('10', cm('a', '1')))
      await vi.advanceTimersByTimeAsync(0)
      expect(result.error.value).toBeNull()
      expect(names(result.items.value)).toEqual(['a'])
      expect(watches).toHaveLength(1)
      unmount()
    })

    it('stops retrying on unmount', async () => {
      const { transport, lists } = fakeTransport()
      const { unmount } = withSetup(() => useWatchList(cms, { transport }))
      lists[0]?.reject(unreachable('Failed to fetch'))
      await vi.advanceTimersByTimeAsync(0)
      unmount()
      await vi.advanceTimersByTimeAsync(60_000)
      expect(lists).toHaveLength(1)
    })
  })
})
