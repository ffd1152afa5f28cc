// pods/log and pods/exec through the headless server, in one process: the real ControlPlane, REST
// door and WebSocket upgrade over loopback, with a fake Docker engine behind the runtime resolver
// whose exec process the test plays. The lab suite (test/lab/streams.test.ts) does the same with
// real kubectl and a real node.

import { request } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import {
  CHANNEL_ERROR,
  CHANNEL_RESIZE,
  CHANNEL_STDERR,
  CHANNEL_STDIN,
  CHANNEL_STDOUT,
  PROTOCOL_V1,
  PROTOCOL_V4,
  PROTOCOL_V5,
  encodeCloseSignal,
  encodeFrame,
  encodeTerminalSize,
} from '../api/remotecommand.ts'
import { container, makePod } from '../api/testing/builders.ts'
import type { Pod } from '../api/types/pod.ts'
import { ControlPlane } from '../controlplane.ts'
import { ATTEMPT_LABEL, CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../nodeagent/pods/names.ts'
import { FakeDocker, muxFrame, type FakeContainer, type FakeExec } from '../nodeagent/streams/testing.ts'
import { createLogger } from '../util/log.ts'
import { startHttpServer, type RunningHttpServer } from './http-server.ts'
import { generateToken } from './token.ts'

const quiet = createLogger({}, () => {}, 'error')
const token = generateToken()
const readOnlyToken = generateToken()
const admin = { user: { name: 'test', readOnly: false } }

let root: string
let cp: ControlPlane
let server: RunningHttpServer
let docker: FakeDocker
let pod: Pod
let live: PassThrough

const podPath = (sub: string): string => `/api/v1/namespaces/default/pods/shop/${sub}`
const wsUrl = (sub: string): string => `${server.baseUrl.replace(/^http/, 'ws')}${podPath(sub)}`
const bearer = (t = token) => ({ Authorization: `Bearer ${t}` })

interface Session {
  ws: WebSocket
  /** Bytes received per channel, as text. */
  received: Record<number, string>
  closed: Promise<number>
}

function connect(sub: string, protocols: string[] = [PROTOCOL_V5], headers: Record<string, string> = bearer()): Session {
  const ws = new WebSocket(wsUrl(sub), protocols, { headers })
  const received: Record<number, string> = {}
  ws.on('message', (data: Buffer) => {
    const channel = data[0] ?? -1
    received[channel] = (received[channel] ?? '') + data.subarray(1).toString('utf8')
  })
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  return { ws, received, closed }
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => ws.once('open', () => resolve()).once('error', reject))
}

/** The status code of a refused handshake. */
function refused(ws: WebSocket): Promise<{ code: number | undefined; body: string }> {
  return new Promise((resolve) =>
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ code: res.statusCode, body }))
    }),
  )
}

function firstContainer(): FakeContainer {
  const first = docker.containers[0]
  if (!first) throw new Error('no container')
  return first
}

function bodyOf(res: Response): ReadableStream<Uint8Array> {
  if (!res.body) throw new Error(`no body (HTTP ${res.status})`)
  return res.body
}

/** The exec the server created, once its process has started. */
async function nextExec(count: number): Promise<FakeExec> {
  for (;;) {
    const exec = docker.execs[count]
    if (exec?.process) return exec
    await new Promise((resolve) => setImmediate(resolve))
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'coxswain-http-streams-'))
  mkdirSync(join(root, 'renderer'))
  cp = new ControlPlane({ dataDir: join(root, 'data'), log: quiet, storage: 'memory' })
  await cp.start()
  server = await startHttpServer({ controlPlane: cp, token, readOnlyToken, rendererDir: join(root, 'renderer'), log: quiet, listen: '127.0.0.1', port: 0 })
  const created = await cp.api.create({ group: '', version: 'v1', resource: 'pods', namespace: 'default' }, makePod('shop').withContainer(container('web')).withSpec({ nodeName: 'node-1' }).obj(), admin)
  pod = created.object as Pod
  live = new PassThrough()
  docker = new FakeDocker([
    {
      id: 'c1',
      labels: { [POD_UID_LABEL]: pod.metadata.uid ?? '', [CONTAINER_NAME_LABEL]: 'web', [ATTEMPT_LABEL]: '0' },
      startedAt: '2026-01-02T03:04:05Z',
      log: Buffer.concat([muxFrame(1, 'out\n'), muxFrame(2, 'err\n')]),
    },
  ])
  cp.runtimes = { dockerFor: (name) => (name === 'node-1' ? docker.asDocker() : undefined) }
})

