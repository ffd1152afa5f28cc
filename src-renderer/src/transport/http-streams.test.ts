import { describe, expect, it } from 'vitest'
import {
  CHANNEL_ERROR,
  CHANNEL_STDERR,
  CHANNEL_STDIN,
  CHANNEL_STDOUT,
  PROTOCOL_V5,
  decodeFrame,
  encodeFrame,
  exitStatus,
} from '../../../src-main/api/remotecommand.ts'
import { createHttpTransport, webSocketUrl, type WebSocketLike } from './http.ts'
import { execQueryString, logQuery, withQuery } from './paths.ts'
import type { ExecUpdate, LogUpdate } from './types.ts'

const shop = { namespace: 'default', name: 'shop' }
const encoder = new TextEncoder()
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** A Response whose body the test feeds chunk by chunk. */
function streamingResponse(): { response: Response; push(text: string): void; end(): void; fail(err: Error): void; cancelled: () => boolean } {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let cancelled = false
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c
    },
    cancel: () => {
      cancelled = true
    },
  })
  return {
    response: new Response(body, { status: 200, headers: { 'Content-Type': 'text/plain' } }),
    push: (text) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
    fail: (err) => controller.error(err),
    cancelled: () => cancelled,
  }
}

/** A browser WebSocket the test drives: it opens, sends messages and closes when told. */
class FakeWebSocket implements WebSocketLike {
  binaryType = 'blob'
  protocol = ''
  readonly sent: Uint8Array[] = []
  closedWith: number | null = null
  onopen: (() => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onclose: ((event: { code: number; reason: string }) => void) | null = null
  onerror: (() => void) | null = null
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: Uint8Array): void {
    this.sent.push(data)
  }
  close(code?: number): void {
    this.closedWith = code ?? 1005
  }
  open(protocol = PROTOCOL_V5): void {
    this.protocol = protocol
    this.onopen?.()
  }
  receive(channel: number, data: Uint8Array | string): void {
    const frame = encodeFrame(channel, data)
    this.onmessage?.({ data: frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) })
  }
  serverClose(code = 1000): void {
    this.onclose?.({ code, reason: '' })
  }
  /** What the client sent, decoded: `0:text`, `close:0`, `4:{json}`. */
  frames(): string[] {
    return this.sent.map((m) => {
      const frame = decodeFrame(m, PROTOCOL_V5)
      if (!frame) return ''
      return frame.kind === 'close' ? `close:${frame.channel}` : `${frame.channel}:${new TextDecoder().decode(frame.data)}`
    })
  }
}

function socketAt(sockets: FakeWebSocket[], index: number): FakeWebSocket {
  const ws = sockets[index]
  if (!ws) throw new Error(`no WebSocket #${index} (have ${sockets.length})`)
  return ws
}

function execTransport(fetchAnswer: () => Response | Promise<Response> = () => new Response('', { status: 500 })) {
  const sockets: FakeWebSocket[] = []
  const fetches: string[] = []
  const transport = createHttpTransport({
    baseUrl: 'http://127.0.0.1:7443',
    fetch: (async (input: RequestInfo | URL) => {
      fetches.push(String(input))
      return fetchAnswer()
    }) as typeof fetch,
    webSocket: (url, protocols) => {
      const ws = new FakeWebSocket(url, protocols)
      sockets.push(ws)
      return ws
    },
  })
  return { transport, sockets, fetches }
}

const text = (updates: (LogUpdate | ExecUpdate)[], type: string): string =>
  updates
    .filter((u): u is { type: 'data' | 'stdout' | 'stderr'; data: Uint8Array } => u.type === type)
    .map((u) => new TextDecoder().decode(u.data))
    .join('')

describe('stream URLs', () => {
  it('builds kubectl’s log and exec queries', () => {
    expect(withQuery('/log', logQuery({ container: 'web', follow: true, tailLines: 10, previous: false }))).toBe('/log?container=web&follow=true&tailLines=10')
    expect(execQueryString({ command: ['sh', '-c', 'echo a b'], container: 'web', stdin: true, stdout: true, stderr: false, tty: true })).toBe(
      'command=sh&command=-c&command=echo+a+b&container=web&stdin=true&stdout=true&stderr=false&tty=true',
    )
  })

  it('turns the page’s address into ws:// or wss://', () => {
    expect(webSocketUrl('http://127.0.0.1:7443', '/api/v1/x?y=1')).toBe('ws://127.0.0.1:7443/api/v1/x?y=1')
    expect(webSocketUrl('https://host:6443', '/api/v1/x')).toBe('wss://host:6443/api/v1/x')
  })
})

