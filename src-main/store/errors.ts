// Typed store errors. Each carries the object it is about and the HTTP code and reason of the
// Kubernetes `Status` the API server answers with; messages read like Kubernetes' own.

import type { ObjectKey, Revision } from './types.ts'

export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Expired' | 'BadRequest' | 'ServiceUnavailable'

/** What a store error is about: a key, or (for lists and watches) a resource and maybe a namespace. */
export interface StoreErrorSubject {
  resource: string
  /** '' for cluster-scoped objects; undefined for a list or watch across all namespaces. */
  namespace?: string
  /** '' for a list or watch. */
  name?: string
}

/** `apps/deployments` → `deployments.apps`, `pods` → `pods`: how Kubernetes names a resource in messages. */
export function qualifiedResource(resource: string): string {
  const slash = resource.indexOf('/')
  return slash < 0 ? resource : `${resource.slice(slash + 1)}.${resource.slice(0, slash)}`
}

export abstract class StoreError extends Error {
  abstract readonly code: number
  abstract readonly reason: StoreErrorReason
  readonly resource: string
  readonly namespace: string | undefined
  /** The object's name ('' for a list or watch); `name` stays the error class's, as usual. */
  readonly objectName: string

  constructor(subject: StoreErrorSubject, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.resource = subject.resource
    this.namespace = subject.namespace
    this.objectName = subject.name ?? ''
  }

  /** The API group ('' for core), as in a Status's `details.group`. */
  get group(): string {
    const slash = this.resource.indexOf('/')
    return slash < 0 ? '' : this.resource.slice(0, slash)
  }

  /** The plural resource name, as in a Status's `details.kind`. */
  get kind(): string {
    return this.resource.slice(this.resource.indexOf('/') + 1)
  }
}

function quoted(subject: StoreErrorSubject): string {
  return `${qualifiedResource(subject.resource)} "${subject.name ?? ''}"`
}

export class NotFound extends StoreError {
  readonly code = 404
  readonly reason = 'NotFound'
  constructor(key: ObjectKey) {
    super(key, `${quoted(key)} not found`)
  }
}

export class AlreadyExists extends StoreError {
  readonly code = 409
  readonly reason = 'AlreadyExists'
  constructor(key: ObjectKey) {
    super(key, `${quoted(key)} already exists`)
  }
}

export class Conflict extends StoreError {
  readonly code = 409
  readonly reason = 'Conflict'
  /** Why, without the "Operation cannot be fulfilled" preamble. */
  readonly detail: string
  constructor(key: ObjectKey, detail: string = Conflict.modified) {
    super(key, `Operation cannot be fulfilled on ${quoted(key)}: ${detail}`)
    this.detail = detail
  }

  static readonly modified = 'the object has been modified; please apply your changes to the latest version and try again'
}

/**
 * 410: the revision asked for is older than the retained history. A watcher must relist; a paged
 * list must start again (or, accepting an inconsistent result, carry on with `continue`).
 */
export class Gone extends StoreError {
  readonly code = 410
  readonly reason = 'Expired'
  /** The oldest revision still available to watch from (everything after it is retained). */
  readonly compactedRevision: Revision
  /** For an expired continue token: a token that carries on from the same place at the current revision. */
  readonly continue: string | undefined

  constructor(subject: StoreErrorSubject, message: string, compactedRevision: Revision, continueToken?: string) {
    super(subject, message)
    this.compactedRevision = compactedRevision
    this.continue = continueToken
  }

  /** As kube-apiserver words it: the requested revision, then the oldest one still watchable from. */
  static tooOldRevision(subject: StoreErrorSubject, requested: Revision, compacted: Revision): Gone {
    return new Gone(subject, `too old resource version: ${requested} (${compacted})`, compacted)
  }

  static expiredContinue(subject: StoreErrorSubject, compacted: Revision, inconsistentContinue: string): Gone {
    return new Gone(
      subject,
      'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
        'without the continue parameter, or use the continue token in this response to retrieve the remainder of ' +
        'the results. Continuing with the provided token results in an inconsistent list - objects that were ' +
        'created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      compacted,
      inconsistentContinue,
    )
  }
}

/** 400: a continue token the store did not issue (or cannot read). */
export class InvalidContinue extends StoreError {
  readonly code = 400
  readonly reason = 'BadRequest'
  constructor(subject: StoreErrorSubject, why: string) {
    super(subject, `continue key is not valid: ${why}`)
  }
}

/** 503: the store was closed (the control plane is stopping). */
export class StoreClosed extends StoreError {
  readonly code = 503
  readonly reason = 'ServiceUnavailable'
  constructor(subject: StoreErrorSubject) {
    super(subject, subject.resource ? `store is closed: cannot serve ${qualifiedResource(subject.resource)}` : 'store is closed')
  }
}

export function isStoreError(err: unknown): err is StoreError {
  return err instanceof StoreError
}
