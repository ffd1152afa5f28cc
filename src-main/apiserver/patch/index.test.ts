import { describe, expect, it } from 'vitest'
import { applyPatch, decodePatchBody, parsePatchType, patchMetaFor, SUPPORTED_PATCH_TYPES, type PatchType } from './index.ts'
import { deepFreeze } from './testing.ts'

const accepted =
  'accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json'

describe('parsePatchType', () => {
  it.each([
    { header: 'application/json-patch+json', want: 'application/json-patch+json' },
    { header: 'application/merge-patch+json; charset=utf-8', want: 'application/merge-patch+json' },
    { header: ' Application/Strategic-Merge-Patch+JSON ', want: 'application/strategic-merge-patch+json' },
  ])('$header', ({ header, want }) => {
    expect(parsePatchType(header)).toBe(want)
  })

  it.each([
    {
      header: 'application/apply-patch+yaml',
      message: `server-side apply (application/apply-patch+yaml) is not supported yet; use client-side apply (kubectl apply without --server-side) or another patch type - ${accepted}`,
    },
    { header: 'application/json', message: `the body of the request was in an unknown format (application/json) - ${accepted}` },
    { header: undefined, message: `the body of the request was in an unknown format (no Content-Type) - ${accepted}` },
  ])('refuses $header with 415', ({ header, message }) => {
    expect(() => parsePatchType(header)).toThrow(expect.objectContaining({ code: 415, reason: 'UnsupportedMediaType', message }))
  })
})

describe('decodePatchBody', () => {
  it('parses text and bytes', () => {
    expect(decodePatchBody('{"a":1}')).toEqual({ a: 1 })
    expect(decodePatchBody(new TextEncoder().encode('[{"op":"remove","path":"/a"}]'))).toEqual([{ op: 'remove', path: '/a' }])
  })

  it('refuses a body that is not JSON with 400', () => {
    expect(() => decodePatchBody('{spec:')).toThrow(expect.objectContaining({ code: 400, reason: 'BadRequest' }))
  })
})

describe('applyPatch', () => {
  const pod = deepFreeze({
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'sidecar', image: 'busybox' }] },
  })
  const image = (result: object) => (result as typeof pod).spec.containers.map((c) => c.image)

  it.each([
    { type: 'application/json-patch+json', patch: [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.27' }], want: ['nginx:1.27', 'busybox'] },
    { type: 'application/merge-patch+json', patch: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } }, want: ['nginx:1.27'] },
    { type: 'application/strategic-merge-patch+json', patch: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } }, want: ['nginx:1.27', 'busybox'] },
  ] as { type: PatchType; patch: unknown; want: string[] }[])('applies $type', ({ type, patch, want }) => {
    expect(image(applyPatch(type, pod, deepFreeze(patch), patchMetaFor('Pod')))).toEqual(want)
  })

  it('lists the supported types in the order kube-apiserver does', () => {
    expect(SUPPORTED_PATCH_TYPES).toEqual(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'])
  })

  it('refuses a type it does not know with 415, even past the type checker', () => {
    const attempt = () => applyPatch('application/apply-patch+yaml' as PatchType, pod, {}, patchMetaFor('Pod'))
    expect(attempt).toThrow(expect.objectContaining({ code: 415, message: expect.stringContaining('server-side apply') }))
  })
})