afterAll(async () => {
  await server?.close()
  await cp?.stop()
  rmSync(root, { recursive: true, force: true })
})

describe('pods/log over HTTP', () => {
  it('answers chunked text/plain with the merged log', async () => {
    const res = await fetch(`${server.baseUrl}${podPath('log')}?tailLines=5`, { headers: bearer() })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('transfer-encoding')).toBe('chunked')
    expect(await res.text()).toBe('out\nerr\n')
    expect(docker.logDials.at(-1)?.options).toMatchObject({ tail: 5, follow: false })
  })

  it('follows until the client goes away, then lets go of the node’s stream', async () => {
    const c1 = firstContainer()
    c1.liveLog = live
    const controller = new AbortController()
    const res = await fetch(`${server.baseUrl}${podPath('log')}?follow=true`, { headers: bearer(), signal: controller.signal })
    const reader = bodyOf(res).getReader()
    live.write(muxFrame(1, 'line 1\n'))
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('line 1\n')
    live.write(muxFrame(2, 'line 2\n'))
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('line 2\n')
    controller.abort()
    await new Promise((resolve) => live.once('close', resolve))
    expect(live.destroyed).toBe(true)
    delete c1.liveLog
  })

  it('answers errors as Status objects', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/namespaces/default/pods/nope/log`, { headers: bearer() })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "nope" not found' })
    const bad = await fetch(`${server.baseUrl}${podPath('log')}?limitBytes=0`, { headers: bearer() })
    expect(bad.status).toBe(422)
  })

  it('needs credentials, and serves read-only users', async () => {
    expect((await fetch(`${server.baseUrl}${podPath('log')}`)).status).toBe(401)
    expect((await fetch(`${server.baseUrl}${podPath('log')}`, { headers: bearer(readOnlyToken) })).status).toBe(200)
  })
})

describe('pods/exec over a WebSocket', () => {
  it('runs a command over v5: greeting, stdin and its close signal, output channels, exit status, normal close', async () => {
    const count = docker.execs.length
    const session = connect('exec?command=cat&stdin=true&stdout=true&stderr=true')
    await opened(session.ws)
    expect(session.ws.protocol).toBe(PROTOCOL_V5)
    const exec = await nextExec(count)
    expect(exec.options).toMatchObject({ Cmd: ['cat'], AttachStdin: true, Tty: false })
    const stdin: Buffer[] = []
    exec.io.on('data', (chunk: Buffer) => stdin.push(chunk))
    const stdinEnded = new Promise((resolve) => exec.io.once('end', resolve))
    session.ws.send(encodeFrame(CHANNEL_STDIN, 'hello'))
    session.ws.send(encodeCloseSignal(CHANNEL_STDIN))
    await stdinEnded
    expect(Buffer.concat(stdin).toString()).toBe('hello')
    exec.inspectAnswers = [{ Running: false, ExitCode: 3 }]
    exec.io.end(Buffer.concat([muxFrame(1, 'hello'), muxFrame(2, 'warning')]))
    expect(await session.closed).toBe(1000)
    expect(session.received[CHANNEL_STDOUT]).toBe('hello')
    expect(session.received[CHANNEL_STDERR]).toBe('warning')
    expect(JSON.parse(session.received[CHANNEL_ERROR] ?? '')).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: exit status 3',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    })
  })

  it('resizes a TTY from channel 4', async () => {
    const count = docker.execs.length
    const session = connect('exec?command=sh&stdin=true&stdout=true&tty=true')
    await opened(session.ws)
    const exec = await nextExec(count)
    session.ws.send(encodeTerminalSize({ width: 132, height: 43 }))
    while (exec.resizes.length === 0) await new Promise((resolve) => setImmediate(resolve))
    expect(exec.resizes).toEqual([{ w: 132, h: 43 }])
    exec.io.end('bye\r\n')
    expect(await session.closed).toBe(1000)
    expect(session.received[CHANNEL_STDOUT]).toBe('bye\r\n')
    expect(JSON.parse(session.received[CHANNEL_ERROR] ?? '')).toMatchObject({ status: 'Success' })
    expect(session.received[CHANNEL_RESIZE]).toBeUndefined()
  })

  it('speaks v4, and the legacy protocol with a plain-text error channel', async () => {
    const v4 = connect('exec?command=true&stdout=true', [PROTOCOL_V4])
    await opened(v4.ws)
    expect(v4.ws.protocol).toBe(PROTOCOL_V4)
    ;(await nextExec(docker.execs.length - 1)).io.end()
    await v4.closed
    expect(JSON.parse(v4.received[CHANNEL_ERROR] ?? '')).toMatchObject({ status: 'Success' })

    const count = docker.execs.length
    const legacy = connect('exec?command=false&stdout=true', [PROTOCOL_V1])
    await opened(legacy.ws)
    const exec = await nextExec(count)
    exec.inspectAnswers = [{ Running: false, ExitCode: 1 }]
    exec.io.end()
    await legacy.closed
    expect(legacy.received[CHANNEL_ERROR]).toBe('command terminated with non-zero exit code: exit status 1')
  })

  it('refuses before the handshake, with a Status: no credentials, read-only, no such pod, no shared protocol', async () => {
    const anonymous = await refused(connect('exec?command=true&stdout=true', [PROTOCOL_V5], {}).ws)
    expect(anonymous.code).toBe(401)
    const readOnly = await refused(connect('exec?command=true&stdout=true', [PROTOCOL_V5], bearer(readOnlyToken)).ws)
    expect(readOnly.code).toBe(403)
    expect(JSON.parse(readOnly.body)).toMatchObject({ reason: 'Forbidden', message: expect.stringContaining('cannot create resource "pods/exec"') })
    const missing = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/api/v1/namespaces/default/pods/nope/exec?command=true&stdout=true`, [PROTOCOL_V5], { headers: bearer() })
    expect(JSON.parse((await refused(missing)).body)).toMatchObject({ code: 404, message: 'pods "nope" not found' })
    const base64 = await refused(connect('exec?command=true&stdout=true', ['base64.channel.k8s.io']).ws)
    expect(base64.code).toBe(400)
    expect(JSON.parse(base64.body).message).toContain('requested protocol(s) are not supported')
  })

  it('takes a cookie-signed WebSocket only from the dashboard’s own origin', async () => {
    const login = await fetch(`${server.baseUrl}/login?token=${token}`, { redirect: 'manual' })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const foreign = await refused(connect('exec?command=true&stdout=true', [PROTOCOL_V5], { Cookie: cookie, Origin: 'http://127.0.0.1:1' }).ws)
    expect(foreign.code).toBe(403)
    const count = docker.execs.length
    const own = connect('exec?command=true&stdout=true', [PROTOCOL_V5], { Cookie: cookie, Origin: server.baseUrl })
    await opened(own.ws)
    ;(await nextExec(count)).io.end()
    expect(await own.closed).toBe(1000)
  })

  it('answers exec without a WebSocket (kubectl ≤ 1.29’s SPDY) with a 400 saying what is needed', async () => {
    const answer = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const req = request(`${server.baseUrl}${podPath('exec')}?command=true&stdout=true`, {
        method: 'POST',
        headers: { ...bearer(), Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' },
      })
      req.on('response', (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode, body }))
      })
      req.on('error', reject)
      req.end()
    })
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toMatchObject({ reason: 'BadRequest', details: { causes: [{ reason: 'WebSocketRequired' }] } })
    expect(JSON.parse(answer.body).message).toMatch(/^exec over SPDY is not supported: .*use kubectl 1\.30 or newer$/)
    // The real error wins over the missing WebSocket.
    const missing = await fetch(`${server.baseUrl}/api/v1/namespaces/default/pods/nope/exec?command=true&stdout=true`, { headers: bearer() })
    expect(missing.status).toBe(404)
  })

  it('ends open sessions when the server closes', async () => {
    const other = await startHttpServer({ controlPlane: cp, token, rendererDir: join(root, 'renderer'), log: quiet, listen: '127.0.0.1', port: 0 })
    const count = docker.execs.length
    const ws = new WebSocket(`${other.baseUrl.replace(/^http/, 'ws')}${podPath('exec')}?command=sh&stdin=true&stdout=true`, [PROTOCOL_V5], { headers: bearer() })
    const closed = new Promise((resolve) => ws.on('close', resolve))
    await opened(ws)
    const exec = await nextExec(count)
    // The process sees its connection end when the server lets go of the session.
    const disconnected = new Promise((resolve) => exec.io.once('end', resolve).resume())
    await other.close()
    await closed
    await disconnected
  })
})
