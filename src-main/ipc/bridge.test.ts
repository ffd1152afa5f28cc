import { describe, expect, it } from 'vitest'
import { createBridge } from './bridge.ts'

describe('createBridge', () => {
  it('passes a known channel through and returns its result', async () => {
    const calls: [string, unknown][] = []
    const bridge = createBridge(async (channel, request) => {
      calls.push([channel, request])
      return { ok: true, result: { clusterName: 'coxswain' } }
    })
    await expect(bridge.invoke('cluster:info')).resolves.toEqual({ clusterName: 'coxswain' })
    expect(calls).toEqual([['cluster:info', undefined]])
  })

  it('refuses unknown channels without sending anything', async () => {
    let sent = false
    const bridge = createBridge(async () => {
      sent = true
      return { ok: true, result: null }
    })
    // @ts-expect-error: not a channel of the contract
    await expect(bridge.invoke('shell:exec', 'rm -rf /')).rejects.toThrow(/unknown channel/)
    expect(sent).toBe(false)
  })

  it('rebuilds a failure as an Error carrying message and reason', async () => {
    const bridge = createBridge(async () => ({ ok: false, error: { message: 'control plane not started', reason: 'Unavailable' } }))
    await expect(bridge.invoke('cluster:info')).rejects.toThrow('cluster:info: control plane not started (Unavailable)')
  })

  it('rejects a malformed reply', async () => {
    const bridge = createBridge(async () => 'surprise')
    await expect(bridge.invoke('cluster:info')).rejects.toThrow(/malformed reply/)
  })

  it('is frozen', () => {
    const bridge = createBridge(async () => ({ ok: true, result: null }))
    expect(Object.isFrozen(bridge)).toBe(true)
  })
})
