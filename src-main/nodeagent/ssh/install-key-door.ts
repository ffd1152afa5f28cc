// What both doors (HTTP POST /api/coxswain/v1/install-key, IPC cluster:install-key) answer for a
// one-time password login: the outcome as data when the user has something to decide (an unknown
// host key to confirm), and a Kubernetes Status in plain words for every failure, so the
// dashboard shows the same message whichever door it came through.
//
// The password goes from the request into the installer's call and nowhere else: not into a
// message, a log field, or anything that outlives the call.

import { InstallKeyFieldError, type InstallKeyRequest, type InstallKeyResponse } from '../../api/install-key.ts'
import type { Status, StatusCause } from '../../api/types/meta.ts'
import { ApiError } from '../../apiserver/errors.ts'
import { failure } from '../../apiserver/rest/errors.ts'
import type { Logger } from '../../util/log.ts'
import { HostKeyChangedError, HostKeyUnknownError } from './host-key-policy.ts'
import { MachineUnreachableError, PasswordRefusedError, type InstallKeyResult } from './install-key.ts'
import { hostPortKey } from './pinned-host-keys.ts'

/** The part of the control plane that logs in once with a password (ControlPlane.installClusterKey). */
export interface KeyInstaller {
  installClusterKey(options: InstallKeyRequest): Promise<InstallKeyResult>
}

/** The 400 for a request that names a wrong field. */
export function installKeyFieldStatus(err: InstallKeyFieldError): Status {
  const cause: StatusCause = { reason: 'FieldValueInvalid', message: err.detail }
  if (err.field) cause.field = err.field
  return failure('BadRequest', `install-key: invalid request: ${err.message}`, [cause])
}

function apiError(status: Status, cause: unknown): ApiError {
  return new ApiError(status, { cause })
}

/** The Status for a failed install, in plain words; never mentions the password. */
export function installKeyFailure(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof InstallKeyFieldError) return apiError(installKeyFieldStatus(err), err)
  if (err instanceof HostKeyChangedError || (err instanceof HostKeyUnknownError && err.expected !== undefined)) {
    // Both fingerprints travel as causes too, so a client can show them side by side.
    const expected = err instanceof HostKeyChangedError ? err.expected : (err.expected ?? '')
    return apiError(
      failure('Conflict', err.message, [
        { reason: 'HostKeyExpected', field: 'hostKeyFingerprint', message: expected },
        { reason: 'HostKeyPresented', message: err.presented },
      ]),
      err,
    )
  }
  if (err instanceof PasswordRefusedError) return apiError(failure('Forbidden', err.message), err)
  if (err instanceof MachineUnreachableError) return apiError(failure('InternalError', err.message), err)
  const message = err instanceof Error ? err.message : String(err)
  if (/control plane not started/.test(message)) return apiError(failure('ServiceUnavailable', message), err)
  return apiError(failure('InternalError', message), err)
}

/**
 * Logs in to `request.host` once with the password and installs the cluster key. Resolves with the
 * outcome (installed, or a host key for the user to confirm); rejects with an ApiError.
 */
export async function installKeyThroughDoor(installer: KeyInstaller, request: InstallKeyRequest, log: Logger): Promise<InstallKeyResponse> {
  const port = request.port ?? 22
  const hostPort = hostPortKey(request.host, port)
  const where = { host: request.host, port, user: request.user }
  try {
    const result = await installer.installClusterKey({
      host: request.host,
      port,
      user: request.user,
      password: request.password,
      ...(request.hostKeyFingerprint !== undefined ? { hostKeyFingerprint: request.hostKeyFingerprint } : {}),
      ...(request.trustOnFirstUse ? { trustOnFirstUse: true } : {}),
    })
    log.info('cluster key installed with a one-time password', { ...where, hostKeyFingerprint: result.hostKeyFingerprint })
    return { installed: true, hostPort, hostKeyFingerprint: result.hostKeyFingerprint }
  } catch (err) {
    if (err instanceof HostKeyUnknownError && err.expected === undefined) {
      // Refused before authentication: the password never left this process.
      log.info('install key: host key to be confirmed', { ...where, presented: err.presented })
      return { installed: false, hostPort, presentedFingerprint: err.presented, message: err.message }
    }
    const failed = installKeyFailure(err)
    log.warn('install key failed', { ...where, reason: failed.reason, message: failed.message })
    throw failed
  }
}
