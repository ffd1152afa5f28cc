import { describe, expect, it } from 'vitest'
import type { Secret } from '../../../src-main/api/types/core.ts'
import { dataKeys, decodeSecretData, redactSecret, secretColumns } from './config.ts'

const secret: Secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: 'db',
    namespace: 'default',
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}', team: 'a' },
  },
  type: 'Opaque',
  data: { password: btoa('hunter2'), blob: btoa(String.fromCharCode(0xff, 0xfe)) },
}

describe('secrets', () => {
  it('lists key names, never values', () => {
    const ctx = { now: 0, podsByNode: new Map() }
    const cells = secretColumns.map((c) => c.text(secret, ctx)).join(' ')
    expect(cells).toContain('blob, password')
    expect(cells).not.toContain(btoa('hunter2'))
    expect(cells).not.toContain('hunter2')
  })

  it('redacts values and the last-applied annotation that repeats them', () => {
    const out = redactSecret(secret)
    expect(JSON.stringify(out)).not.toContain(btoa('hunter2'))
    expect(out.metadata.annotations).toEqual({ team: 'a' })
    expect(Object.keys(out.data ?? {})).toEqual(['password', 'blob'])
    // The original is left as it was.
    expect(secret.data?.password).toBe(btoa('hunter2'))
  })

  it('decodes text values and leaves binary ones in base64', () => {
    expect(decodeSecretData(secret)).toEqual({ password: 'hunter2', blob: btoa(String.fromCharCode(0xff, 0xfe)) })
  })

  it('counts binaryData keys too', () => {
    expect(dataKeys({ data: { b: '' }, binaryData: { a: '' } })).toEqual(['a', 'b'])
  })
})
