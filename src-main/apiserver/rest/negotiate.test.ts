import { describe, expect, it } from 'vitest'
import { bodyFormat, negotiateDiscovery, negotiateRendering, parseAccept, parseMediaType } from './negotiate.ts'

const KUBECTL_GET = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'
const read = { read: true, list: true, watch: false }
const readOne = { read: true, list: false, watch: false }
const write = { read: false, list: false, watch: false }

function statusOfThrow(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return (err as { status?: unknown }).status
  }
  throw new Error('expected a throw')
}

describe('parseAccept', () => {
  it('orders by q, keeping the client order for ties', () => {
    const ranges = parseAccept('text/html;q=0.5, application/json, application/yaml;q=0.9, */*;q=0.1')
    expect(ranges.map((r) => `${r.type}/${r.subtype}`)).toEqual(['application/json', 'application/yaml', 'text/html', '*/*'])
  })

  it('keeps media type parameters, lower-cased names', () => {
    expect(parseAccept('application/json;AS=Table;v=v1;g=meta.k8s.io')[0]?.params).toEqual({ as: 'Table', v: 'v1', g: 'meta.k8s.io' })
  })

  it('treats a missing header as */*', () => {
    expect(parseAccept(undefined)).toEqual([{ type: '*', subtype: '*', params: {}, q: 1 }])
  })

  it('drops q=0 and malformed ranges', () => {
    expect(parseAccept('application/json;q=0, garbage, application/yaml')).toHaveLength(1)
  })

  it('parses a Content-Type with quoted parameters', () => {
    expect(parseMediaType('application/json; charset="utf-8"')).toEqual({ type: 'application', subtype: 'json', params: { charset: 'utf-8' } })
  })
})

describe('negotiateRendering', () => {
  it('gives kubectl get a meta.k8s.io/v1 Table', () => {
    expect(negotiateRendering(KUBECTL_GET, read)).toEqual({ as: 'Table', version: 'v1' })
  })

  it('falls back to v1beta1 Tables for old clients', () => {
    expect(negotiateRendering('application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json', read)).toEqual({ as: 'Table', version: 'v1beta1' })
  })

  it('answers protobuf-first clients with JSON', () => {
    expect(negotiateRendering('application/vnd.kubernetes.protobuf,application/json', read)).toEqual({ as: 'object', mediaType: 'application/json' })
    expect(negotiateRendering('application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,' + KUBECTL_GET, read)).toEqual({ as: 'Table', version: 'v1' })
  })

  it('serves YAML when asked, but not for watches', () => {
    expect(negotiateRendering('application/yaml', readOne)).toEqual({ as: 'object', mediaType: 'application/yaml' })
    expect(negotiateRendering('application/yaml, application/json', { read: true, list: false, watch: true })).toEqual({ as: 'object', mediaType: 'application/json' })
  })

  it('matches PartialObjectMetadata to objects and PartialObjectMetadataList to lists', () => {
    const both = 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io,application/json'
    expect(negotiateRendering(both, read)).toEqual({ as: 'PartialObjectMetadataList', version: 'v1' })
    expect(negotiateRendering(both, readOne)).toEqual({ as: 'PartialObjectMetadata', version: 'v1' })
  })

  it('never transforms the answer to a write', () => {
    expect(negotiateRendering(KUBECTL_GET, write)).toEqual({ as: 'object', mediaType: 'application/json' })
  })

  it('answers 406 when nothing acceptable is listed', () => {
    expect(statusOfThrow(() => negotiateRendering('application/vnd.kubernetes.protobuf', read))).toMatchObject({ code: 406, reason: 'NotAcceptable' })
    expect(statusOfThrow(() => negotiateRendering('application/json;as=Table;v=v2;g=meta.k8s.io', read))).toMatchObject({ code: 406 })
  })
})

describe('negotiateDiscovery', () => {
  it('gives kubectl ≥ 1.30 aggregated discovery v2', () => {
    expect(
      negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'),
    ).toBe('aggregated-v2')
  })

  it('gives kubectl 1.26–1.29 aggregated discovery v2beta1', () => {
    expect(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json')).toBe('aggregated-v2beta1')
  })

  it('gives everyone else the classic documents', () => {
    expect(negotiateDiscovery('application/json, */*')).toBe('legacy')
    expect(negotiateDiscovery(undefined)).toBe('legacy')
  })
})

describe('bodyFormat', () => {
  it.each([
    [undefined, 'json'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['application/yaml', 'yaml'],
    ['application/vnd.kubernetes.protobuf', 'protobuf'],
  ])('%s → %s', (contentType, format) => {
    expect(bodyFormat(contentType)).toBe(format)
  })

  it('refuses other types with 415', () => {
    expect(statusOfThrow(() => bodyFormat('text/plain'))).toMatchObject({ code: 415, reason: 'UnsupportedMediaType', message: expect.stringContaining('text/plain') })
  })
})
