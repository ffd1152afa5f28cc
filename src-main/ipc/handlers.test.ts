import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ControlPlane } from '../controlplane.ts'
import { createLogger } from '../util/log.ts'
import { IPC_CHANNELS } from './contract.ts'
import { createIpcHandlers, dispatch } from './handlers.ts'

const quiet = createLogger({}, () => {}, 'error')

describe('IPC handlers', () => {
  let root: string
  let cp: ControlPlane

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'coxswain-ipc-'))
    cp = new ControlPlane({ dataDir: root, log: quiet })
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('has a handler for every channel of the contract', () => {
    expect(Object.keys(createIpcHandlers(cp)).sort()).toEqual([...IPC_CHANNELS].sort())
  })

  it('answers cluster:info with ok and the control plane info', async () => {
    await cp.start()
    const reply = await dispatch(createIpcHandlers(cp), 'cluster:info', undefined)
    expect(reply).toEqual({ ok: true, result: cp.info() })
  })

  it('turns a handler failure into ok:false with the message', async () => {
    const reply = await dispatch(createIpcHandlers(cp), 'cluster:info', undefined)
    expect(reply).toEqual({ ok: false, error: { message: expect.stringMatching(/not started/) } })
  })

  it('rejects a request a channel does not take', async () => {
    await cp.start()
    const reply = await dispatch(createIpcHandlers(cp), 'cluster:info', { evil: true })
    expect(reply).toEqual({ ok: false, error: { message: 'cluster:info takes no request' } })
  })
})
