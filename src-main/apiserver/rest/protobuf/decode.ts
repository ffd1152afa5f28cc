// Reads `application/vnd.kubernetes.protobuf` request bodies into the JSON objects the core
// takes. kubectl ≥ 1.31 sends built-in kinds this way from its typed clients (`kubectl create
// namespace`, `create configmap`, `run`, evictions from `drain`) and has no JSON fallback, so a
// server that only speaks JSON cannot serve those commands. We never answer in protobuf: every
// client that sends it also accepts JSON.
//
// The wire format: the magic "k8s\0", then a runtime.Unknown {typeMeta, raw, contentEncoding,
// contentType} whose `raw` is the object's message. Field numbers come from schema.generated.ts.
// Go's encoder writes non-pointer fields even when empty, so empty strings, zeros and false are
// left out of the JSON, as Go's `omitempty` would (an explicit 0 in a pointer field such as
// `replicas: 0` cannot be told apart and is dropped too, leaving the default).

import { KINDS, MESSAGES, type FieldSpec } from './schema.generated.ts'

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf'

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00])
const MAX_DEPTH = 64

/** Why a protobuf body could not be read: 400 for a malformed one, 415 for a kind we do not decode. */
export class ProtobufError extends Error {
  readonly unsupported: boolean
  constructor(message: string, unsupported = false) {
    super(message)
    this.name = 'ProtobufError'
    this.unsupported = unsupported
  }
}

class Reader {
  private pos = 0
  private readonly buf: Buffer
  constructor(buf: Buffer) {
    this.buf = buf
  }

  get done(): boolean {
    return this.pos >= this.buf.length
  }

  varint(): bigint {
    let result = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw new ProtobufError('truncated varint')
      const byte = this.buf[this.pos++] ?? 0
      result |= BigInt(byte & 0x7f) << shift
      if (!(byte & 0x80)) return result
    }
    throw new ProtobufError('varint too long')
  }

  bytes(): Buffer {
    const n = Number(this.varint())
    if (this.pos + n > this.buf.length) throw new ProtobufError('truncated length-delimited field')
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  fixed(size: 4 | 8): Buffer {
    if (this.pos + size > this.buf.length) throw new ProtobufError('truncated fixed-width field')
    const out = this.buf.subarray(this.pos, this.pos + size)
    this.pos += size
    return out
  }

  /** Skips a field of an unknown number (only in messages we read loosely, like Unknown). */
  skip(wireType: number): void {
    if (wireType === 0) this.varint()
    else if (wireType === 1) this.fixed(8)
    else if (wireType === 2) this.bytes()
    else if (wireType === 5) this.fixed(4)
    else throw new ProtobufError(`unsupported wire type ${wireType}`)
  }
}

type Json = Record<string, unknown>

const VARINT_TYPES = new Set(['bool', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64'])

function scalar(type: string, wireType: number, r: Reader): unknown {
  switch (type) {
    case 'string':
      return r.bytes().toString('utf8')
    case 'bytes':
      return r.bytes().toString('base64')
    case 'bool':
      return r.varint() !== 0n
    case 'int32':
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()))
    case 'uint32':
    case 'uint64':
      return Number(r.varint())
    case 'sint32':
    case 'sint64': {
      const v = r.varint()
      return Number((v >> 1n) ^ -(v & 1n))
    }
    case 'double':
      return r.fixed(8).readDoubleLE(0)
    case 'float':
      return r.fixed(4).readFloatLE(0)
    default:
      throw new ProtobufError(`field type ${type} with wire type ${wireType} is not understood`)
  }
}

/** Go's time.Duration String(): "1h2m3.5s", "150ms", "0s". */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s'
  const sign = ns < 0 ? '-' : ''
  let n = Math.abs(ns)
  if (n < 1e3) return `${sign}${n}ns`
  if (n < 1e6) return `${sign}${n / 1e3}µs`
  if (n < 1e9) return `${sign}${n / 1e6}ms`
  const h = Math.floor(n / 3.6e12)
  n -= h * 3.6e12
  const m = Math.floor(n / 6e10)
  n -= m * 6e10
  const s = `${Number((n / 1e9).toFixed(9))}s`
  return sign + (h ? `${h}h${m}m${s}` : m ? `${m}m${s}` : s)
}

