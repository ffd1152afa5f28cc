import { describe, expect, it } from 'vitest'
import fixtures from './testdata/kubectl-1.33-create.json' with { type: 'json' }
import { decodeKubernetesProtobuf, formatGoDuration, ProtobufError } from './decode.ts'

const bytes = (hex: string): Buffer => Buffer.from(hex, 'hex')

/** A tiny protobuf writer for hand-made cases. */
function field(number: number, value: Buffer | string | number): Buffer {
  if (typeof value === 'number') return Buffer.from([(number << 3) | 0, value])
  const payload = typeof value === 'string' ? Buffer.from(value) : value
  return Buffer.concat([Buffer.from([(number << 3) | 2, payload.length]), payload])
}
const envelope = (apiVersion: string, kind: string, raw: Buffer): Buffer =>
  Buffer.concat([Buffer.from('k8s\0'), field(1, Buffer.concat([field(1, apiVersion), field(2, kind)])), field(2, raw)])

describe('decodeKubernetesProtobuf', () => {
  it('reads the Namespace kubectl 1.33 sends for `create namespace`', () => {
    expect(decodeKubernetesProtobuf(bytes(fixtures.namespace))).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fixture-ns' }, spec: {}, status: {} })
  })

  it('reads the ConfigMap of `create configmap`, empty values kept in maps', () => {
    expect(decodeKubernetesProtobuf(bytes(fixtures.configmap))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fixture-cm', namespace: 'fixture-ns' },
      data: { empty: '', greeting: 'hello' },
    })
  })

  it('reads the Deployment of `create deployment`, down to container ports', () => {
    const d = decodeKubernetesProtobuf(bytes(fixtures.deployment))
    expect(d).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'fixture-dep', namespace: 'fixture-ns', labels: { app: 'fixture-dep' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'fixture-dep' } },
        template: { metadata: { labels: { app: 'fixture-dep' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} }] } },
        strategy: {},
      },
    })
    // Go writes empty non-pointer fields; they must not turn into "" or 0 in JSON.
    expect(JSON.stringify(d)).not.toMatch(/:""|:0[,}]/)
  })

  it('inlines embedded structs as JSON does (a Volume’s source)', () => {
    const emptyDir = field(2, Buffer.alloc(0)) // VolumeSource.emptyDir = {}
    const volume = Buffer.concat([field(1, 'cache'), field(2, emptyDir)])
    const podSpec = Buffer.concat([field(1, volume)])
    const pod = Buffer.concat([field(1, field(1, 'p')), field(2, podSpec)])
    expect(decodeKubernetesProtobuf(envelope('v1', 'Pod', pod))).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { volumes: [{ name: 'cache', emptyDir: {} }] } })
  })

  it('turns Time, Quantity and IntOrString into their JSON forms', () => {
    const time = Buffer.concat([field(1, 0x01)]) // 1 second after the epoch
    const meta = Buffer.concat([field(1, 'p'), field(8, time)])
    const resources = field(1, Buffer.concat([field(1, 'cpu'), field(2, field(1, '500m'))])) // ResourceRequirements.limits[cpu]
    const port = Buffer.concat([field(1, 1), field(3, 'http')]) // IntOrString{type: String, strVal: http}
    const probe = field(1, field(2, Buffer.concat([field(2, port)]))) // handler.httpGet.port
    const container = Buffer.concat([field(1, 'c'), field(8, resources), field(10, probe)])
    const pod = Buffer.concat([field(1, meta), field(2, field(2, container))])
    expect(decodeKubernetesProtobuf(envelope('v1', 'Pod', pod))).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', creationTimestamp: '1970-01-01T00:00:01Z' },
      spec: { containers: [{ name: 'c', resources: { limits: { cpu: '500m' } }, livenessProbe: { httpGet: { port: 'http' } } }] },
    })
  })

  it('refuses bodies without the prefix, unknown fields and kinds it does not know', () => {
    expect(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}'))).toThrow(ProtobufError)
    expect(() => decodeKubernetesProtobuf(envelope('v1', 'Namespace', field(9, 'x')))).toThrow(/field 9 of core\/v1.Namespace is/)
    const err = (() => {
      try {
        decodeKubernetesProtobuf(envelope('batch/v1', 'Job', Buffer.alloc(0)))
      } catch (e) {
        return e as ProtobufError
      }
      return undefined
    })()
    expect(err?.unsupported).toBe(true)
    expect(err?.message).toMatch(/Job \(batch\/v1\) are not supported; send application\/json/)
  })

  it('refuses truncated input', () => {
    const whole = bytes(fixtures.namespace)
    expect(() => decodeKubernetesProtobuf(whole.subarray(0, whole.length - 3))).toThrow(ProtobufError)
  })
})

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [1500, '1.5µs'],
    [2_000_000, '2ms'],
    [1.5e9, '1.5s'],
    [3_723e9, '1h2m3s'],
    [-60e9, '-1m0s'],
  ])('%s ns → %s', (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text)
  })
})
