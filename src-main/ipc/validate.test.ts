import { describe, expect, it } from 'vitest'
import { IpcArgumentError, MAX_JSON_DEPTH, parseJson, parseRequest, parseResourceRef, parseWatchOptions } from './validate.ts'

const pods = { group: '', version: 'v1', resource: 'pods', namespace: 'default', name: 'web' }

function refusal(fn: () => unknown): IpcArgumentError {
  try {
    fn()
  } catch (err) {
    if (err instanceof IpcArgumentError) return err
    throw err
  }
  throw new Error('expected an IpcArgumentError')
}

describe('parseResourceRef', () => {
  it('accepts core and group refs, namespaced or not, with a subresource', () => {
    expect(parseResourceRef(pods)).toEqual(pods)
    expect(parseResourceRef({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'prod', name: 'api', subresource: 'scale' })).toEqual({
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      namespace: 'prod',
      name: 'api',
      subresource: 'scale',
    })
    expect(parseResourceRef({ group: '', version: 'v1', resource: 'nodes' })).toEqual({ group: '', version: 'v1', resource: 'nodes' })
  })

  it('treats undefined members as absent', () => {
    expect(parseResourceRef({ group: '', version: 'v1', resource: 'pods', namespace: undefined, name: undefined })).toEqual({ group: '', version: 'v1', resource: 'pods' })
  })

  it.each([
    ['a non-object', 'pods', 'ref', /must be an object, got "pods"/],
    ['an array', [], 'ref', /must be an object, got an array/],
    ['a class instance', new Date(0), 'ref', /must be an object, got a Date/],
    ['an unknown key', { ...pods, verb: 'delete' }, 'ref.verb', /is not a known field/],
    ['a missing version', { group: '', resource: 'pods' }, 'ref.version', /must be a string, got undefined/],
    ['a numeric resource', { group: '', version: 'v1', resource: 42 }, 'ref.resource', /must be a string, got number 42/],
    ['an uppercase namespace', { ...pods, namespace: 'Default' }, 'ref.namespace', /DNS label/],
    ['a namespace of 64 characters', { ...pods, namespace: 'a'.repeat(64) }, 'ref.namespace', /at most 63 characters, got 64/],
    ['a group that is no DNS subdomain', { ...pods, group: 'Apps!' }, 'ref.group', /DNS subdomain/],
    ['a version that is no API version', { ...pods, version: '1' }, 'ref.version', /API version/],
    ['a name with a slash', { ...pods, name: 'a/b' }, 'ref.name', /may not contain '\/'/],
    ['a name of ..', { ...pods, name: '..' }, 'ref.name', /may not be "\.\."/],
    ['an empty name', { ...pods, name: '' }, 'ref.name', /must not be empty/],
    ['a name with a control character', { ...pods, name: 'a\nb' }, 'ref.name', /control characters/],
    ['a name of 254 characters', { ...pods, name: 'a'.repeat(254) }, 'ref.name', /at most 253/],
    ['a subresource without a name', { group: '', version: 'v1', resource: 'pods', subresource: 'status' }, 'ref.subresource', /needs ref\.name/],
    ['a subresource with a slash', { ...pods, subresource: 'status/x' }, 'ref.subresource', /subresource/],
  ])('refuses %s', (_what, value, field, message) => {
    const err = refusal(() => parseResourceRef(value))
    expect(err.field).toBe(field)
    expect(err.detail).toMatch(message)
  })
})

