import { describe, expect, it } from 'vitest'
import { formatFieldError } from './errors.ts'
import { validateAnnotations, validateLabels, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts'
import { nameIsDNSSubdomain } from './names.ts'

const rules = { namespaced: true, name: nameIsDNSSubdomain }
const fmt = (errs: ReturnType<typeof validateLabels>) => errs.map(formatFieldError)

describe('object metadata', () => {
  it('needs a name (or a generateName the server turned into one)', () => {
    expect(fmt(validateObjectMeta({ namespace: 'default' }, rules))).toEqual(['metadata.name: Required value: name or generateName is required'])
  })

  it('checks owner references and at most one controller', () => {
    const refs = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
      { apiVersion: '', kind: 'X', name: 'c', uid: '' },
    ]
    expect(fmt(validateObjectMeta({ name: 'p', namespace: 'default', ownerReferences: refs }, rules))).toEqual([
      expect.stringContaining('metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1"'),
      'metadata.ownerReferences[2].apiVersion: Required value: must not be empty',
      'metadata.ownerReferences[2].uid: Required value: must not be empty',
    ])
    expect(fmt(validateObjectMeta({ name: 'p', namespace: 'default', ownerReferences: refs }, rules))[0]).toContain(
      'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b',
    )
  })

  it('limits annotations to 256 KiB in total', () => {
    expect(fmt(validateAnnotations({ a: 'x'.repeat(256 * 1024) }, 'metadata.annotations'))).toEqual(['metadata.annotations: Too long: must have at most 262144 bytes'])
    expect(validateAnnotations({ 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, 'metadata.annotations')).toEqual([])
    expect(fmt(validateAnnotations({ 'bad key!': 'x' }, 'metadata.annotations'))[0]).toMatch(/^metadata\.annotations: Invalid value: "bad key!": name part must consist of/)
  })

  it.each([
    [{ app: 'web' }, []],
    [{ 'example.com/tier': 'front-end' }, []],
    [{ '': 'x' }, ['metadata.labels: Invalid value: "": name part must be non-empty', expect.stringContaining('metadata.labels: Invalid value: "": name part must consist of')]],
    [{ app: 'x'.repeat(64) }, [expect.stringContaining('must be no more than 63 bytes')]],
    [{ 'Example.com/tier': 'x' }, [expect.stringContaining('prefix part a lowercase RFC 1123 subdomain')]],
  ])('labels %j', (labels, expected) => {
    expect(fmt(validateLabels(labels, 'metadata.labels'))).toEqual(expected)
  })

  it('validates label selectors', () => {
    expect(fmt(validateLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'In' }, { key: 'x', operator: 'Exists', values: ['a'] }] }, 'spec.selector'))).toEqual([
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    ])
  })

  it('keeps identity fields immutable and forbids new finalizers while deleting', () => {
    const old = { name: 'a', namespace: 'ns', uid: '1', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z', deletionTimestamp: '2026-01-02T00:00:00Z', finalizers: ['x.io/a'] }
    const next = { ...old, uid: '2', finalizers: ['x.io/a', 'x.io/b'] }
    expect(fmt(validateObjectMetaUpdate(next, old))).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"x.io/b"}',
      'metadata.uid: Invalid value: "2": field is immutable',
    ])
  })
})
