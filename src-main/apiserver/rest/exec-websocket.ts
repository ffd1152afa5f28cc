// pods/exec over a WebSocket, as kubectl 1.30+ and the browser dashboard open it: the request is
// checked (credentials, rights, pod, container running) before the handshake, so a refusal is an
// ordinary HTTP answer with a Status; then the command starts and the remotecommand channels carry
// its streams (api/remotecommand.ts) until the error channel reports how it ended.

import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  CHANNEL_ERROR,
  CHANNEL_RESIZE,
  CHANNEL_STDERR,
  CHANNEL_STDIN,
  CHANNEL_STDOUT,
  PROTOCOL_V1,
  SUPPORTED_PROTOCOLS,
  decodeFrame,
  encodeFrame,
  errorChannelPayload,
  exitStatus,
  parseProtocolHeader,
  parseTerminalSize,
  selectProtocol,
  type Frame,
  type RemoteCommandProtocol,
} from '../../api/remotecommand.ts'
import type { Status } from '../../api/types/meta.ts'
import type { PodRef } from '../../api/types/streams.ts'
import type { ExecSession, PodStreams, PreparedExec } from '../../nodeagent/streams/pod-streams.ts'
import type { Logger } from '../../util/log.ts'
import type { UserInfo } from '../types.ts'
import { failure, notFoundPath, statusOf } from './errors.ts'
import { parsePath } from './paths.ts'
import { streamsUnavailable } from './pod-streams.ts'
import { parseExecQuery } from './stream-query.ts'

/** Largest message a client may send (stdin chunks are 32 KiB from kubectl). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, user: UserInfo) => void

/** True for a WebSocket handshake (`Upgrade: websocket`). */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === 'websocket'
}

/** The pod a `…/namespaces/{ns}/pods/{name}/exec` path names, or null for any other path. */
export function execTarget(path: string): PodRef | null {
  const endpoint = parsePath(path)
  if (endpoint.kind !== 'resource') return null
  const { ref, resource } = endpoint
  if (resource.group !== '' || resource.resource !== 'pods' || ref.subresource !== 'exec' || !ref.namespace || !ref.name) return null
  return { namespace: ref.namespace, name: ref.name }
}

/** Writes a Status as a complete HTTP answer on a socket whose handshake is refused, and closes it. */
export function refuseUpgrade(socket: Duplex, status: Status, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return
  const code = status.code ?? 500
  const body = JSON.stringify(status)
  const lines = [
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ]
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
}

export interface ExecUpgradeOptions {
  streams: () => PodStreams | undefined
  log: Logger
}

export interface ExecUpgradeHandler {
  handle: UpgradeHandler
  /** Ends every open exec session (the server is closing). */
  closeAll(): void
}

export function createExecUpgradeHandler(options: ExecUpgradeOptions): ExecUpgradeHandler {
  const { log } = options
  const open = new Set<WebSocket>()
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => selectProtocol([...protocols]) ?? false,
  })

  const handle: UpgradeHandler = (req, socket, head, url, user) => {
    // Errors on a socket nobody listens to would crash the process; ws listens once it takes over.
    const ignore = (): void => {}
    socket.on('error', ignore)
    void (async () => {
      const pod = execTarget(url.pathname)
      if (!pod) {
        refuseUpgrade(socket, notFoundPath())
        return
      }
      if (req.method !== 'GET') {
        refuseUpgrade(socket, failure('MethodNotAllowed', 'a WebSocket handshake must be a GET request'), { Allow: 'GET' })
        return
      }
      const offered = parseProtocolHeader(req.headers['sec-websocket-protocol'])
      const protocol = offered.length ? selectProtocol(offered) : PROTOCOL_V1
      if (!protocol) {
        refuseUpgrade(socket, failure('BadRequest', `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${SUPPORTED_PROTOCOLS.join(' ')}]`))
        return
      }
      const streams = options.streams()
      if (!streams) {
        refuseUpgrade(socket, streamsUnavailable())
        return
      }
      let prepared: PreparedExec
      try {
        prepared = await streams.prepareExec(pod, parseExecQuery(url.searchParams), { user })
      } catch (err) {
        const status = statusOf(err)
        if ((status.code ?? 500) >= 500) log.warn('exec refused', { pod: `${pod.namespace}/${pod.name}`, err })
        refuseUpgrade(socket, status)
        return
      }
      if (socket.destroyed) return
      wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('error', ignore)
        open.add(ws)
        ws.once('close', () => open.delete(ws))
        runExec(ws, protocol, prepared, streams, log)
      })
    })().catch((err: unknown) => {
      log.error('exec upgrade failed', { path: url.pathname, err })
      refuseUpgrade(socket, statusOf(err))
    })
  }

  return {
    handle,
    closeAll: () => {
      for (const ws of open) ws.terminate()
      open.clear()
    },
  }
}

/** Drives one exec over an accepted WebSocket: channels in, output out, the outcome on the error channel, then close. */
export function runExec(ws: WebSocket, protocol: RemoteCommandProtocol, prepared: PreparedExec, streams: PodStreams, log: Logger): void {
  const { spec } = prepared
  let session: ExecSession | null = null
  let ended = false
  const early: Frame[] = []

  const send = (channel: number, data: Uint8Array): void => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(channel, data))
  }
  const finish = (status: Status): void => {
    if (ended) return
    ended = true
    const payload = errorChannelPayload(status, protocol)
    if (payload) send(CHANNEL_ERROR, payload)
    ws.close(1000)
  }
  const apply = (frame: Frame): void => {
    if (!session) return
    if (frame.kind === 'close') {
      if (frame.channel === CHANNEL_STDIN) session.endInput()
      return
    }
    if (frame.channel === CHANNEL_STDIN) session.write(frame.data)
    else if (frame.channel === CHANNEL_RESIZE) {
      try {
        session.resize(parseTerminalSize(frame.data))
      } catch (err) {
        log.debug('bad resize message', { exec: spec.what, err })
      }
    }
  }

  ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) {
      log.debug('ignored a text message on an exec WebSocket', { exec: spec.what })
      return
    }
    let frame: Frame | null
    try {
      frame = decodeFrame(data, protocol)
    } catch (err) {
      finish(failure('BadRequest', `exec: ${(err as Error).message}`))
      return
    }
    if (!frame) return
    if (session) apply(frame)
    else early.push(frame)
  })
  ws.on('close', () => {
    ended = true
    session?.close()
  })
  ws.on('error', (err) => log.debug('exec WebSocket failed', { exec: spec.what, err }))

  // The kubelet's greeting: an empty message on the lowest channel the client reads says the streams are open.
  send(spec.stdout ? CHANNEL_STDOUT : spec.stderr ? CHANNEL_STDERR : CHANNEL_ERROR, new Uint8Array(0))

  streams.startExec(prepared, (stream, data) => send(stream === 'stderr' ? CHANNEL_STDERR : CHANNEL_STDOUT, data)).then(
    (started) => {
      if (ended) {
        started.close()
        return
      }
      session = started
      for (const frame of early.splice(0)) apply(frame)
      started.done.then(
        (outcome) => {
          if (outcome.kind === 'exited') finish(exitStatus(outcome.exitCode))
        },
        (err: unknown) => {
          log.warn('exec failed', { exec: spec.what, err })
          finish(statusOf(err))
        },
      )
    },
    (err: unknown) => {
      log.warn('exec did not start', { exec: spec.what, err })
      finish(statusOf(err))
    },
  )
}
