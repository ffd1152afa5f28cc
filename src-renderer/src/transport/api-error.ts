// The renderer's view of a failed API call: the Kubernetes Status the control plane answered with
// (the same through either door), plus the TransportError kind a view acts on. When nothing
// answered, a Status is made up so views still have one shape to show.

import type { Status, StatusCause, StatusReason } from '../../../src-main/api/types/meta.ts'
import { TransportError, type TransportErrorKind } from './types.ts'

export class ApiError extends TransportError {
  override name = 'ApiError'
  readonly status: Status

  constructor(status: Status, kind: TransportErrorKind = 'failed', options?: { cause?: unknown }) {
    super(kind, status.message ?? status.reason ?? `request failed with code ${status.code ?? 'unknown'}`, options)
    this.status = status
  }

  /** The HTTP code the Status carries (0 when none did). */
  get code(): number {
    return this.status.code ?? 0
  }

  get reason(): StatusReason {
    return this.status.reason ?? ''
  }

  /** Field causes (`spec.replicas: Invalid value: …`) for Invalid errors; empty otherwise. */
  get causes(): StatusCause[] {
    return this.status.details?.causes ?? []
  }

  /** True for 410 Gone/Expired: the resourceVersion is too old, list again. */
  get expired(): boolean {
    return this.code === 410 || this.reason === 'Expired' || this.reason === 'Gone'
  }
}

export function isStatus(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status'
}

export function failureStatus(code: number, reason: StatusReason, message: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }
}

/** No answer at all: the server is down, the network is gone, or the request timed out. */
export function unreachable(message: string, cause?: unknown): ApiError {
  return new ApiError(failureStatus(503, 'ServiceUnavailable', message), 'unreachable', { cause })
}

/** Worth trying again by itself: no answer, overload, or a server-side failure. */
export function isRetryable(err: ApiError): boolean {
  return err.kind === 'unreachable' || err.code === 429 || err.code >= 500
}
