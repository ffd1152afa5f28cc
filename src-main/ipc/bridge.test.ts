import { describe, expect, it } from 'vitest'
import { createBridge, type RawIpc } from './bridge.ts'

function raw(invoke: RawIpc['invoke'] = async () => ({ ok: true, result: null })) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const ipc: RawIpc = {
    invoke,
    subscribe: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      set.add(listener)
      return () => set.delete(listener)
    },
  }
  const push = (channel: string, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? []) listener(payload)
  }
  return { ipc, push, listeners }
}

describe('createBridge', () => {
  it('passes a known channel through and resolves to its IpcResult', async () => {
    const calls: [string, unknown][] = []
    const bridge = createBridge(
      raw(async (channel, request) => {
        calls.push([channel, request])
        return { ok: true, result: { clusterName: 'coxswain' } }
      }).ipc,
    )
    await expect(bridge.invoke('cluster:info')).resolves.toEqual({ ok: true, result: { clusterName: 'coxswain' } })
    expect(calls).toEqual([['cluster:info', undefined]])
  })

  it('refuses unknown channels without sending anything', async () => {
    let sent = false
    const bridge = createBridge(
      raw(async () => {
        sent = true
        return { ok: true, result: null }
      }).ipc,
    )
    // @ts-expect-error: not a channel of the contract
    await expect(bridge.invoke('shell:exec', 'rm -rf /')).rejects.toThrow(/unknown channel/)
    expect(sent).toBe(false)
  })

  it('resolves a failure to the IpcResult, Status included, for the renderer to rebuild', async () => {
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "x" not found', reason: 'NotFound', code: 404 }
    const bridge = createBridge(raw(async () => ({ ok: false, error: { message: status.message, reason: 'NotFound', status } })).ipc)
    await expect(bridge.invoke('api:get', { ref: { group: '', version: 'v1', resource: 'configmaps', namespace: 'default', name: 'x' } })).resolves.toEqual({
      ok: false,
      error: { message: status.message, reason: 'NotFound', status },
    })
  })

  it.each([['surprise'], [{ ok: 'yes' }], [{ ok: false }], [{ ok: true }]])('rejects the malformed reply %j', async (reply) => {
    const bridge = createBridge(raw(async () => reply).ipc)
    await expect(bridge.invoke('cluster:info')).rejects.toThrow(/malformed reply/)
  })

  it('delivers pushes to on() listeners, payload only, until disposed', () => {
    const { ipc, push, listeners } = raw()
    const bridge = createBridge(ipc)
    const got: unknown[] = []
    const dispose = bridge.on('api:watch-event', (payload) => got.push(payload))
    push('api:watch-event', { id: 'w1', kind: 'end' })
    dispose()
    dispose()
    push('api:watch-event', { id: 'w1', kind: 'end' })
    expect(got).toEqual([{ id: 'w1', kind: 'end' }])
    expect(listeners.get('api:watch-event')?.size).toBe(0)
  })

  it('refuses to listen on unknown channels or with a non-function', () => {
    const bridge = createBridge(raw().ipc)
    // @ts-expect-error: not a push channel of the contract
    expect(() => bridge.on('cluster:info', () => {})).toThrow(/unknown channel/)
    // @ts-expect-error: the listener must be a function
    expect(() => bridge.on('api:watch-event', 'alert(1)')).toThrow(/must be a function/)
  })

  it('is frozen', () => {
    expect(Object.isFrozen(createBridge(raw().ipc))).toBe(true)
  })
})
