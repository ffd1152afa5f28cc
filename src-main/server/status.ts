// Errors leave the API as Kubernetes `Status` objects, so kubectl and the dashboard read one shape.

export type StatusReason = 'Unauthorized' | 'NotFound' | 'MethodNotAllowed' | 'BadRequest' | 'InternalError'

export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure'
  message: string
  reason: StatusReason
  code: number
}

const codes: Record<StatusReason, number> = {
  Unauthorized: 401,
  NotFound: 404,
  MethodNotAllowed: 405,
  BadRequest: 400,
  InternalError: 500,
}

export function failureStatus(reason: StatusReason, message: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code: codes[reason] }
}
