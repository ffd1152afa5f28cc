// POST /api/coxswain/v1/images/send {image, from?, to?}: sends an image from a node (or this
// machine's Docker engine, "local") to other nodes without a registry. Answers a stream of JSON
// lines — {"type":"progress",target,bytes} … then {"type":"result",…} or {"type":"error",message} —
// so a client sees progress while the transfer runs. Admin only.

import { existsSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import Docker from 'dockerode'
import type { Machine } from '../api/index.ts'
import { systemContext } from '../apiserver/api-server.ts'
import { failure } from '../apiserver/rest/errors.ts'
import { sendStatus } from '../apiserver/rest/respond.ts'
import type { UserInfo } from '../apiserver/types.ts'
import type { ControlPlane } from '../controlplane.ts'
import { sendImage, type SendImageTarget } from '../nodeagent/images/send-image.ts'
import { MACHINES } from '../nodeagent/machines/machine-controller.ts'
import type { Logger } from '../util/log.ts'

export const IMAGE_SEND_PATH = '/api/coxswain/v1/images/send'
export const LOCAL_DOCKER_SOCKET = '/var/run/docker.sock'
const MAX_BODY = 64 * 1024

export interface ImageSendRequest {
  image: string
  from?: string
  to?: string[]
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new Error(`the request body is larger than ${MAX_BODY} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseRequest(text: string): ImageSendRequest {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error('the body must be JSON: {"image": "NAME", "from": "NODE|local", "to": ["NODE", …]}')
  }
  const b = body as Partial<ImageSendRequest> | null
  if (!b || typeof b.image !== 'string' || !b.image.trim()) throw new Error('"image" must name an image')
  if (b.from !== undefined && (typeof b.from !== 'string' || !b.from)) throw new Error('"from" must be a node name or "local"')
  if (b.to !== undefined && (!Array.isArray(b.to) || b.to.some((n) => typeof n !== 'string' || !n))) throw new Error('"to" must be a list of node names')
  return { image: b.image.trim(), ...(b.from !== undefined ? { from: b.from } : {}), ...(b.to !== undefined ? { to: b.to } : {}) }
}

export async function handleImageSend(req: IncomingMessage, res: ServerResponse, cp: ControlPlane, user: UserInfo, log: Logger, localSocket = LOCAL_DOCKER_SOCKET): Promise<void> {
  if (req.method !== 'POST') {
    sendStatus(res, failure('MethodNotAllowed', `${req.method} is not supported on images/send; use POST`), { Allow: 'POST' })
    return
  }
  if (user.readOnly) {
    sendStatus(res, failure('Forbidden', 'sending images writes to nodes; a read-only user may not'))
    return
  }
  let request: ImageSendRequest
  try {
    request = parseRequest(await readBody(req))
  } catch (err) {
    sendStatus(res, failure('BadRequest', (err as Error).message))
    return
  }
  const machines = cp.machines
  if (!machines) {
    sendStatus(res, failure('ServiceUnavailable', 'the control plane runs no machine controller'))
    return
  }
  const fromName = request.from ?? 'local'
  let from: Docker | undefined
  if (fromName === 'local') {
    if (existsSync(localSocket)) from = new Docker({ socketPath: localSocket })
    else {
      sendStatus(res, failure('BadRequest', `this machine has no Docker socket at ${localSocket}; name a node with "from"`))
      return
    }
  } else {
    from = machines.dockerFor(fromName)
    if (!from) {
      sendStatus(res, failure('BadRequest', `node ${fromName} is not connected`))
      return
    }
  }
  let names = request.to
  if (!names) {
    const list = await cp.api.list(MACHINES, {}, systemContext('image-send'))
    names = (list.items as Machine[]).map((m) => m.metadata.name ?? '').filter((n) => n && n !== fromName && machines.dockerFor(n))
  }
  const to: SendImageTarget[] = []
  const missing: string[] = []
  for (const name of names) {
    const docker = machines.dockerFor(name)
    if (docker) to.push({ name, docker })
    else missing.push(name)
  }
  if (missing.length) {
    sendStatus(res, failure('BadRequest', `not connected: ${missing.join(', ')}`))
    return
  }
  if (to.length === 0) {
    sendStatus(res, failure('BadRequest', 'no connected node to send to'))
    return
  }

  res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' })
  const line = (obj: unknown): void => {
    if (!res.writableEnded) res.write(`${JSON.stringify(obj)}\n`)
  }
  const controller = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client went away'))
  })
  line({ type: 'start', image: request.image, from: fromName, to: to.map((t) => t.name) })
  try {
    const result = await sendImage({
      image: request.image,
      from,
      to,
      signal: controller.signal,
      onProgress: (p) => line({ type: 'progress', ...p }),
    })
    line({ type: 'result', ...result })
  } catch (err) {
    log.warn('image send failed', { image: request.image, err })
    line({ type: 'error', message: (err as Error).message })
  }
  res.end()
}
