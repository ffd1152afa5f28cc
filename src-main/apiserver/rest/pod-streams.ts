// The REST door's streaming subresources of pods:
//
//   GET       …/pods/{name}/log    chunked text/plain from the container's log (PodStreams.openLogs)
//   GET|POST  …/pods/{name}/exec   WebSocket only (exec-websocket.ts answers the upgrade); any other
//                                  request — kubectl ≤ 1.29's SPDY upgrade included — is checked like
//                                  an exec (so its real error shows) and then refused with a 400
//                                  saying exec needs a WebSocket, i.e. kubectl 1.30 or newer.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { WEBSOCKET_REQUIRED_CAUSE } from '../../api/remotecommand.ts'
import type { PodRef } from '../../api/types/streams.ts'
import type { PodStreams } from '../../nodeagent/streams/pod-streams.ts'
import type { Logger } from '../../util/log.ts'
import type { UserInfo } from '../types.ts'
import { failure, methodNotAllowed } from './errors.ts'
import { sendStatus } from './respond.ts'
import { parseExecQuery, parseLogQuery } from './stream-query.ts'


export function streamsUnavailable(): ReturnType<typeof failure> {
  return failure('ServiceUnavailable', 'container streams (logs, exec) are not available: the control plane is not running')
}

/** Serves `GET …/pods/{name}/log`; every failure before the first byte is a Status, after it the connection is cut. */
export async function servePodLog(req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo, pod: PodRef, streams: PodStreams, log: Logger): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendStatus(res, methodNotAllowed(req.method ?? '', url.pathname), { Allow: 'GET' })
    return
  }
  const options = parseLogQuery(url.searchParams)
  const stream = await streams.openLogs(pod, options, { user })
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  if (req.method === 'HEAD') {
    stream.close()
    res.end()
    return
  }
  // Headers now: a follower of a quiet container must see the answer start, as kubectl logs -f expects.
  res.flushHeaders()
  res.on('close', () => stream.close())
  stream.output.on('error', (err) => {
    log.warn('log stream broke', { pod: `${pod.namespace}/${pod.name}`, err })
    res.destroy()
  })
  stream.output.pipe(res)
}

/** The refusal of an exec request that is not a WebSocket upgrade. */
export function execNeedsWebSocket(req: IncomingMessage): ReturnType<typeof failure> {
  const upgrade = String(req.headers.upgrade ?? '')
  const message = /^spdy\//i.test(upgrade)
    ? 'exec over SPDY is not supported: Coxswain serves exec over WebSocket (v5.channel.k8s.io), which kubectl speaks from version 1.30; use kubectl 1.30 or newer'
    : 'exec needs a WebSocket connection (Upgrade: websocket, subprotocol v5.channel.k8s.io), as kubectl 1.30 and newer open it'
  return failure('BadRequest', message, [{ reason: WEBSOCKET_REQUIRED_CAUSE, message }])
}

/** Answers a pods/exec request that did not upgrade to a WebSocket. */
export async function refuseExecWithoutWebSocket(req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo, pod: PodRef, streams: PodStreams): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'POST') {
    sendStatus(res, methodNotAllowed(req.method ?? '', url.pathname), { Allow: 'GET, POST' })
    return
  }
  // The real error first (forbidden, no such pod, container not running): kubectl ≥ 1.30 retries a
  // refused WebSocket over SPDY and prints what this answer says.
  await streams.prepareExec(pod, parseExecQuery(url.searchParams), { user })
  sendStatus(res, execNeedsWebSocket(req))
}
