import { describe, expect, it } from 'vitest'
import { fieldPathSegments, lineOfField, parseManifests, refForObject } from './yaml-apply.ts'

const TWO = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  ports:
    - port: 80
`

describe('parseManifests', () => {
  it('parses every document with its first line', () => {
    const { docs } = parseManifests(TWO)
    expect(docs.map((d) => [d.index, d.line, d.object?.kind, d.problems])).toEqual([
      [1, 1, 'Deployment', []],
      [2, 13, 'Service', []],
    ])
  })

  it.each([
    ['a syntax error, with its line', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a\n', 3, /./],
    ['a list instead of an object', '- a\n- b\n', 1, /mapping/],
    ['no kind', 'apiVersion: v1\nmetadata:\n  name: a\n', 1, /^kind: Required value/],
    ['no name', 'apiVersion: v1\nkind: Pod\nmetadata: {}\n', 1, /^metadata\.name: Required value/],
  ])('reports %s', (_name, text, line, message) => {
    const [doc] = parseManifests(text).docs
    expect(doc?.object).toBeNull()
    expect(doc?.problems[0]?.line).toBeGreaterThanOrEqual(line)
    expect(doc?.problems[0]?.message).toMatch(message)
  })

  it('skips an empty trailing document', () => {
    expect(parseManifests('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n').docs).toHaveLength(1)
  })
})

describe('refForObject', () => {
  it.each([
    [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }, { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default', name: 'web' }],
    [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } }, { group: '', version: 'v1', resource: 'services', namespace: 'shop', name: 'web' }],
    [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, { group: '', version: 'v1', resource: 'namespaces', name: 'shop' }],
  ])('%j', (obj, ref) => expect(refForObject(obj)?.object).toEqual(ref))

  it('knows no kind it cannot write', () => {
    expect(refForObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' } })).toBeNull()
  })
})

describe('fields to lines', () => {
  it.each([
    ['spec.template.spec.containers[0].image', ['spec', 'template', 'spec', 'containers', 0, 'image']],
    ['metadata.labels[app.kubernetes.io/name]', ['metadata', 'labels', 'app.kubernetes.io/name']],
    ['spec.replicas', ['spec', 'replicas']],
  ])('%s', (path, segments) => expect(fieldPathSegments(path)).toEqual(segments))

  const parsed = parseManifests(TWO)
  const [deployment, service] = parsed.docs
  it.each([
    ['spec.replicas', 1, 6],
    ['spec.template.spec.containers[0].image', 1, 11],
    ['spec.template.spec.containers[0].resources.limits', 1, 10],
    ['spec.strategy', 1, 5],
    [undefined, 1, 1],
    ['spec.ports[0].port', 2, 20],
    ['spec.ports[0].targetPort', 2, 20],
    ['metadata.namespace', 2, 17],
  ])('%s of document %d is on line %d', (path, index, line) => {
    const doc = index === 1 ? deployment : service
    if (!doc) throw new Error('missing document')
    expect(lineOfField(parsed, doc, path)).toBe(line)
  })
})
