// The whole IPC door in one process: the renderer's IPC transport → the preload's bridge → ipcMain
// (a fake with Electron's cloning) → sender check, validation, handlers → the real API server, and
// watch events pushed back the same way. What the desktop dashboard sees, minus Electron.

import { describe, expect, it } from 'vitest'
import { admin, newTestServer, eventually, ref } from '../apiserver/testing.ts'
import { container, makePod } from '../api/testing/builders.ts'
import type { KubeObject } from '../api/types/meta.ts'
import type { Pod } from '../api/types/pod.ts'
import { ATTEMPT_LABEL, CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../nodeagent/pods/names.ts'
import { FakeDocker, muxFrame } from '../nodeagent/streams/testing.ts'
import { createIpcTransport } from '../../src-renderer/src/transport/ipc.ts'
import type { ExecUpdate, LogUpdate, WatchUpdate } from '../../src-renderer/src/transport/types.ts'
import { createLogger } from '../util/log.ts'
import { createBridge } from './bridge.ts'
import { createIpcHandlers } from './handlers.ts'
import { registerIpcHandlers } from './register.ts'
import { StreamRegistry } from './stream-registry.ts'
import { FakeIpcMain, FakeSender } from './testing.ts'
import { WatchRegistry } from './watch-registry.ts'

const quiet = createLogger({}, () => {}, 'error')
const index = 'file:///opt/coxswain/out/renderer/index.html'
const cms = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' }

async function door() {
  const { api } = await newTestServer()
  const watches = new WatchRegistry({ log: quiet })
  const streams = new StreamRegistry({ log: quiet })
  const docker = new FakeDocker()
  const ipcMain = new FakeIpcMain()
  const controlPlane = {
    info: () => ({ clusterName: 'c', version: '0', startedAt: null, nodes: [] }),
    api,
    runtimes: { dockerFor: (name: string) => (name === 'node-1' ? docker.asDocker() : undefined) },
  }
  registerIpcHandlers(ipcMain, {
    handlers: createIpcHandlers({ controlPlane, watches, streams, log: quiet }),
    watches,
    streams,
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
  return { transport: createIpcTransport(bridge), sender, watches, streams, docker, api }
}

/** A pod on node-1 with one running container in the fake engine. */
async function podWithContainer(d: Awaited<ReturnType<typeof door>>, log = Buffer.alloc(0)): Promise<Pod> {
  const pod = (await d.api.create(ref.pods('default'), makePod('shop').withContainer(container('web')).withSpec({ nodeName: 'node-1' }).obj(), admin)).object as Pod
  d.docker.containers.push({
    id: 'c1',
    labels: { [POD_UID_LABEL]: pod.metadata.uid ?? '', [CONTAINER_NAME_LABEL]: 'web', [ATTEMPT_LABEL]: '0' },
    startedAt: '2026-01-02T03:04:05Z',
    log,
  })
  return pod
}

const shop = { namespace: 'default', name: 'shop' }
const textOf = (updates: (LogUpdate | ExecUpdate)[], type: string): string =>
  updates
    .filter((u): u is { type: 'data' | 'stdout' | 'stderr'; data: Uint8Array } => u.type === type)
    .map((u) => Buffer.from(u.data).toString())
    .join('')

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

describe('the IPC door, renderer to container streams', () => {
  it('streams a log to its end', async () => {
    const d = await door()
    await podWithContainer(d, Buffer.concat([muxFrame(1, 'out\n'), muxFrame(2, 'err\n')]))
    const updates: LogUpdate[] = []
    d.transport.logs(shop, { tailLines: 10 }, (u) => updates.push(u))
    await eventually(() => updates.some((u) => u.type === 'end'), 'the log to end')
    expect(textOf(updates, 'data')).toBe('out\nerr\n')
    expect(d.docker.logDials[0]?.options).toMatchObject({ tail: 10 })
    expect(d.streams.count()).toBe(0)
  })

  it('reports a refused log with the Status the REST door answers with', async () => {
    const d = await door()
    const updates: LogUpdate[] = []
    d.transport.logs({ namespace: 'default', name: 'nope' }, {}, (u) => updates.push(u))
    await eventually(() => updates.length === 1, 'an answer')
    expect(updates[0]).toMatchObject({ type: 'error', error: { name: 'ApiError', code: 404, message: 'pods "nope" not found' } })
  })

  it('runs a shell: input written before it opens, terminal size, output in order, exit code', async () => {
    const d = await door()
    await podWithContainer(d)
    const updates: ExecUpdate[] = []
    const shell = d.transport.exec(shop, { command: ['sh'], stdin: true, tty: true }, (u) => updates.push(u))
    shell.write('echo hi\r')
    shell.resize({ width: 100, height: 30 })
    await eventually(() => Boolean(d.docker.execs[0]?.process), 'the exec to start')
    const exec = d.docker.exec(0)
    expect(exec.options).toMatchObject({ Cmd: ['sh'], AttachStdin: true, AttachStdout: true, AttachStderr: false, Tty: true })
    let typed = ''
    exec.io.on('data', (chunk: Buffer) => (typed += chunk.toString()))
    await eventually(() => typed === 'echo hi\r' && exec.resizes.length === 1, 'the input and the size to arrive')
    expect(exec.resizes).toEqual([{ w: 100, h: 30 }])
    exec.inspectAnswers = [{ Running: false, ExitCode: 0 }]
    exec.io.end('hi\r\n')
    await eventually(() => updates.some((u) => u.type === 'exit'), 'the exit')
    expect(updates[0]).toEqual({ type: 'open' })
    expect(textOf(updates, 'stdout')).toBe('hi\r\n')
    expect(updates.at(-1)).toEqual({ type: 'exit', exitCode: 0 })
    expect(d.streams.count()).toBe(0)
  })

  it('ends stdin on closeStdin and reports a non-zero exit', async () => {
    const d = await door()
    await podWithContainer(d)
    const updates: ExecUpdate[] = []
    const cat = d.transport.exec(shop, { command: ['cat'], stdin: true }, (u) => updates.push(u))
    await eventually(() => updates.some((u) => u.type === 'open'), 'the exec to open')
    const exec = d.docker.exec(0)
    const ended = new Promise((resolve) => exec.io.once('end', resolve).resume())
    cat.write(Uint8Array.from(Buffer.from('bytes')))
    cat.closeStdin()
    await ended
    exec.inspectAnswers = [{ Running: false, ExitCode: 4 }]
    exec.io.end(muxFrame(2, 'nope\n'))
    await eventually(() => updates.some((u) => u.type === 'exit'), 'the exit')
    expect(textOf(updates, 'stderr')).toBe('nope\n')
    expect(updates.at(-1)).toEqual({ type: 'exit', exitCode: 4 })
  })

  it('disconnects a shell in main when the view closes it, and when the window goes', async () => {
    const d = await door()
    await podWithContainer(d)
    const shell = d.transport.exec(shop, { command: ['sh'], stdin: true, tty: true }, () => {})
    await eventually(() => d.streams.count() === 1, 'the exec to start in main')
    shell.close()
    await eventually(() => d.streams.count() === 0, 'the exec to stop in main')
    d.transport.exec(shop, { command: ['sh'], stdin: true, tty: true }, () => {})
    await eventually(() => d.streams.count() === 1, 'another exec to start in main')
    d.sender.destroy()
    expect(d.streams.count()).toBe(0)
  })
})
