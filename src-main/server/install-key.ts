// POST /api/coxswain/v1/install-key {host, port?, user, password, hostKeyFingerprint? | trustOnFirstUse?}:
// logs in to a machine once with a password and installs the cluster key (see
// nodeagent/ssh/install-key-door.ts for the answers). Admin only: it writes to a machine.
//
// The body holds a password: it is read into memory, parsed, handed to the installer and dropped.
// Nothing here logs the body or echoes any part of it.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { InstallKeyFieldError, parseInstallKeyRequest, type InstallKeyRequest } from '../api/install-key.ts'
import { failure } from '../apiserver/rest/errors.ts'
import { sendBody, sendStatus } from '../apiserver/rest/respond.ts'
import type { UserInfo } from '../apiserver/types.ts'
import { installKeyFailure, installKeyFieldStatus, installKeyThroughDoor, type KeyInstaller } from '../nodeagent/ssh/install-key-door.ts'
import type { Logger } from '../util/log.ts'
import { API_PREFIX } from './api.ts'

export const INSTALL_KEY_PATH = `${API_PREFIX}install-key`
/** Far more than any real request; a bigger body is refused before it is parsed. */
export const MAX_INSTALL_KEY_BODY = 16 * 1024

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_INSTALL_KEY_BODY) throw new BodyTooLargeError(`the request body is larger than ${MAX_INSTALL_KEY_BODY} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json'
}

export async function handleInstallKey(req: IncomingMessage, res: ServerResponse, installer: KeyInstaller, user: UserInfo, log: Logger): Promise<void> {
  if (req.method !== 'POST') {
    sendStatus(res, failure('MethodNotAllowed', `${req.method} is not supported on install-key; use POST`), { Allow: 'POST' })
    return
  }
  if (user.readOnly) {
    sendStatus(res, failure('Forbidden', 'installing the cluster key logs in to a machine and changes it; a read-only user may not'))
    return
  }
  // JSON only: a cross-site HTML form cannot send it without the browser asking first.
  if (!isJson(req.headers['content-type'])) {
    sendStatus(res, failure('UnsupportedMediaType', 'install-key takes a JSON body: send Content-Type: application/json'))
    return
  }
  let request: InstallKeyRequest
  try {
    let raw: unknown
    try {
      raw = JSON.parse(await readBody(req))
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        sendStatus(res, failure('RequestEntityTooLarge', err.message))
        return
      }
      // The parser's message may quote the body (and so the password): never pass it on.
      throw new InstallKeyFieldError('', 'the body must be JSON: {"host": "…", "user": "…", "password": "…", "hostKeyFingerprint": "SHA256:…"}')
    }
    request = parseInstallKeyRequest(raw)
  } catch (err) {
    sendStatus(res, err instanceof InstallKeyFieldError ? installKeyFieldStatus(err) : installKeyFailure(err).status)
    return
  }
  try {
    sendBody(res, 200, await installKeyThroughDoor(installer, request, log))
  } catch (err) {
    sendStatus(res, installKeyFailure(err).status)
  }
}
