// Errors leave the REST door as Kubernetes `Status` objects with the HTTP code in `code`. The core
// rejects with `ApiError`s that carry their Status; `toApiError` maps everything else (patch,
// store and selector errors, bugs) as kube-apiserver would. The door's own refusals (a malformed
// query, an unacceptable Accept header, a body too large) are ApiErrors too, built here.

import type { Status, StatusCause, StatusReason } from '../../api/types/meta.ts'
import { ApiError, toApiError } from '../errors.ts'

const codeOf: Partial<Record<StatusReason, number>> = {
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  Invalid: 422,
  Timeout: 504,
  TooManyRequests: 429,
  BadRequest: 400,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  InternalError: 500,
  ServiceUnavailable: 503,
}

/** A failure Status for `reason`, with its usual HTTP code. */
export function failure(reason: StatusReason, message: string, causes?: StatusCause[]): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code: codeOf[reason] ?? 500 }
  if (causes?.length) status.details = { causes }
  return status
}

/** An ApiError for the door's own refusals. */
export function refusal(reason: StatusReason, message: string): ApiError {
  return new ApiError(failure(reason, message))
}

export const badRequest = (message: string): ApiError => refusal('BadRequest', message)

/** kube-apiserver's answer for a path no resource is served at; kubectl prints the message as is. */
export function notFoundPath(detail?: string): Status {
  return failure('NotFound', detail ? `the server could not find the requested resource (${detail})` : 'the server could not find the requested resource')
}

export function methodNotAllowed(method: string, path: string): Status {
  return failure('MethodNotAllowed', `the server does not allow this method on the requested resource (${method} ${path})`)
}

/** The Status for anything a request handler threw. */
export function statusOf(err: unknown): Status {
  return toApiError(err).status
}