describe('createHttpTransport logs', () => {
  it('streams the log body as it arrives, then ends', async () => {
    const stream = streamingResponse()
    const calls: { url: string; init?: RequestInit }[] = []
    const transport = createHttpTransport({
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        calls.push({ url: String(input), init })
        return stream.response
      }) as typeof fetch,
    })
    const updates: LogUpdate[] = []
    transport.logs(shop, { follow: true }, (u) => updates.push(u))
    await tick()
    expect(calls[0]?.url).toBe('/api/v1/namespaces/default/pods/shop/log?follow=true')
    expect(calls[0]?.init).toMatchObject({ method: 'GET', credentials: 'same-origin' })
    stream.push('line 1\n')
    stream.push('line 2\n')
    await tick()
    expect(text(updates, 'data')).toBe('line 1\nline 2\n')
    stream.end()
    await tick()
    expect(updates.at(-1)).toEqual({ type: 'end' })
  })

  it('reports a refused log with its Status', async () => {
    const transport = createHttpTransport({
      fetch: (async () => Response.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 400, reason: 'BadRequest', message: 'previous terminated container "web" in pod "shop" not found' }, { status: 400 })) as typeof fetch,
    })
    const updates: LogUpdate[] = []
    transport.logs(shop, { previous: true }, (u) => updates.push(u))
    await tick()
    await tick()
    expect(updates).toEqual([{ type: 'error', error: expect.objectContaining({ code: 400, message: 'previous terminated container "web" in pod "shop" not found' }) }])
  })

  it('cancels the request when stopped and reports nothing more', async () => {
    const stream = streamingResponse()
    let signal: AbortSignal | undefined
    const transport = createHttpTransport({
      fetch: (async (_input: RequestInfo | URL, init?: RequestInit) => {
        signal = init?.signal ?? undefined
        return stream.response
      }) as typeof fetch,
    })
    const updates: LogUpdate[] = []
    const stop = transport.logs(shop, { follow: true }, (u) => updates.push(u))
    await tick()
    stop()
    expect(signal?.aborted).toBe(true)
    stream.push('late\n')
    await tick()
    expect(updates).toEqual([])
  })

  it('reports a broken stream as unreachable', async () => {
    const stream = streamingResponse()
    const transport = createHttpTransport({ fetch: (async () => stream.response) as typeof fetch })
    const updates: LogUpdate[] = []
    transport.logs(shop, {}, (u) => updates.push(u))
    await tick()
    stream.fail(new Error('network down'))
    await tick()
    expect(updates).toEqual([{ type: 'error', error: expect.objectContaining({ kind: 'unreachable' }) }])
  })
})