function rfc3339(seconds: number, nanos: number, micro: boolean): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19)
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`
}

/** Messages Kubernetes encodes as JSON scalars or raw JSON. */
function special(type: string, bytes: Buffer): { value: unknown } | null {
  const fields = (): Map<number, unknown> => {
    const out = new Map<number, unknown>()
    const r = new Reader(bytes)
    while (!r.done) {
      const tag = r.varint()
      const number = Number(tag >> 3n)
      const wireType = Number(tag & 7n)
      out.set(number, wireType === 2 ? r.bytes() : wireType === 0 ? r.varint() : (r.skip(wireType), undefined))
    }
    return out
  }
  const num = (v: unknown): number => (typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : 0)
  const str = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('utf8') : '')
  switch (type) {
    case 'meta/v1.Time':
    case 'meta/v1.MicroTime': {
      const f = fields()
      const seconds = num(f.get(1))
      const nanos = num(f.get(2))
      // The zero time is `null` in JSON: absent.
      return { value: seconds === 0 && nanos === 0 ? undefined : rfc3339(seconds, nanos, type === 'meta/v1.MicroTime') }
    }
    case 'meta/v1.Duration':
      return { value: formatGoDuration(num(fields().get(1))) }
    case 'resource.Quantity':
      return { value: str(fields().get(1)) }
    case 'intstr.IntOrString': {
      const f = fields()
      return { value: num(f.get(1)) === 1 ? str(f.get(3)) : num(f.get(2)) }
    }
    case 'meta/v1.FieldsV1':
    case 'runtime.RawExtension': {
      const raw = fields().get(1)
      if (!Buffer.isBuffer(raw) || raw.length === 0) return { value: undefined }
      try {
        return { value: JSON.parse(raw.toString('utf8')) as unknown }
      } catch {
        throw new ProtobufError(`${type} holds something other than JSON`)
      }
    }
    default:
      return null
  }
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === '' || value === 0 || value === false
}

function valueOf(type: string, wireType: number, r: Reader, depth: number): unknown {
  if (Object.hasOwn(MESSAGES, type) || type.includes('.')) {
    if (wireType !== 2) throw new ProtobufError(`message field of type ${type} with wire type ${wireType}`)
    const bytes = r.bytes()
    const s = special(type, bytes)
    return s ? s.value : decodeMessage(type, bytes, depth + 1)
  }
  return scalar(type, wireType, r)
}

function decodeMessage(type: string, bytes: Buffer, depth: number): Json {
  if (depth > MAX_DEPTH) throw new ProtobufError('message nested too deeply')
  const spec = MESSAGES[type]
  if (!spec) throw new ProtobufError(`message ${type} is not understood`)
  const out: Json = {}
  const r = new Reader(bytes)
  while (!r.done) {
    const tag = r.varint()
    const number = Number(tag >> 3n)
    const wireType = Number(tag & 7n)
    const field: FieldSpec | undefined = spec[number]
    if (!field) throw new ProtobufError(`field ${number} of ${type} is not understood`)
    const [name, fieldType, kind] = field
    switch (kind) {
      case 'O': {
        const value = valueOf(fieldType, wireType, r, depth)
        if (!isEmpty(value)) out[name] = value
        else Reflect.deleteProperty(out, name) // a later empty occurrence wins, as in Go
        break
      }
      case 'I':
        Object.assign(out, valueOf(fieldType, wireType, r, depth))
        break
      case 'R': {
        const list = (out[name] ??= []) as unknown[]
        if (wireType === 2 && VARINT_TYPES.has(fieldType)) {
          const packed = new Reader(r.bytes())
          while (!packed.done) list.push(scalar(fieldType, 0, packed))
        } else {
          list.push(valueOf(fieldType, wireType, r, depth))
        }
        break
      }
      case 'M': {
        const [keyType = 'string', valueType = 'string'] = fieldType.split('>')
        const entry = new Reader(r.bytes())
        let key: unknown = ''
        let value: unknown = valueType === 'string' || valueType === 'bytes' ? '' : undefined
        while (!entry.done) {
          const t = entry.varint()
          const n = Number(t >> 3n)
          const w = Number(t & 7n)
          if (n === 1) key = scalar(keyType, w, entry)
          else if (n === 2) value = valueOf(valueType, w, entry, depth)
          else entry.skip(w)
        }
        const map = (out[name] ??= {}) as Json
        map[String(key)] = value ?? {}
        break
      }
    }
  }
  return out
}

/** runtime.Unknown: the envelope every protobuf body comes in. */
function readEnvelope(bytes: Buffer): { apiVersion: string; kind: string; raw: Buffer; contentEncoding: string } {
  const env: { apiVersion: string; kind: string; raw: Buffer; contentEncoding: string } = { apiVersion: '', kind: '', raw: Buffer.alloc(0), contentEncoding: '' }
  const r = new Reader(bytes)
  while (!r.done) {
    const tag = r.varint()
    const number = Number(tag >> 3n)
    const wireType = Number(tag & 7n)
    if (wireType !== 2) {
      r.skip(wireType)
      continue
    }
    const value = r.bytes()
    if (number === 1) {
      const tm = new Reader(value)
      while (!tm.done) {
        const t = tm.varint()
        const n = Number(t >> 3n)
        const v = tm.bytes().toString('utf8')
        if (n === 1) env.apiVersion = v
        else if (n === 2) env.kind = v
      }
    } else if (number === 2) env.raw = value
    else if (number === 3) env.contentEncoding = value.toString('utf8')
  }
  return env
}

/** The object a protobuf body holds, as JSON with apiVersion and kind; throws a ProtobufError. */
export function decodeKubernetesProtobuf(body: Buffer): Json {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufError('the body does not start with the Kubernetes protobuf prefix "k8s\\0"')
  }
  const env = readEnvelope(body.subarray(MAGIC.length))
  if (env.contentEncoding) throw new ProtobufError(`protobuf bodies with content encoding ${JSON.stringify(env.contentEncoding)} are not supported`, true)
  const type = KINDS[`${env.apiVersion} ${env.kind}`]
  if (!type) {
    throw new ProtobufError(`protobuf bodies of ${env.kind || 'unnamed kinds'} (${env.apiVersion || 'no apiVersion'}) are not supported; send application/json`, true)
  }
  const obj = decodeMessage(type, env.raw, 0)
  return { apiVersion: env.apiVersion, kind: env.kind, ...obj }
}