describe('parseJson', () => {
  it('copies JSON, dropping undefined members and nulling undefined array items as JSON.stringify does', () => {
    const body = { a: 1, b: undefined, c: [1, undefined, 'x'], d: { e: null, f: true } }
    expect(parseJson(body, 'body')).toEqual({ a: 1, c: [1, null, 'x'], d: { e: null, f: true } })
  })

  it.each([
    ['a Map', { data: new Map() }, 'body.data', /a Map/],
    ['a Date', { metadata: { creationTimestamp: new Date(0) } }, 'body.metadata.creationTimestamp', /a Date/],
    ['NaN', { spec: { replicas: Number.NaN } }, 'body.spec.replicas', /not a finite number/],
    ['a bigint', { n: 1n }, 'body.n', /bigint/],
    ['nothing', undefined, 'body', /is required/],
  ])('refuses %s', (_what, value, field, message) => {
    const err = refusal(() => parseJson(value, 'body'))
    expect(err.field).toBe(field)
    expect(err.detail).toMatch(message)
  })

  it('refuses bodies over the size limit and nesting over the depth limit', () => {
    expect(refusal(() => parseJson({ data: { big: 'x'.repeat(100) } }, 'body', 50)).detail).toMatch(/too large: \d+ characters of JSON, at most 50/)
    let deep: unknown = 'leaf'
    for (let i = 0; i <= MAX_JSON_DEPTH; i++) deep = { d: deep }
    expect(refusal(() => parseJson(deep, 'body')).detail).toMatch(/nested more than 100 levels/)
  })
})

describe('parseWatchOptions', () => {
  it('keeps known options with their types', () => {
    expect(parseWatchOptions({ labelSelector: 'app=web', resourceVersion: '42', allowWatchBookmarks: true, timeoutSeconds: 60 })).toEqual({
      labelSelector: 'app=web',
      resourceVersion: '42',
      allowWatchBookmarks: true,
      timeoutSeconds: 60,
    })
  })

  it.each([
    [{ timeoutSeconds: -1 }, 'options.timeoutSeconds', /between 0 and 86400/],
    [{ timeoutSeconds: 1.5 }, 'options.timeoutSeconds', /must be an integer/],
    [{ allowWatchBookmarks: 'yes' }, 'options.allowWatchBookmarks', /true or false/],
    [{ resourceVersionMatch: 'Newest' }, 'options.resourceVersionMatch', /one of "NotOlderThan", "Exact"/],
    [{ labelSelector: 'x'.repeat(5000) }, 'options.labelSelector', /at most 4096/],
    [{ watch: true }, 'options.watch', /not a known field/],
  ])('refuses %j', (value, field, message) => {
    const err = refusal(() => parseWatchOptions(value))
    expect(err.field).toBe(field)
    expect(err.detail).toMatch(message)
  })
})

describe('parseRequest', () => {
  it('parses each verb', () => {
    const collection = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' }
    const one = { ...collection, name: 'settings' }
    expect(parseRequest.create({ ref: collection, body: { kind: 'ConfigMap' }, options: { dryRun: true, fieldValidation: 'Strict' } })).toEqual({
      ref: collection,
      body: { kind: 'ConfigMap' },
      options: { dryRun: true, fieldValidation: 'Strict' },
    })
    expect(parseRequest.get({ ref: one })).toEqual({ ref: one })
    expect(parseRequest.list({ ref: collection, options: { limit: 10 } })).toEqual({ ref: collection, options: { limit: 10 } })
    expect(parseRequest.update({ ref: one, body: {} })).toEqual({ ref: one, body: {} })
    expect(parseRequest.patch({ ref: one, patchType: 'application/merge-patch+json', patch: { data: { a: '1' } } })).toEqual({
      ref: one,
      patchType: 'application/merge-patch+json',
      patch: { data: { a: '1' } },
    })
    expect(parseRequest.delete({ ref: one, options: { propagationPolicy: 'Foreground', dryRun: ['All'], preconditions: { uid: 'u1' } } })).toEqual({
      ref: one,
      options: { propagationPolicy: 'Foreground', dryRun: ['All'], preconditions: { uid: 'u1' } },
    })
    expect(parseRequest.deleteCollection({ ref: collection, listOptions: { labelSelector: 'a=b' } })).toEqual({ ref: collection, listOptions: { labelSelector: 'a=b' } })
    expect(parseRequest.watch({ ref: collection })).toEqual({ ref: collection })
    expect(parseRequest.unwatch({ id: 'w12' })).toEqual({ id: 'w12' })
  })

  it.each([
    ['get without a name', () => parseRequest.get({ ref: { group: '', version: 'v1', resource: 'pods', namespace: 'default' } }), 'ref.name', /is required: get acts on one object/],
    ['list with a name', () => parseRequest.list({ ref: pods }), 'ref.name', /must be absent: list acts on a collection/],
    ['a request that is not an object', () => parseRequest.get('pods'), '', /must be an object/],
    ['an extra top-level key', () => parseRequest.get({ ref: pods, user: { name: 'root' } }), 'user', /is not a known field/],
    ['create without a body', () => parseRequest.create({ ref: pods }), 'body', /is required/],
    ['an unsupported patch type', () => parseRequest.patch({ ref: pods, patchType: 'application/apply-patch+yaml', patch: {} }), 'patchType', /must be one of/],
    ['a dry run other than All', () => parseRequest.delete({ ref: pods, options: { dryRun: ['Some'] } }), 'options.dryRun[0]', /one of "All"/],
    ['an unknown propagation policy', () => parseRequest.delete({ ref: pods, options: { propagationPolicy: 'Eventually' } }), 'options.propagationPolicy', /one of/],
    ['a write option the renderer may not set', () => parseRequest.create({ ref: pods, body: {}, options: { user: 'admin' } }), 'options.user', /not a known field/],
    ['an unwatch id with odd characters', () => parseRequest.unwatch({ id: '../w1' }), 'id', /a watch id/],
  ])('refuses %s', (_what, fn, field, message) => {
    const err = refusal(fn)
    expect(err.field).toBe(field)
    expect(err.detail).toMatch(message)
  })
})

