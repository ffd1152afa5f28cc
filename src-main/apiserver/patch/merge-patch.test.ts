import { describe, expect, it } from 'vitest'
import type { JsonObject } from './json.ts'
import { applyMergePatch } from './merge-patch.ts'
import { deepFreeze } from './testing.ts'

// RFC 7386, Appendix A, where the target is an object (a Kubernetes object always is).
const rfcExamples: { original: JsonObject; patch: JsonObject; want: JsonObject }[] = [
  { original: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { original: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { original: { a: 'b' }, patch: { a: null }, want: {} },
  { original: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  { original: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
  { original: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
  { original: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
  { original: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  { original: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
  { original: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
]

describe('applyMergePatch', () => {
  it.each(rfcExamples)('RFC 7386 A: $original + $patch', ({ original, patch, want }) => {
    expect(applyMergePatch(deepFreeze(original), deepFreeze(patch))).toEqual(want)
  })

  it('RFC 7386 section 3: the blog post example', () => {
    const original = {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['example', 'sample'],
      content: 'This will be unchanged',
    }
    const patch = { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] }
    expect(applyMergePatch(deepFreeze(original), deepFreeze(patch))).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    })
  })

  it('replaces lists that a strategic merge patch would merge', () => {
    const pod = { spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'sidecar', image: 'busybox' }] } }
    const patch = { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } }
    expect(applyMergePatch(deepFreeze(pod), deepFreeze(patch))).toEqual(patch)
  })

  it.each([
    { patch: ['c'], what: 'an array' },
    { patch: null, what: 'null' },
    { patch: 'bar', what: 'a string' },
  ])('refuses a patch that is $what with 400 (RFC 7386 would replace the whole object)', ({ patch, what }) => {
    expect(() => applyMergePatch({ a: 'b' }, patch)).toThrow(
      expect.objectContaining({ code: 400, message: `merge patch must be a JSON object, not ${what}` }),
    )
  })

  it('shares nothing with the patch or the original', () => {
    const original = { keep: { y: 2 } }
    const patch = { added: { x: [1] } }
    const result = applyMergePatch(original, patch)
    expect(result.keep).not.toBe(original.keep)
    expect(result.added).not.toBe(patch.added)
  })

  it('treats "__proto__" as an ordinary field', () => {
    const result = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}'))
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    expect(Object.keys(result)).toEqual(['__proto__'])
  })
})
