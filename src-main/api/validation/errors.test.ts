import { describe, expect, it } from 'vitest'
import {
  aggregate,
  duplicate,
  forbidden,
  formatFieldError,
  invalid,
  invalidStatus,
  notFound,
  notSupported,
  required,
  strictDecodingStatus,
  tooLong,
  tooMany,
  unknownField,
  unsupportedField,
} from './errors.ts'

describe('field error rendering', () => {
  it.each([
    [required('spec.containers[0].image'), 'spec.containers[0].image: Required value'],
    [required('spec.dnsConfig', 'must provide `dnsConfig` when `dnsPolicy` is None'), 'spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None'],
    [invalid('spec.replicas', -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [invalid('metadata.name', 'Web_1', 'bad'), 'metadata.name: Invalid value: "Web_1": bad'],
    [invalid('spec.selector', { matchLabels: { b: '2', a: '1' } }, 'x'), 'spec.selector: Invalid value: {"matchLabels":{"a":"1","b":"2"}}: x'],
    [invalid('spec.x', true, 'x'), 'spec.x: Invalid value: true: x'],
    [notSupported('spec.restartPolicy', 'Sometimes', ['OnFailure', 'Always', 'Never']), 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"'],
    [duplicate('spec.containers[1].name', 'web'), 'spec.containers[1].name: Duplicate value: "web"'],
    [notFound('spec.containers[0].volumeMounts[0].name', 'data'), 'spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    [forbidden('spec', 'pod updates may not change fields'), 'spec: Forbidden: pod updates may not change fields'],
    [tooLong('metadata.name', 253), 'metadata.name: Too long: may not be more than 253 bytes'],
    [tooMany('endpoints', 1001, 1000), 'endpoints: Too many: 1001: must have at most 1000 items'],
    [unknownField('spec.foo'), 'unknown field "spec.foo"'],
    [unsupportedField('spec.volumes[0].nfs', 'no NFS'), 'spec.volumes[0].nfs: Forbidden: not supported by Coxswain: no NFS'],
  ])('%#: %s', (error, text) => {
    expect(formatFieldError(error)).toBe(text)
  })

  it('aggregates like apimachinery: one as is, several in brackets, repeats once', () => {
    const a = required('a')
    const b = required('b')
    expect(aggregate([a])).toBe('a: Required value')
    expect(aggregate([a, b, a])).toBe('[a: Required value, b: Required value]')
  })
})

describe('Status objects', () => {
  it('builds 422 Invalid with causes, as kubectl prints it', () => {
    const status = invalidStatus('apps', 'Deployment', 'web', [invalid('spec.replicas', -1, 'must be greater than or equal to 0')])
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      reason: 'Invalid',
      details: {
        name: 'web',
        group: 'apps',
        kind: 'Deployment',
        causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }],
      },
      code: 422,
    })
    expect(invalidStatus('', 'Pod', 'p', [required('a'), required('b')]).message).toBe('Pod "p" is invalid: [a: Required value, b: Required value]')
  })

  it('builds 400 BadRequest for strict decoding', () => {
    const status = strictDecodingStatus('Pod', 'v1', [unknownField('spec.foo'), unknownField('spec.bar')])
    expect(status).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"',
    })
  })
})
