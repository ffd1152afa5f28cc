// Failures leave the IPC door as the Kubernetes Status the REST door would answer with (the API
// server's own mapping, `toApiError`), so the dashboard shows the same message, reason, code and
// field causes whichever door it came through.

import { ApiError, toApiError } from '../apiserver/errors.ts'
import type { Status, StatusCause } from '../api/types/meta.ts'
import type { IpcChannel, IpcError } from './contract.ts'
import { IpcArgumentError } from './validate.ts'

const refusalCodes = { BadRequest: 400, Forbidden: 403, TooManyRequests: 429, ServiceUnavailable: 503 } as const

export type IpcRefusalReason = keyof typeof refusalCodes

/** An ApiError for the IPC door's own refusals (untrusted sender, too many watches, bad arguments, a watch cut short). */
export function ipcRefusal(reason: IpcRefusalReason, message: string, causes?: StatusCause[]): ApiError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code: refusalCodes[reason] }
  if (causes?.length) status.details = { causes }
  return new ApiError(status)
}

/** The Status for a request refused by validation: a 400 naming the field. */
export function argumentStatus(channel: IpcChannel, err: IpcArgumentError): Status {
  const cause: StatusCause = { reason: 'FieldValueInvalid', message: err.detail }
  if (err.field) cause.field = err.field
  return ipcRefusal('BadRequest', `${channel}: invalid request: ${err.message}`, [cause]).status
}

/** What a failed call reports to the renderer. */
export function toIpcError(channel: IpcChannel, err: unknown): IpcError {
  const status = err instanceof IpcArgumentError ? argumentStatus(channel, err) : toApiError(err).status
  const error: IpcError = { message: status.message ?? `${channel} failed`, status }
  if (status.reason) error.reason = status.reason
  return error
}
