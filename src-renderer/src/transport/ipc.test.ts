import { describe, expect, it } from 'vitest'
import { reactive } from 'vue'
import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import type { CoxswainBridge, IpcResult, WatchPush } from '../../../src-main/ipc/contract.ts'
import { ApiError } from './api-error.ts'
import { chooseTransport } from './index.ts'
import { createIpcTransport } from './ipc.ts'
import { TransportError, type WatchUpdate } from './types.ts'

const info = { clusterName: 'coxswain', version: '0.1.0', startedAt: null, nodes: [] }
const cms = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' }
const cm = (name: string, rv = '5'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, uid: `uid-${name}`, resourceVersion: rv } })
const notFound = { kind: 'Status' as const, apiVersion: 'v1' as const, metadata: {}, status: 'Failure' as const, message: 'configmaps "x" not found', reason: 'NotFound' as const, code: 404 }

/** A bridge answering from `answer`, recording calls, with `push` to play main's pushes. */
function fakeBridge(answer: (channel: string, request: unknown) => IpcResult<unknown> | Promise<IpcResult<unknown>> = () => ({ ok: true, result: null })) {
  const calls: [string, unknown][] = []
  const listeners = new Set<(payload: WatchPush) => void>()
  const bridge: CoxswainBridge = {
    invoke: (async (channel: string, request?: unknown) => {
      calls.push([channel, request])
      // What crosses the bridge is a structured clone: a reactive proxy would throw here.
      structuredClone(request)
      return answer(channel, request)
    }) as CoxswainBridge['invoke'],
    on: ((_channel: string, listener: (payload: WatchPush) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }) as CoxswainBridge['on'],
  }
  const push = (payload: WatchPush) => {
    for (const listener of listeners) listener(payload)
  }
  return { bridge, calls, push, listeners }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('createIpcTransport', () => {
  it('returns what the bridge answers', async () => {
    const { bridge } = fakeBridge(() => ({ ok: true, result: info }))
    await expect(createIpcTransport(bridge).invoke('cluster:info')).resolves.toEqual(info)
  })

  it('rebuilds a failure as an ApiError with the Status main sent', async () => {
    const { bridge } = fakeBridge(() => ({ ok: false, error: { message: notFound.message, reason: 'NotFound', status: notFound } }))
    const err = await createIpcTransport(bridge)
      .get({ ...cms, name: 'x' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toBeInstanceOf(TransportError)
    expect(err).toMatchObject({ kind: 'failed', message: 'configmaps "x" not found', reason: 'NotFound', code: 404, status: notFound })
  })

  it('makes a 500 Status for a failure without one, and for a bridge that refused', async () => {
    const bare = fakeBridge(() => ({ ok: false, error: { message: 'control plane not started' } }))
    await expect(createIpcTransport(bare.bridge).invoke('cluster:info')).rejects.toMatchObject({ kind: 'failed', code: 500, message: 'control plane not started' })
    const refusing = fakeBridge(() => {
      throw new Error('coxswain.invoke: unknown channel')
    })
    await expect(createIpcTransport(refusing.bridge).invoke('cluster:info')).rejects.toMatchObject({ kind: 'failed', code: 500 })
  })

  it('sends each verb on its channel with plain-data arguments', async () => {
    const { bridge, calls } = fakeBridge(() => ({ ok: true, result: {} }))
    const transport = createIpcTransport(bridge)
    // A reactive ref, as a view might hand over: it must reach IPC as plain data.
    const ref = reactive({ ...cms, name: 'settings' })
    await transport.create(cms, cm('settings'), { fieldValidation: 'Strict' })
    await transport.get(ref)
    await transport.list(cms, { labelSelector: 'app=web' })
    await transport.update(ref, cm('settings'))
    await transport.patch(ref, 'application/json-patch+json', [{ op: 'replace', path: '/data/a', value: '1' }])
    await transport.delete(ref, { propagationPolicy: 'Foreground' })
    await transport.deleteCollection(cms, { labelSelector: 'app=web' })
    expect(calls).toEqual([
      ['api:create', { ref: cms, body: cm('settings'), options: { fieldValidation: 'Strict' } }],
      ['api:get', { ref: { ...cms, name: 'settings' } }],
      ['api:list', { ref: cms, options: { labelSelector: 'app=web' } }],
      ['api:update', { ref: { ...cms, name: 'settings' }, body: cm('settings') }],
      ['api:patch', { ref: { ...cms, name: 'settings' }, patchType: 'application/json-patch+json', patch: [{ op: 'replace', path: '/data/a', value: '1' }] }],
      ['api:delete', { ref: { ...cms, name: 'settings' }, options: { propagationPolicy: 'Foreground' } }],
      ['api:deleteCollection', { ref: cms, listOptions: { labelSelector: 'app=web' } }],
    ])
  })

  describe('watch', () => {
    function watching(answer?: Parameters<typeof fakeBridge>[0]) {
      let next = 1
      const fake = fakeBridge(
        answer ??
          ((channel) => {
            if (channel === 'api:watch') return { ok: true, result: { id: `w${next++}` } }
            if (channel === 'api:list') return { ok: true, result: { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '50' }, items: [] } }
            return { ok: true, result: undefined }
          }),
      )
      const updates: WatchUpdate[] = []
      const stop = createIpcTransport(fake.bridge).watch(cms, { resourceVersion: '7' }, (u) => updates.push(u))
      return { ...fake, updates, stop }
    }

    it('starts a watch, routes pushes for its id, and unwatches when stopped', async () => {
      const { calls, push, updates, stop } = watching()
      await flush()
      expect(calls).toEqual([['api:watch', { ref: cms, options: { resourceVersion: '7', allowWatchBookmarks: true } }]])
      push({ id: 'w1', kind: 'event', event: { type: 'ADDED', object: cm('a', '8') } })
      push({ id: 'w99', kind: 'event', event: { type: 'ADDED', object: cm('not-mine') } })
      expect(updates).toEqual([{ type: 'OPEN' }, { type: 'ADDED', object: cm('a', '8') }])
      stop()
      await flush()
      expect(calls.at(-1)).toEqual(['api:unwatch', { id: 'w1' }])
      push({ id: 'w1', kind: 'event', event: { type: 'ADDED', object: cm('b') } })
      expect(updates).toHaveLength(2)
    })

    it('keeps pushes that arrive before main’s answer with the id', async () => {
      let answer: (r: IpcResult<unknown>) => void = () => {}
      const { push, updates } = watching((channel) => (channel === 'api:watch' ? new Promise((resolve) => (answer = resolve)) : { ok: true, result: undefined }))
      await flush()
      push({ id: 'w1', kind: 'event', event: { type: 'ADDED', object: cm('early', '8') } })
      answer({ ok: true, result: { id: 'w1' } })
      await flush()
      expect(updates).toEqual([{ type: 'OPEN' }, { type: 'ADDED', object: cm('early', '8') }])
    })

    it('re-watches from the last resourceVersion when main says the watch ended', async () => {
      const { calls, push } = watching()
      await flush()
      push({ id: 'w1', kind: 'event', event: { type: 'MODIFIED', object: cm('a', '30') } })
      push({ id: 'w1', kind: 'end' })
      await flush()
      expect(calls.filter(([c]) => c === 'api:watch').map(([, r]) => (r as { options: { resourceVersion: string } }).options.resourceVersion)).toEqual(['7', '30'])
    })

    it('relists after a 410 ERROR event and watches from the list', async () => {
      const { calls, push, updates, stop } = watching()
      await flush()
      push({ id: 'w1', kind: 'event', event: { type: 'ERROR', object: { ...notFound, code: 410, reason: 'Expired' as const, message: 'too old resource version: 7 (40)' } } })
      await flush()
      await flush()
      expect(calls.map(([c, r]) => (c === 'api:watch' ? `watch ${(r as { options: { resourceVersion: string } }).options.resourceVersion}` : c))).toEqual([
        'watch 7',
        'api:unwatch',
        'api:list',
        'watch 50',
      ])
      expect(updates.map((u) => u.type)).toEqual(['OPEN', 'RELISTED', 'OPEN'])
      stop()
    })

    it('reports an error push with its Status', async () => {
      const { push, updates, stop } = watching()
      await flush()
      push({ id: 'w1', kind: 'error', status: { ...notFound, code: 403, reason: 'Forbidden' as const, message: 'the window that asked for this watch is gone' } })
      expect(updates.at(-1)).toMatchObject({ type: 'ERROR', retrying: false, error: { code: 403, message: 'the window that asked for this watch is gone' } })
      stop()
    })

    it('listens on the push channel once for all watches', async () => {
      const fake = fakeBridge((channel) => (channel === 'api:watch' ? { ok: true, result: { id: String(Math.random()).slice(2) } } : { ok: true, result: undefined }))
      const transport = createIpcTransport(fake.bridge)
      const stops = [transport.watch(cms, {}, () => {}), transport.watch(cms, {}, () => {})]
      await flush()
      expect(fake.listeners.size).toBe(1)
      for (const stop of stops) stop()
    })
  })
})

describe('chooseTransport', () => {
  it('uses IPC when the preload exposed a bridge, HTTP otherwise', () => {
    expect(chooseTransport(fakeBridge().bridge).kind).toBe('ipc')
    expect(chooseTransport(undefined).kind).toBe('http')
  })
})