describe('createHttpTransport exec', () => {
  it('opens a v5 WebSocket with kubectl’s query, kubectl’s defaults filled in', () => {
    const { transport, sockets } = execTransport()
    transport.exec(shop, { command: ['ls', '-l'] }, () => {})
    expect(sockets[0]?.url).toBe('ws://127.0.0.1:7443/api/v1/namespaces/default/pods/shop/exec?command=ls&command=-l&stdin=false&stdout=true&stderr=true&tty=false')
    expect(sockets[0]?.protocols).toEqual([PROTOCOL_V5])
    expect(sockets[0]?.binaryType).toBe('arraybuffer')
  })

  it('holds input until open, then sends stdin, its close signal and resizes as frames', () => {
    const { transport, sockets } = execTransport()
    const updates: ExecUpdate[] = []
    const shell = transport.exec(shop, { command: ['sh'], stdin: true, tty: true }, (u) => updates.push(u))
    shell.write('ls\r')
    shell.resize({ width: 80, height: 24 })
    const ws = socketAt(sockets, 0)
    expect(ws.sent).toEqual([])
    ws.open()
    shell.write(Uint8Array.of(0x03))
    shell.closeStdin()
    expect(updates).toEqual([{ type: 'open' }])
    expect(ws.frames()).toEqual([`${CHANNEL_STDIN}:ls\r`, '4:{"Width":80,"Height":24}', `${CHANNEL_STDIN}:\x03`, 'close:0'])
  })

  it('passes output on and reads the exit code from the error channel', () => {
    const { transport, sockets } = execTransport()
    const updates: ExecUpdate[] = []
    transport.exec(shop, { command: ['sh', '-c', 'exit 3'] }, (u) => updates.push(u))
    const ws = socketAt(sockets, 0)
    ws.open()
    ws.receive(CHANNEL_STDOUT, '')
    ws.receive(CHANNEL_STDOUT, 'out')
    ws.receive(CHANNEL_STDERR, 'err')
    ws.receive(CHANNEL_ERROR, JSON.stringify(exitStatus(3)))
    ws.serverClose()
    expect(updates).toEqual([
      { type: 'open' },
      { type: 'stdout', data: encoder.encode('out') },
      { type: 'stderr', data: encoder.encode('err') },
      { type: 'exit', exitCode: 3 },
    ])
  })

  it('reports exit 0 on Success, and any other Status as an error', () => {
    const { transport, sockets } = execTransport()
    const ok: ExecUpdate[] = []
    transport.exec(shop, { command: ['true'] }, (u) => ok.push(u))
    socketAt(sockets, 0).open()
    socketAt(sockets, 0).receive(CHANNEL_ERROR, '{"metadata":{},"status":"Success"}')
    socketAt(sockets, 0).serverClose()
    expect(ok.at(-1)).toEqual({ type: 'exit', exitCode: 0 })

    const failed: ExecUpdate[] = []
    transport.exec(shop, { command: ['nope'] }, (u) => failed.push(u))
    socketAt(sockets, 1).open()
    socketAt(sockets, 1).receive(CHANNEL_ERROR, JSON.stringify({ status: 'Failure', reason: 'InternalError', code: 500, message: 'Internal error occurred: exec failed' }))
    socketAt(sockets, 1).serverClose()
    expect(failed.at(-1)).toEqual({ type: 'error', error: expect.objectContaining({ code: 500, message: 'Internal error occurred: exec failed' }) })
  })

  it('reports a connection that closes before the outcome as unreachable', () => {
    const { transport, sockets } = execTransport()
    const updates: ExecUpdate[] = []
    transport.exec(shop, { command: ['sh'] }, (u) => updates.push(u))
    socketAt(sockets, 0).open()
    socketAt(sockets, 0).serverClose(1006)
    expect(updates.at(-1)).toEqual({ type: 'error', error: expect.objectContaining({ kind: 'unreachable' }) })
  })

  it('asks over plain HTTP why a handshake was refused, since a browser cannot read the refusal', async () => {
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403, reason: 'Forbidden', message: 'pods "shop" is forbidden: User "x" cannot create resource "pods/exec"' }
    const { transport, sockets, fetches } = execTransport(() => Response.json(status, { status: 403 }))
    const updates: ExecUpdate[] = []
    transport.exec(shop, { command: ['sh'] }, (u) => updates.push(u))
    socketAt(sockets, 0).serverClose(1006)
    await tick()
    await tick()
    expect(fetches).toEqual(['http://127.0.0.1:7443/api/v1/namespaces/default/pods/shop/exec?command=sh&stdin=false&stdout=true&stderr=true&tty=false'])
    expect(updates).toEqual([{ type: 'error', error: expect.objectContaining({ code: 403, reason: 'Forbidden' }) }])
  })

  it('reports unreachable when the plain request was fine and only the WebSocket failed', async () => {
    const refusal = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 400, reason: 'BadRequest', message: 'exec needs a WebSocket', details: { causes: [{ reason: 'WebSocketRequired' }] } }
    const { transport, sockets } = execTransport(() => Response.json(refusal, { status: 400 }))
    const updates: ExecUpdate[] = []
    transport.exec(shop, { command: ['sh'] }, (u) => updates.push(u))
    socketAt(sockets, 0).serverClose(1006)
    await tick()
    await tick()
    expect(updates).toEqual([{ type: 'error', error: expect.objectContaining({ kind: 'unreachable' }) }])
  })

  it('closes normally when the view leaves, and reports nothing more', () => {
    const { transport, sockets } = execTransport()
    const updates: ExecUpdate[] = []
    const shell = transport.exec(shop, { command: ['sh'], stdin: true, tty: true }, (u) => updates.push(u))
    socketAt(sockets, 0).open()
    shell.close()
    shell.write('ignored')
    expect(socketAt(sockets, 0).closedWith).toBe(1000)
    socketAt(sockets, 0).receive(CHANNEL_STDOUT, 'late')
    socketAt(sockets, 0).serverClose()
    expect(updates).toEqual([{ type: 'open' }])
    expect(socketAt(sockets, 0).sent).toEqual([])
  })

  it('refuses a server that picked another protocol', () => {
    const { transport, sockets } = execTransport()
    const updates: ExecUpdate[] = []
    transport.exec(shop, { command: ['sh'] }, (u) => updates.push(u))
    socketAt(sockets, 0).open('channel.k8s.io')
    expect(updates).toEqual([{ type: 'error', error: expect.objectContaining({ code: 500 }) }])
    expect(socketAt(sockets, 0).closedWith).toBe(1000)
  })
})
