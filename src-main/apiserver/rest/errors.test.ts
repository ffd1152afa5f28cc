import { describe, expect, it } from 'vitest'
import { SelectorError } from '../../api/selectors/labels.ts'
import { NotFound } from '../../store/index.ts'
import { ApiError, invalid } from '../errors.ts'
import { PatchError } from '../patch/index.ts'
import { badRequest, failure, methodNotAllowed, notFoundPath, statusOf } from './errors.ts'

describe('statusOf', () => {
  it('keeps the Status an ApiError carries', () => {
    const err = invalid({ group: 'apps', kind: 'Deployment' }, 'web', [{ type: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }])
    expect(statusOf(err)).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      details: { causes: [{ field: 'spec.replicas' }] },
    })
  })

  it('maps the door’s own refusals', () => {
    expect(statusOf(badRequest('limit is not a number'))).toMatchObject({ code: 400, reason: 'BadRequest', message: 'limit is not a number' })
  })

  it('maps patch errors with the field they failed at', () => {
    expect(statusOf(new PatchError('Invalid', 'the test operation failed', '/spec/replicas'))).toMatchObject({
      code: 422,
      reason: 'Invalid',
      details: { causes: [{ field: '/spec/replicas' }] },
    })
    expect(statusOf(new PatchError('UnsupportedMediaType', 'no'))).toMatchObject({ code: 415 })
  })

  it('maps store errors with their Kubernetes wording', () => {
    expect(statusOf(new NotFound({ resource: 'apps/deployments', namespace: 'shop', name: 'web' }))).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'deployments.apps "web" not found',
    })
  })

  it('maps selector errors to 400', () => {
    expect(statusOf(new SelectorError('unable to parse requirement'))).toMatchObject({ code: 400, reason: 'BadRequest' })
  })

  it('turns anything else into a 500 that says what failed', () => {
    expect(statusOf(new TypeError('boom'))).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: boom' })
  })

  it('gives Status objects the shape kubectl reads', () => {
    const status = statusOf(new ApiError(failure('Forbidden', 'no')))
    expect(status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'no', reason: 'Forbidden', code: 403 })
  })
})

describe('path and method failures', () => {
  it('words them as kube-apiserver does', () => {
    expect(notFoundPath()).toMatchObject({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' })
    expect(methodNotAllowed('PUT', '/api/v1/pods')).toMatchObject({ code: 405, reason: 'MethodNotAllowed', message: expect.stringContaining('does not allow this method') })
  })
})
