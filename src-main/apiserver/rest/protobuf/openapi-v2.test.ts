import { describe, expect, it } from 'vitest'
import { openApiV2 } from '../../../api/openapi.ts'
import { kubernetesApiVersion } from '../version.ts'
import { encodeOpenApiV2 } from './openapi-v2.ts'

/** Reads one level of protobuf: field number → raw values (Buffers for length-delimited). */
function fields(buf: Buffer): Map<number, (Buffer | number)[]> {
  const out = new Map<number, (Buffer | number)[]>()
  let pos = 0
  const varint = (): number => {
    let result = 0
    let mul = 1
    for (;;) {
      const b = buf[pos++] ?? 0
      result += (b & 0x7f) * mul
      if (!(b & 0x80)) return result
      mul *= 128
    }
  }
  while (pos < buf.length) {
    const tag = varint()
    const number = Math.floor(tag / 8)
    const wire = tag % 8
    let value: Buffer | number
    if (wire === 0) value = varint()
    else if (wire === 2) {
      const n = varint()
      value = buf.subarray(pos, pos + n)
      pos += n
    } else if (wire === 1) {
      value = buf.readDoubleLE(pos)
      pos += 8
    } else throw new Error(`wire type ${wire}`)
    out.set(number, [...(out.get(number) ?? []), value])
  }
  return out
}

const str = (v: Buffer | number | undefined): string => (Buffer.isBuffer(v) ? v.toString('utf8') : '')

describe('encodeOpenApiV2', () => {
  const doc = openApiV2({ version: kubernetesApiVersion() })
  const encoded = encodeOpenApiV2(doc)

  it('writes the document header and every definition and path', () => {
    const top = fields(encoded)
    expect(str(top.get(1)?.[0])).toBe('2.0')
    const info = fields(top.get(2)?.[0] as Buffer)
    expect(str(info.get(2)?.[0])).toBe(kubernetesApiVersion())
    const definitions = fields(top.get(9)?.[0] as Buffer).get(1) ?? []
    expect(definitions).toHaveLength(Object.keys(doc.definitions as object).length)
    const paths = fields(top.get(8)?.[0] as Buffer).get(2) ?? []
    expect(paths).toHaveLength(Object.keys(doc.paths as object).length)
  })

  it('carries the Deployment schema with its group-version-kind and patch merge keys, as kubectl looks them up', () => {
    const top = fields(encoded)
    const named = (fields(top.get(9)?.[0] as Buffer).get(1) ?? []).map((b) => fields(b as Buffer))
    const deployment = named.find((n) => str(n.get(1)?.[0]) === 'io.k8s.api.apps.v1.Deployment')
    expect(deployment).toBeDefined()
    const schema = fields(deployment?.get(2)?.[0] as Buffer)
    const extensions = (schema.get(31) ?? []).map((b) => fields(b as Buffer))
    const gvk = extensions.find((e) => str(e.get(1)?.[0]) === 'x-kubernetes-group-version-kind')
    const yaml = str(fields(gvk?.get(2)?.[0] as Buffer).get(2)?.[0])
    expect(JSON.parse(yaml)).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }])
    expect(encoded.includes(Buffer.from('x-kubernetes-patch-merge-key'))).toBe(true)
  })

  it('refuses Swagger features it does not encode, rather than dropping them', () => {
    expect(() => encodeOpenApiV2({ swagger: '2.0', basePath: '/' })).toThrow(/basePath/)
    expect(() => encodeOpenApiV2({ definitions: { X: { discriminator: 'kind' } } })).toThrow(/discriminator/)
  })
})
