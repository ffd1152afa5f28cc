// The whole IPC door in one process: the renderer's IPC transport → the preload's bridge → ipcMain
// (a fake with Electron's cloning) → sender check, validation, handlers → the real API server, and
// watch events pushed back the same way. What the desktop dashboard sees, minus Electron.

import { describe, expect, it } from 'vitest'
import { newTestServer, eventually } from '../apiserver/testing.ts'
import type { KubeObject } from '../api/types/meta.ts'
import { createIpcTransport } from '../../src-renderer/src/transport/ipc.ts'
import type { WatchUpdate } from '../../src-renderer/src/transport/types.ts'
import { createLogger } from '../util/log.ts'
import { createBridge } from './bridge.ts'
import { createIpcHandlers } from './handlers.ts'
import { registerIpcHandlers } from './register.ts'
import { FakeIpcMain, FakeSender } from './testing.ts'
import { WatchRegistry } from './watch-registry.ts'

const quiet = createLogger({}, () => {}, 'error')
const index = 'file:///opt/coxswain/out/renderer/index.html'
const cms = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' }

async function door() {
  const { api } = await newTestServer()
  const watches = new WatchRegistry({ log: quiet })
  const ipcMain = new FakeIpcMain()
  registerIpcHandlers(ipcMain, {
    handlers: createIpcHandlers({ controlPlane: { info: () => ({ clusterName: 'c', version: '0', startedAt: null, nodes: [] }), api }, watches }),
    watches,
    trusted: { indexFileUrl: index },
    log: quiet,
  })
  const sender = new FakeSender()
  const bridge = createBridge({
    invoke: (channel, request) => ipcMain.invoke(sender, channel, request, { url: `${index}#/`, parent: null }),
    subscribe: (channel, listener) => {
      sender.on(`send:${channel}`, listener)
      return () => sender.off(`send:${channel}`, listener)
    },
  })
  return { transport: createIpcTransport(bridge), sender, watches }
}

describe('the IPC door, renderer to API server', () => {
  it('creates a ConfigMap and sees it, changed and deleted, through a watch', async () => {
    const { transport, watches } = await door()
    const list = await transport.list(cms)
    const updates: WatchUpdate[] = []
    const stop = transport.watch(cms, { resourceVersion: list.metadata.resourceVersion }, (u) => updates.push(u))
    await eventually(() => updates.some((u) => u.type === 'OPEN'), 'the watch to open')

    const created = await transport.create(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'one' } })
    expect(created).toMatchObject({ created: true, warnings: [], object: { metadata: { name: 'settings', namespace: 'default' } } })
    await transport.patch({ ...cms, name: 'settings' }, 'application/merge-patch+json', { data: { mode: 'two' } })
    await transport.delete({ ...cms, name: 'settings' })

    await eventually(() => updates.filter((u) => u.type !== 'OPEN').length === 3, 'three events')
    expect(updates.filter((u) => u.type !== 'OPEN').map((u) => `${u.type} ${((u as { object: KubeObject & { data?: { mode: string } } }).object.data?.mode) ?? ''}`)).toEqual([
      'ADDED one',
      'MODIFIED two',
      'DELETED two',
    ])
    stop()
    await eventually(() => watches.count() === 0, 'the watch to stop in main')
  })

  it('rejects an invalid object with the Status the REST door answers with', async () => {
    const { transport } = await door()
    const err = await transport.create(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } }).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'ApiError', kind: 'failed', code: 422, reason: 'Invalid' })
    expect((err as Error).message).toMatch(/^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/)
    expect((err as { causes: unknown[] }).causes).toEqual([expect.objectContaining({ field: 'metadata.name', reason: 'FieldValueInvalid' })])
  })

  it('stops the window’s watches in main when the window goes', async () => {
    const { transport, sender, watches } = await door()
    transport.watch(cms, {}, () => {})
    await eventually(() => watches.count() === 1, 'the watch to start in main')
    sender.destroy()
    expect(watches.count()).toBe(0)
  })
})
