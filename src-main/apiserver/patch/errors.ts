// Why a patch was refused, with the HTTP code and Status reason kube-apiserver answers with:
// 400 BadRequest for a malformed patch (what the client sent cannot be a patch of this type),
// 422 Invalid for a well-formed patch that cannot be applied to this object (a JSON-patch `test`
// failed, a path is missing, a merge key is absent), 413 for too many JSON-patch operations and
// 415 for a Content-Type that is not a patch type we accept.

export type PatchErrorReason = 'BadRequest' | 'Invalid' | 'RequestEntityTooLarge' | 'UnsupportedMediaType'

const codes: Record<PatchErrorReason, number> = {
  BadRequest: 400,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
}

export class PatchError extends Error {
  readonly code: number
  readonly reason: PatchErrorReason
  /**
   * Where in the object the patch failed, when it is about one place: a dotted field path such as
   * `spec.template.spec.containers` (list indices left out), or a JSON pointer for a JSON patch.
   * The REST layer can carry it as a Status cause's `field`.
   */
  readonly field: string | undefined

  constructor(reason: PatchErrorReason, message: string, field?: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'PatchError'
    this.reason = reason
    this.code = codes[reason]
    this.field = field
  }
}

export function isPatchError(err: unknown): err is PatchError {
  return err instanceof PatchError
}