describe('parseRequest for container streams', () => {
  it('reads log requests, leaving the meaning of numbers to the API', () => {
    expect(parseRequest.podLogs({ namespace: 'default', name: 'web', options: { container: 'app', follow: true, tailLines: -1, sinceTime: '2026-01-02T03:04:05Z' } })).toEqual({
      namespace: 'default',
      name: 'web',
      options: { container: 'app', follow: true, tailLines: -1, sinceTime: '2026-01-02T03:04:05Z' },
    })
    expect(refusal(() => parseRequest.podLogs({ namespace: 'default', name: 'web', options: { tail: 5 } })).field).toBe('options.tail')
    expect(refusal(() => parseRequest.podLogs({ namespace: 'default', name: 'web', options: { sinceTime: 'soon' } })).message).toBe('options.sinceTime: must be an RFC 3339 time, got "soon"')
  })

  it('reads exec requests: a command of strings (newlines allowed) and stream flags', () => {
    const script = 'echo one\necho two'
    expect(parseRequest.podExec({ namespace: 'default', name: 'web', options: { command: ['sh', '-c', script], tty: true, stdin: true } })).toEqual({
      namespace: 'default',
      name: 'web',
      options: { command: ['sh', '-c', script], tty: true, stdin: true },
    })
    expect(refusal(() => parseRequest.podExec({ namespace: 'default', name: 'web', options: { command: 'sh' } })).message).toBe('options.command: must be an array of strings, got "sh"')
    expect(refusal(() => parseRequest.podExec({ namespace: 'default', name: 'web', options: { command: ['sh', 1] } })).field).toBe('options.command[1]')
    expect(refusal(() => parseRequest.podExec({ namespace: 'Default', name: 'web', options: { command: ['sh'] } })).field).toBe('namespace')
  })

  it('reads exec input as text with control characters, or bytes, within a bound', () => {
    expect(parseRequest.podExecInput({ id: 's1', data: '\x03\r' })).toEqual({ id: 's1', data: '\x03\r' })
    expect(parseRequest.podExecInput({ id: 's1', data: Uint8Array.of(1, 2), end: true })).toEqual({ id: 's1', data: Uint8Array.of(1, 2), end: true })
    expect(refusal(() => parseRequest.podExecInput({ id: 's1', data: 42 })).message).toBe('data: must be a string or a Uint8Array, got number 42')
    expect(refusal(() => parseRequest.podExecInput({ id: 's1', data: new Uint8Array(300 * 1024) })).message).toMatch(/^data: must be at most 262144 bytes/)
  })

  it('reads terminal sizes within 16 bits, and stream ids', () => {
    expect(parseRequest.podExecResize({ id: 's1', width: 80, height: 24 })).toEqual({ id: 's1', width: 80, height: 24 })
    expect(refusal(() => parseRequest.podExecResize({ id: 's1', width: 70000, height: 24 })).field).toBe('width')
    expect(refusal(() => parseRequest.podStreamStop({ id: '../x' })).field).toBe('id')
  })
})
