import { describe, expect, it } from 'vitest'
import type { CoxswainBridge } from '../../../src-main/ipc/contract.ts'
import { chooseTransport } from './index.ts'
import { createIpcTransport } from './ipc.ts'
import { TransportError } from './types.ts'

const info = { clusterName: 'coxswain', version: '0.1.0', startedAt: null, nodes: [] }

function bridge(invoke: (channel: string) => Promise<unknown>): CoxswainBridge {
  return { invoke: invoke as CoxswainBridge['invoke'] }
}

describe('createIpcTransport', () => {
  it('returns what the bridge answers', async () => {
    const transport = createIpcTransport(bridge(async () => info))
    await expect(transport.invoke('cluster:info')).resolves.toEqual(info)
  })

  it('turns a rejected call into a failed TransportError', async () => {
    const transport = createIpcTransport(
      bridge(async () => {
        throw new Error('cluster:info: control plane not started')
      }),
    )
    const err = await transport.invoke('cluster:info').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransportError)
    expect(err).toMatchObject({ kind: 'failed', message: 'cluster:info: control plane not started' })
  })
})

describe('chooseTransport', () => {
  it('uses IPC when the preload exposed a bridge, HTTP otherwise', () => {
    expect(chooseTransport(bridge(async () => info)).kind).toBe('ipc')
    expect(chooseTransport(undefined).kind).toBe('http')
  })
})
