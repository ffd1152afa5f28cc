import { describe, expect, it } from 'vitest'
import { SelectorError, invalidStatus } from '../api/index.ts'
import { AlreadyExists, Conflict, Gone, InvalidContinue, NotFound, StoreClosed } from '../store/index.ts'
import { ApiError, conflict, forbidden, internalError, invalid, notFound, toApiError } from './errors.ts'
import { PatchError } from './patch/index.ts'

const deployment = { resource: 'apps/deployments', namespace: 'default', name: 'web' }

describe('API errors', () => {
  it('word the usual failures as kube-apiserver does', () => {
    expect(notFound({ group: '', resource: 'pods' }, 'web').status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "web" not found',
      reason: 'NotFound',
      details: { name: 'web', group: '', kind: 'pods' },
      code: 404,
    })
    expect(conflict({ group: 'apps', resource: 'deployments' }, 'web').message).toBe(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    )
    expect(forbidden({ group: '', resource: 'pods' }, '', 'User "x" cannot list resource "pods"').message).toBe('pods is forbidden: User "x" cannot list resource "pods"')
    const err = invalid({ group: 'apps', kind: 'Deployment' }, 'web', [{ type: 'FieldValueRequired', field: 'spec.template.spec.containers[0].image', message: 'Required value' }])
    expect(err.status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value',
      details: { name: 'web', group: 'apps', kind: 'Deployment', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers[0].image' }] },
    })
    expect(internalError(new Error('disk on fire')).status).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: disk on fire' })
  })

  it('map store errors keeping their code, reason and wording', () => {
    expect(toApiError(new NotFound(deployment)).status).toMatchObject({ code: 404, reason: 'NotFound', message: 'deployments.apps "web" not found', details: { group: 'apps', kind: 'deployments', name: 'web' } })
    expect(toApiError(new AlreadyExists(deployment)).status).toMatchObject({ code: 409, reason: 'AlreadyExists' })
    expect(toApiError(new Conflict(deployment)).message).toBe(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    )
    expect(toApiError(Gone.tooOldRevision({ resource: 'pods' }, 3, 9)).status).toMatchObject({ code: 410, reason: 'Expired', message: 'too old resource version: 3 (9)' })
    expect(toApiError(new InvalidContinue({ resource: 'pods' }, 'bad')).status).toMatchObject({ code: 400, reason: 'BadRequest' })
    expect(toApiError(new StoreClosed({ resource: 'pods' })).status).toMatchObject({ code: 503, reason: 'ServiceUnavailable' })
  })

  it('map patch errors with the failing field as a cause', () => {
    const err = toApiError(new PatchError('Invalid', 'the test operation failed', '/spec/replicas'))
    expect(err.status).toMatchObject({ code: 422, reason: 'Invalid', message: 'the test operation failed', details: { causes: [{ field: '/spec/replicas', message: 'the test operation failed' }] } })
    expect(toApiError(new PatchError('UnsupportedMediaType', 'no')).code).toBe(415)
  })

  it('map selector errors to 400, admission statuses as they are, anything else to 500', () => {
    expect(toApiError(new SelectorError('bad selector')).status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'bad selector' })
    const status = invalidStatus('', 'Pod', 'web', [])
    expect(toApiError(status).status).toBe(status)
    expect(toApiError(new TypeError('oops')).status).toMatchObject({ code: 500, message: 'Internal error occurred: oops' })
    const same = new ApiError(status)
    expect(toApiError(same)).toBe(same)
  })
})
