import { describe, expect, it } from 'vitest'
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.ts'
import type { JsonObject } from './json.ts'
import { deepFreeze } from './testing.ts'

// RFC 6902, Appendix A. (A.13, a duplicate "op" member, cannot survive JSON.parse and is left out.)
const rfcExamples: { name: string; doc: JsonObject; patch: unknown[]; want: JsonObject }[] = [
  {
    name: 'A.1 adding an object member',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz', value: 'qux' }],
    want: { baz: 'qux', foo: 'bar' },
  },
  {
    name: 'A.2 adding an array element',
    doc: { foo: ['bar', 'baz'] },
    patch: [{ op: 'add', path: '/foo/1', value: 'qux' }],
    want: { foo: ['bar', 'qux', 'baz'] },
  },
  {
    name: 'A.3 removing an object member',
    doc: { baz: 'qux', foo: 'bar' },
    patch: [{ op: 'remove', path: '/baz' }],
    want: { foo: 'bar' },
  },
  {
    name: 'A.4 removing an array element',
    doc: { foo: ['bar', 'qux', 'baz'] },
    patch: [{ op: 'remove', path: '/foo/1' }],
    want: { foo: ['bar', 'baz'] },
  },
  {
    name: 'A.5 replacing a value',
    doc: { baz: 'qux', foo: 'bar' },
    patch: [{ op: 'replace', path: '/baz', value: 'boo' }],
    want: { baz: 'boo', foo: 'bar' },
  },
  {
    name: 'A.6 moving a value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    patch: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    want: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  {
    name: 'A.7 moving an array element',
    doc: { foo: ['all', 'grass', 'cows', 'eat'] },
    patch: [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    want: { foo: ['all', 'cows', 'eat', 'grass'] },
  },
  {
    name: 'A.8 testing a value: success',
    doc: { baz: 'qux', foo: ['a', 2, 'c'] },
    patch: [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    want: { baz: 'qux', foo: ['a', 2, 'c'] },
  },
  {
    name: 'A.10 adding a nested member object',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/child', value: { grandchild: {} } }],
    want: { foo: 'bar', child: { grandchild: {} } },
  },
  {
    name: 'A.11 ignoring unrecognized elements',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
    want: { foo: 'bar', baz: 'qux' },
  },
  {
    name: 'A.14 ~ escape ordering',
    doc: { '/': 9, '~1': 10 },
    patch: [{ op: 'test', path: '/~01', value: 10 }],
    want: { '/': 9, '~1': 10 },
  },
  {
    name: 'A.16 adding an array value',
    doc: { foo: ['bar'] },
    patch: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
    want: { foo: ['bar', ['abc', 'def']] },
  },
  {
    name: 'copy, then replace the copy',
    doc: { metadata: { labels: { app: 'web' } }, spec: {} },
    patch: [
      { op: 'copy', from: '/metadata/labels', path: '/spec/selector' },
      { op: 'replace', path: '/spec/selector/app', value: 'api' },
    ],
    want: { metadata: { labels: { app: 'web' } }, spec: { selector: { app: 'api' } } },
  },
]

// Each failure names the operation (by index) and its path, and says why.
const failures: { name: string; doc: JsonObject; patch: unknown; code: number; message: string }[] = [
  {
    name: 'A.9 testing a value: error',
    doc: { baz: 'qux' },
    patch: [{ op: 'test', path: '/baz', value: 'bar' }],
    code: 422,
    message: 'json patch operations[0] (test "/baz"): test failed: the value is "qux", expected "bar"',
  },
  {
    name: 'a failing test after a successful operation',
    doc: { metadata: { labels: { app: 'web' } } },
    patch: [
      { op: 'add', path: '/metadata/labels/tier', value: 'frontend' },
      { op: 'test', path: '/metadata/labels/app', value: 'api' },
    ],
    code: 422,
    message: 'json patch operations[1] (test "/metadata/labels/app"): test failed: the value is "web", expected "api"',
  },
  {
    name: 'A.15 comparing strings and numbers',
    doc: { '/': 9, '~1': 10 },
    patch: [{ op: 'test', path: '/~01', value: '10' }],
    code: 422,
    message: 'json patch operations[0] (test "/~01"): test failed: the value is 10, expected "10"',
  },
  {
    name: 'A.12 adding to a nonexistent target',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz/bat', value: 'qux' }],
    code: 422,
    message: 'json patch operations[0] (add "/baz/bat"): cannot add here: the parent of the path does not exist',
  },
  {
    name: 'removing a missing member',
    doc: { foo: 'bar' },
    patch: [{ op: 'remove', path: '/metadata/labels' }],
    code: 422,
    message: 'json patch operations[0] (remove "/metadata/labels"): the path does not exist',
  },
  {
    name: 'replacing a missing member',
    doc: { spec: {} },
    patch: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    code: 422,
    message: 'json patch operations[0] (replace "/spec/replicas"): the path does not exist',
  },
  {
    name: 'moving from a missing member',
    doc: { spec: {} },
    patch: [{ op: 'move', from: '/spec/old', path: '/spec/new' }],
    code: 422,
    message: 'json patch operations[0] (move "/spec/new"): "from" "/spec/old" does not exist',
  },
  {
    name: 'an index past the end',
    doc: { list: [1] },
    patch: [{ op: 'add', path: '/list/5', value: 2 }],
    code: 422,
    message: 'json patch operations[0] (add "/list/5"): the array index is past the end of the array',
  },
  {
    name: 'replacing the whole object with a non-object',
    doc: { foo: 'bar' },
    patch: [{ op: 'replace', path: '', value: ['foo'] }],
    code: 422,
    message: 'json patch replaced the object with an array; the result must be a JSON object',
  },
  {
    name: 'a patch that is not a list',
    doc: {},
    patch: { op: 'add', path: '/a', value: 1 },
    code: 400,
    message: 'json patch must be an array of operations, not an object',
  },
  {
    name: 'an operation that is not an object',
    doc: {},
    patch: ['add'],
    code: 400,
    message: 'json patch operations[0]: must be an object, not a string',
  },
  {
    name: 'an unknown op (fast-json-patch private ops too)',
    doc: { a: 1 },
    patch: [{ op: '_get', path: '/a' }],
    code: 400,
    message: 'json patch operations[0]: "op" must be one of add, remove, replace, move, copy, test; got "_get"',
  },
  {
    name: 'a path that is not a JSON pointer',
    doc: {},
    patch: [{ op: 'add', path: 'spec', value: 1 }],
    code: 400,
    message: 'json patch operations[0]: "path" "spec" is not a JSON pointer (it must be empty or start with "/")',
  },
  {
    name: 'move without from',
    doc: {},
    patch: [{ op: 'move', path: '/a' }],
    code: 400,
    message: 'json patch operations[0]: move needs a "from" string',
  },
  {
    name: 'add without value',
    doc: {},
    patch: [{ op: 'test', path: '/a' }],
    code: 400,
    message: 'json patch operations[0]: test needs a "value"',
  },
  {
    name: 'a prototype path',
    doc: {},
    patch: [{ op: 'add', path: '/__proto__/polluted', value: true }],
    code: 422,
    message: 'json patch: paths through "__proto__" or "constructor/prototype" are not allowed',
  },
]

describe('applyJsonPatch', () => {
  it.each(rfcExamples)('$name', ({ doc, patch, want }) => {
    expect(applyJsonPatch(deepFreeze(doc), deepFreeze(patch))).toEqual(want)
  })

  it.each(failures)('refuses $name', ({ doc, patch, code, message }) => {
    const attempt = () => applyJsonPatch(deepFreeze(doc), deepFreeze(patch))
    expect(attempt).toThrow(expect.objectContaining({ code, message }))
  })

  it('names the failing path as the error field', () => {
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(
      expect.objectContaining({ reason: 'Invalid', field: '/a' }),
    )
  })

  it('refuses more operations than kube-apiserver allows with 413', () => {
    const patch = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/a', value: 1 }))
    expect(() => applyJsonPatch({ a: 1 }, patch)).toThrow(expect.objectContaining({ code: 413, reason: 'RequestEntityTooLarge' }))
  })

  it('shares nothing with the patch or the original', () => {
    const value = { grandchild: { x: 1 } }
    const original = { keep: { y: 2 } }
    const result = applyJsonPatch(original, [{ op: 'add', path: '/child', value }])
    expect(result.child).not.toBe(value)
    expect(result.keep).not.toBe(original.keep)
  })
})
