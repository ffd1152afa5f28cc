import { describe, expect, it } from 'vitest'
import type { CoxswainBridge, IpcResult, PodStreamPush } from '../../../src-main/ipc/contract.ts'
import { createIpcTransport } from './ipc.ts'
import type { ExecUpdate, LogUpdate } from './types.ts'

const shop = { namespace: 'default', name: 'shop' }
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** A bridge whose answers the test releases by hand, with pushes per channel. */
function manualBridge() {
  const calls: [string, unknown][] = []
  const pending: { channel: string; resolve: (result: IpcResult<unknown>) => void }[] = []
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const bridge: CoxswainBridge = {
    invoke: ((channel: string, request?: unknown) => {
      calls.push([channel, structuredClone(request)])
      return new Promise<IpcResult<unknown>>((resolve) => pending.push({ channel, resolve }))
    }) as CoxswainBridge['invoke'],
    on: ((channel: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      set.add(listener)
      return () => set.delete(listener)
    }) as CoxswainBridge['on'],
  }
  const answer = (channel: string, result: unknown): void => {
    const index = pending.findIndex((p) => p.channel === channel)
    const [call] = pending.splice(index, 1)
    call?.resolve({ ok: true, result })
  }
  const fail = (channel: string, status: object): void => {
    const index = pending.findIndex((p) => p.channel === channel)
    const [call] = pending.splice(index, 1)
    call?.resolve({ ok: false, error: { message: 'refused', status: status as never } })
  }
  const push = (payload: PodStreamPush): void => {
    for (const listener of listeners.get('pods:stream') ?? []) listener(payload)
  }
  /** Answers every input, resize and stop call so far. */
  const settleOthers = (): void => {
    for (const p of pending.splice(0).filter((x) => x.channel !== 'pods:exec' && x.channel !== 'pods:logs')) p.resolve({ ok: true, result: undefined })
  }
  return { bridge, calls, answer, fail, push, settleOthers }
}

describe('createIpcTransport logs', () => {
  it('starts a log, keeps pushes that beat the answer, and reports them in order', async () => {
    const main = manualBridge()
    const updates: LogUpdate[] = []
    createIpcTransport(main.bridge).logs(shop, { follow: true, tailLines: 5 }, (u) => updates.push(u))
    expect(main.calls).toEqual([['pods:logs', { namespace: 'default', name: 'shop', options: { follow: true, tailLines: 5 } }]])
    main.push({ id: 's1', kind: 'data', stream: 'stdout', data: bytes('early') })
    main.answer('pods:logs', { id: 's1' })
    await flush()
    main.push({ id: 's1', kind: 'data', stream: 'stdout', data: bytes(' late') })
    main.push({ id: 's1', kind: 'end' })
    main.push({ id: 's1', kind: 'data', stream: 'stdout', data: bytes('after the end') })
    expect(updates).toEqual([{ type: 'data', data: bytes('early') }, { type: 'data', data: bytes(' late') }, { type: 'end' }])
  })

  it('stops a log that was stopped before it answered', async () => {
    const main = manualBridge()
    const updates: LogUpdate[] = []
    const stop = createIpcTransport(main.bridge).logs(shop, {}, (u) => updates.push(u))
    stop()
    main.answer('pods:logs', { id: 's7' })
    await flush()
    expect(main.calls.at(-1)).toEqual(['pods:logs-stop', { id: 's7' }])
    main.push({ id: 's7', kind: 'data', stream: 'stdout', data: bytes('x') })
    expect(updates).toEqual([])
  })
})

describe('createIpcTransport exec', () => {
  it('opens, sends held input and size after the answer, then output and the exit code', async () => {
    const main = manualBridge()
    const updates: ExecUpdate[] = []
    const shell = createIpcTransport(main.bridge).exec(shop, { command: ['sh'], stdin: true, tty: true }, (u) => updates.push(u))
    expect(main.calls[0]).toEqual(['pods:exec', { namespace: 'default', name: 'shop', options: { command: ['sh'], stdin: true, stdout: true, stderr: false, tty: true } }])
    shell.write('ls\r')
    shell.resize({ width: 80, height: 24 })
    main.push({ id: 's2', kind: 'data', stream: 'stdout', data: bytes('$ ') })
    main.answer('pods:exec', { id: 's2' })
    await flush()
    shell.write(Uint8Array.of(3))
    shell.closeStdin()
    expect(main.calls.slice(1)).toEqual([
      ['pods:exec-input', { id: 's2', data: 'ls\r' }],
      ['pods:exec-resize', { id: 's2', width: 80, height: 24 }],
      ['pods:exec-input', { id: 's2', data: Uint8Array.of(3) }],
      ['pods:exec-input', { id: 's2', end: true }],
    ])
    main.push({ id: 's2', kind: 'exit', exitCode: 130 })
    expect(updates).toEqual([{ type: 'open' }, { type: 'stdout', data: bytes('$ ') }, { type: 'exit', exitCode: 130 }])
    main.settleOthers()
  })

  it('reports a refused exec as an error with its Status', async () => {
    const main = manualBridge()
    const updates: ExecUpdate[] = []
    createIpcTransport(main.bridge).exec(shop, { command: ['sh'] }, (u) => updates.push(u))
    main.fail('pods:exec', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 400, reason: 'BadRequest', message: 'container "web" in pod "shop" is not running' })
    await flush()
    expect(updates).toEqual([{ type: 'error', error: expect.objectContaining({ code: 400, message: 'container "web" in pod "shop" is not running' }) }])
  })

  it('disconnects on close, also when closed before the answer', async () => {
    const main = manualBridge()
    const transport = createIpcTransport(main.bridge)
    const early = transport.exec(shop, { command: ['sh'] }, () => {})
    early.close()
    main.answer('pods:exec', { id: 's3' })
    await flush()
    expect(main.calls.at(-1)).toEqual(['pods:exec-stop', { id: 's3' }])

    const updates: ExecUpdate[] = []
    const late = transport.exec(shop, { command: ['sh'] }, (u) => updates.push(u))
    main.answer('pods:exec', { id: 's4' })
    await flush()
    late.close()
    expect(main.calls.at(-1)).toEqual(['pods:exec-stop', { id: 's4' }])
    main.push({ id: 's4', kind: 'exit', exitCode: 0 })
    expect(updates).toEqual([{ type: 'open' }])
    main.settleOthers()
  })
})
