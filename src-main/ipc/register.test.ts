import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { eventually } from '../apiserver/testing.ts'
import { createLogger } from '../util/log.ts'
import { IPC_CHANNELS } from './contract.ts'
import { createIpcHandlers } from './handlers.ts'
import { registerIpcHandlers } from './register.ts'
import type { TrustedRenderer } from './sender.ts'
import { StreamRegistry } from './stream-registry.ts'
import { FakeIpcMain, FakeSender, configMap, recordingApi } from './testing.ts'
import { WatchRegistry } from './watch-registry.ts'

const quiet = createLogger({}, () => {}, 'error')
const trusted: TrustedRenderer = { indexFileUrl: 'file:///opt/coxswain/out/renderer/index.html' }
const ours = { url: 'file:///opt/coxswain/out/renderer/index.html#/pods', parent: null }
const cms = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' }

function setup() {
  const rec = recordingApi({ list: { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '3' }, items: [] } })
  const watches = new WatchRegistry({ log: quiet })
  const handlers = createIpcHandlers({ controlPlane: { info: () => ({ clusterName: 'c', version: '0', startedAt: null, nodes: [] }), api: rec.api }, watches })
  const ipcMain = new FakeIpcMain()
  const unregister = registerIpcHandlers(ipcMain, { handlers, watches, trusted, log: quiet })
  const sender = new FakeSender()
  return { rec, watches, ipcMain, unregister, sender }
}

async function startWatch(ipcMain: FakeIpcMain, sender: FakeSender): Promise<string> {
  const reply = (await ipcMain.invoke(sender, 'api:watch', { ref: cms }, ours)) as { ok: true; result: { id: string } }
  expect(reply.ok).toBe(true)
  return reply.result.id
}

describe('registerIpcHandlers', () => {
  it('handles every channel of the contract, and unregisters them all', () => {
    const { ipcMain, unregister } = setup()
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort())
    unregister()
    expect(ipcMain.handlers.size).toBe(0)
  })

  it('answers our own window', async () => {
    const { ipcMain, sender, rec } = setup()
    await expect(ipcMain.invoke(sender, 'api:list', { ref: cms }, ours)).resolves.toMatchObject({ ok: true, result: { kind: 'ConfigMapList' } })
    expect(rec.calls).toHaveLength(1)
  })

  it.each([
    ['another local file', { url: 'file:///tmp/evil.html', parent: null }],
    ['a web page', { url: 'https://example.com/', parent: null }],
    ['an iframe inside our window', { url: ours.url, parent: {} }],
    ['a frame that is gone', null],
  ])('refuses %s with 403, without calling the API', async (_what, frame) => {
    const { ipcMain, sender, rec } = setup()
    const reply = await ipcMain.invoke(sender, 'api:list', { ref: cms }, frame)
    expect(reply).toMatchObject({ ok: false, error: { reason: 'Forbidden', status: { kind: 'Status', code: 403, reason: 'Forbidden' } } })
    expect(rec.calls).toEqual([])
  })

  it('pushes watch events to the window on api:watch-event', async () => {
    const { ipcMain, sender, rec } = setup()
    const id = await startWatch(ipcMain, sender)
    rec.watches[0]?.emit({ type: 'ADDED', object: configMap('a') })
    await eventually(() => sender.pushes().length === 1, 'a push')
    expect(sender.sent[0]).toEqual({ channel: 'api:watch-event', payload: { id, kind: 'event', event: { type: 'ADDED', object: configMap('a') } } })
  })

  it('stops a window’s watches when its webContents is destroyed', async () => {
    const { ipcMain, sender, rec, watches } = setup()
    const other = new FakeSender()
    await startWatch(ipcMain, sender)
    await startWatch(ipcMain, sender)
    await startWatch(ipcMain, other)
    sender.destroy()
    expect(rec.watches.map((w) => w.stopped)).toEqual([true, true, false])
    expect(watches.count()).toBe(1)
  })

  it('stops a window’s watches when it navigates to another document, telling the new page they ended', async () => {
    const { ipcMain, sender, rec, watches } = setup()
    const id = await startWatch(ipcMain, sender)
    sender.emit('did-navigate')
    expect(rec.watches[0]?.stopped).toBe(true)
    expect(watches.count()).toBe(0)
    expect(sender.pushes()).toEqual([{ id, kind: 'end' }])
  })

  it('keeps watches through same-document navigation (the router’s hash changes)', async () => {
    const { ipcMain, sender, rec } = setup()
    await startWatch(ipcMain, sender)
    sender.emit('did-navigate-in-page')
    expect(rec.watches[0]?.stopped).toBe(false)
  })

  it('stops a window’s watches when its renderer process is gone', async () => {
    const { ipcMain, sender, rec } = setup()
    await startWatch(ipcMain, sender)
    sender.emit('render-process-gone')
    expect(rec.watches[0]?.stopped).toBe(true)
  })

  it('listens to each window’s lifecycle once, however many calls it makes', async () => {
    const { ipcMain, sender } = setup()
    await startWatch(ipcMain, sender)
    await startWatch(ipcMain, sender)
    await ipcMain.invoke(sender, 'cluster:info', undefined, ours)
    expect(sender.listenerCount('destroyed')).toBe(1)
    expect(sender.listenerCount('did-navigate')).toBe(1)
  })

  it('only lets a window stop its own watches', async () => {
    const { ipcMain, sender, rec } = setup()
    const id = await startWatch(ipcMain, sender)
    const other = new FakeSender()
    await expect(ipcMain.invoke(other, 'api:unwatch', { id }, ours)).resolves.toEqual({ ok: true, result: undefined })
    expect(rec.watches[0]?.stopped).toBe(false)
  })
})

describe('registerIpcHandlers with container streams', () => {
  it('stops a window’s log and exec streams with its watches when it navigates or goes', async () => {
    const rec = recordingApi()
    const watches = new WatchRegistry({ log: quiet })
    const streams = new StreamRegistry({ log: quiet })
    const handlers = createIpcHandlers({ controlPlane: { info: () => ({ clusterName: 'c', version: '0', startedAt: null, nodes: [] }), api: rec.api }, watches, streams })
    const ipcMain = new FakeIpcMain()
    registerIpcHandlers(ipcMain, { handlers, watches, streams, trusted, log: quiet })
    const sender = new FakeSender()
    // Any call makes the door track the window; then a stream of it, started directly.
    await ipcMain.invoke(sender, 'cluster:info', undefined, ours)
    const closed: string[] = []
    const log = { output: new PassThrough(), close: () => closed.push('log') }
    await streams.startLogs(sender, async () => log)
    sender.emit('did-navigate')
    expect(closed).toEqual(['log'])
    await streams.startLogs(sender, async () => ({ output: new PassThrough(), close: () => closed.push('second') }))
    sender.destroy()
    expect(closed).toEqual(['log', 'second'])
    expect(streams.count()).toBe(0)
  })

  it('answers the pods:* channels with 503 when no stream registry was given', async () => {
    const { ipcMain, sender } = setup()
    const reply = await ipcMain.invoke(sender, 'pods:logs', { namespace: 'default', name: 'web' }, ours)
    expect(reply).toMatchObject({ ok: false, error: { reason: 'ServiceUnavailable', status: { code: 503 } } })
  })
})
