// API errors: every verb of the API server rejects with an `ApiError`, which carries the Kubernetes
// `Status` a door answers with. Constructors word their messages as kube-apiserver does
// (`pods "web" not found`, `Deployment.apps "web" is invalid: …`), and `toApiError` maps what the
// layers below throw — store errors, patch errors, selector errors, admission statuses — onto them.

import { SelectorError, invalidStatus, type FieldError, type Status, type StatusCause, type StatusReason } from '../api/index.ts'
import { StoreError } from '../store/index.ts'
import { PatchError } from './patch/index.ts'

/** A resource as Kubernetes names it in errors: its group and plural ("apps", "deployments"). */
export interface GroupResource {
  group: string
  resource: string
}

/** A kind as Kubernetes names it in Invalid errors: its group and kind ("apps", "Deployment"). */
export interface GroupKind {
  group: string
  kind: string
}

export class ApiError extends Error {
  readonly status: Status

  constructor(status: Status, options?: ErrorOptions) {
    super(status.message ?? status.reason ?? 'unknown error', options)
    this.name = 'ApiError'
    this.status = status
  }

  get code(): number {
    return this.status.code ?? 500
  }

  get reason(): StatusReason {
    return this.status.reason ?? ''
  }

  /** The field causes, if any (Invalid errors). */
  get causes(): StatusCause[] {
    return this.status.details?.causes ?? []
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError
}

/** `deployments.apps`, `pods`: a resource qualified by its group, as in kube-apiserver messages. */
export function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource
}

function failure(code: number, reason: StatusReason, message: string, details?: Status['details']): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }
  if (details) status.details = details
  return status
}

function resourceDetails(gr: GroupResource, name: string): NonNullable<Status['details']> {
  const details: NonNullable<Status['details']> = { group: gr.group, kind: gr.resource }
  if (name) details.name = name
  return details
}

/** 404: `pods "web" not found`. */
export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(failure(404, 'NotFound', `${qualified(gr)} ${JSON.stringify(name)} not found`, resourceDetails(gr, name)))
}

/** 404 for a path the server does not serve (unknown resource or version). */
export function resourceNotFound(): ApiError {
  return new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', {}))
}

/** 409: `deployments.apps "web" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(failure(409, 'AlreadyExists', `${qualified(gr)} ${JSON.stringify(name)} already exists`, resourceDetails(gr, name)))
}

export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again'

/** 409: `Operation cannot be fulfilled on deployments.apps "web": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string = OPTIMISTIC_LOCK_MESSAGE): ApiError {
  return new ApiError(failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} ${JSON.stringify(name)}: ${why}`, resourceDetails(gr, name)))
}

/** 422 with one cause per field error: `Deployment.apps "web" is invalid: spec.replicas: …`. */
export function invalid(gk: GroupKind, name: string, errors: readonly FieldError[]): ApiError {
  return new ApiError(invalidStatus(gk.group, gk.kind, name, errors))
}

/** 400 with a free-form message. */
export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message))
}

/** 403: `pods "x" is forbidden: <why>` (no name: `pods is forbidden: <why>`). */
export function forbidden(gr: GroupResource, name: string, why: string, causes?: StatusCause[]): ApiError {
  const subject = name ? `${qualified(gr)} ${JSON.stringify(name)}` : qualified(gr)
  const details = resourceDetails(gr, name)
  if (causes?.length) details.causes = causes
  return new ApiError(failure(403, 'Forbidden', `${subject} is forbidden: ${why}`, details))
}

/** 405, as kube-apiserver answers a verb a resource does not serve. */
export function methodNotAllowed(gr: GroupResource): ApiError {
  return new ApiError(failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', resourceDetails(gr, '')))
}

/** 410 Expired: a resourceVersion older than the retained history (`too old resource version: 5 (12)`). */
export function expired(message: string): ApiError {
  return new ApiError(failure(410, 'Expired', message))
}

/** 415: a body in a media type the verb does not accept. */
export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(failure(415, 'UnsupportedMediaType', message))
}

/** 504, as kube-apiserver answers a resourceVersion from the future (`Too large resource version`). */
export function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(
    failure(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    }),
  )
}

/** 503: the control plane is stopping. */
export function serviceUnavailable(message: string): ApiError {
  return new ApiError(failure(503, 'ServiceUnavailable', message))
}

/** 500: `Internal error occurred: <why>`. */
export function internalError(err: unknown): ApiError {
  const why = err instanceof Error ? err.message : String(err)
  return new ApiError(failure(500, 'InternalError', `Internal error occurred: ${why}`, { causes: [{ message: why }] }), { cause: err })
}

function isStatus(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status' && typeof (value as Status).code === 'number'
}

/**
 * The ApiError for anything a verb may meet: ApiErrors pass through; store errors keep their code,
 * reason and wording; patch errors keep theirs and name the failing field as a cause; selector
 * errors are 400; a Status (from admission) is wrapped; anything else is a 500.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof StoreError) return fromStoreError(err)
  if (err instanceof PatchError) {
    const details: NonNullable<Status['details']> = {}
    if (err.field) details.causes = [{ reason: err.reason === 'Invalid' ? 'FieldValueInvalid' : err.reason, message: err.message, field: err.field }]
    return new ApiError(failure(err.code, err.reason, err.message, err.field ? details : undefined), { cause: err })
  }
  if (err instanceof SelectorError) return new ApiError(failure(400, 'BadRequest', err.message), { cause: err })
  if (isStatus(err)) return new ApiError(err)
  return internalError(err)
}

function fromStoreError(err: StoreError): ApiError {
  const gr: GroupResource = { group: err.group, resource: err.kind }
  switch (err.reason) {
    case 'NotFound':
    case 'AlreadyExists':
    case 'Conflict':
      // The store already words these as kube-apiserver does.
      return new ApiError(failure(err.code, err.reason, err.message, resourceDetails(gr, err.objectName)), { cause: err })
    case 'Expired':
      return new ApiError(failure(410, 'Expired', err.message), { cause: err })
    case 'BadRequest':
      return new ApiError(failure(400, 'BadRequest', err.message), { cause: err })
    case 'ServiceUnavailable':
      return new ApiError(failure(503, 'ServiceUnavailable', err.message), { cause: err })
  }
}
