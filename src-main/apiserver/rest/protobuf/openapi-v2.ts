// The swagger 2.0 document as gnostic's `openapi.v2.Document` protobuf — the only form in which
// kubectl ≤ 1.29 (client-go's discovery `OpenAPISchema`) reads /openapi/v2: it asks for
// `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and fails `apply` and `explain`
// on anything else. Field numbers from github.com/google/gnostic-models openapiv2/OpenAPIv2.proto.
// Vendor extensions, enums and defaults travel as `Any{yaml}`; JSON text is valid YAML.
//
// Only the Swagger features our documents use are encoded; anything else throws, so a change to
// the document generator that this encoder does not cover fails loudly in the tests.

/** What clients ask for. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf'
/** What we answer with, as kube-apiserver does: '@' is not allowed in a media type Go's mime parser reads back. */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'

type Json = Record<string, unknown>

// --- Writer --------------------------------------------------------------------------------------

class Writer {
  private readonly parts: Buffer[] = []

  private varint(n: number): void {
    const bytes: number[] = []
    let v = n
    while (v > 0x7f) {
      bytes.push((v % 0x80) | 0x80)
      v = Math.floor(v / 0x80)
    }
    bytes.push(v)
    this.parts.push(Buffer.from(bytes))
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType)
  }

  string(field: number, value: unknown): void {
    if (value === undefined || value === '') return
    if (typeof value !== 'string') throw new Error(`field ${field}: expected a string, got ${JSON.stringify(value)}`)
    this.bytes(field, Buffer.from(value, 'utf8'))
  }

  bytes(field: number, value: Buffer): void {
    this.tag(field, 2)
    this.varint(value.length)
    this.parts.push(value)
  }

  bool(field: number, value: unknown): void {
    if (value === undefined || value === false) return
    if (value !== true) throw new Error(`field ${field}: expected a boolean, got ${JSON.stringify(value)}`)
    this.tag(field, 0)
    this.varint(1)
  }

  int(field: number, value: unknown): void {
    if (value === undefined || value === 0) return
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`field ${field}: expected a count, got ${JSON.stringify(value)}`)
    this.tag(field, 0)
    this.varint(value)
  }

  /** A boolean in a oneof: written even when false, since there presence is the point. */
  oneofBool(field: number, value: boolean): void {
    this.tag(field, 0)
    this.varint(value ? 1 : 0)
  }

  double(field: number, value: unknown): void {
    if (value === undefined || value === 0) return
    if (typeof value !== 'number') throw new Error(`field ${field}: expected a number, got ${JSON.stringify(value)}`)
    this.tag(field, 1)
    const b = Buffer.alloc(8)
    b.writeDoubleLE(value)
    this.parts.push(b)
  }

  strings(field: number, values: unknown): void {
    if (values === undefined) return
    if (!Array.isArray(values)) throw new Error(`field ${field}: expected a list of strings`)
    for (const v of values) this.bytes(field, Buffer.from(String(v), 'utf8'))
  }

  message(field: number, build: (w: Writer) => void): void {
    const inner = new Writer()
    build(inner)
    this.bytes(field, inner.finish())
  }

  finish(): Buffer {
    return Buffer.concat(this.parts)
  }
}

// --- Messages ------------------------------------------------------------------------------------

function asObject(value: unknown, where: string): Json {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: expected an object`)
  return value as Json
}

/** Fails on keys the encoder does not know, so nothing is dropped silently. */
function checkKeys(obj: Json, known: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!key.startsWith('x-') && !known.includes(key)) throw new Error(`${where}: the protobuf OpenAPI encoder does not handle "${key}"`)
  }
}

/** openapi.v2.Any: the value as YAML text (JSON is YAML). */
function any(w: Writer, field: number, value: unknown): void {
  w.message(field, (a) => a.string(2, JSON.stringify(value)))
}

function vendorExtensions(w: Writer, field: number, obj: Json): void {
  for (const [key, value] of Object.entries(obj)) {
    if (!key.startsWith('x-')) continue
    w.message(field, (named) => {
      named.string(1, key)
      any(named, 2, value)
    })
  }
}

const SCHEMA_KEYS = ['$ref', 'format', 'title', 'description', 'default', 'maximum', 'minimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'required', 'enum', 'additionalProperties', 'type', 'items', 'allOf', 'properties', 'readOnly', 'example']

function schema(w: Writer, s: Json, where: string): void {
  checkKeys(s, SCHEMA_KEYS, where)
  w.string(1, s.$ref)
  w.string(2, s.format)
  w.string(3, s.title)
  w.string(4, s.description)
  if (s.default !== undefined) any(w, 5, s.default)
  w.double(7, s.maximum)
  w.double(9, s.minimum)
  w.int(11, s.maxLength)
  w.int(12, s.minLength)
  w.string(13, s.pattern)
  w.int(14, s.maxItems)
  w.int(15, s.minItems)
  w.bool(16, s.uniqueItems)
  w.strings(19, s.required)
  if (s.enum !== undefined) for (const e of s.enum as unknown[]) any(w, 20, e)
  if (s.additionalProperties !== undefined) {
    const ap = s.additionalProperties
    w.message(21, (item) => {
      if (typeof ap === 'boolean') item.oneofBool(2, ap)
      else item.message(1, (inner) => schema(inner, asObject(ap, `${where}.additionalProperties`), `${where}.additionalProperties`))
    })
  }
  if (s.type !== undefined) w.message(22, (t) => t.strings(1, Array.isArray(s.type) ? s.type : [s.type]))
  if (s.items !== undefined) {
    const items = Array.isArray(s.items) ? s.items : [s.items]
    w.message(23, (it) => {
      for (const item of items) it.message(1, (inner) => schema(inner, asObject(item, `${where}.items`), `${where}.items`))
    })
  }
  if (s.allOf !== undefined) for (const part of s.allOf as unknown[]) w.message(24, (inner) => schema(inner, asObject(part, `${where}.allOf`), `${where}.allOf`))
  if (s.properties !== undefined) {
    w.message(25, (props) => {
      for (const [name, value] of Object.entries(asObject(s.properties, `${where}.properties`))) {
        props.message(1, (named) => {
          named.string(1, name)
          named.message(2, (inner) => schema(inner, asObject(value, `${where}.${name}`), `${where}.${name}`))
        })
      }
    })
  }
  w.bool(27, s.readOnly)
  if (s.example !== undefined) any(w, 30, s.example)
  vendorExtensions(w, 31, s)
}

const SIMPLE_PARAM_KEYS = ['name', 'in', 'description', 'required', 'type', 'format', 'uniqueItems', 'enum', 'default', 'allowEmptyValue', 'collectionFormat']

/** Query and form parameters share one numbering; path and header parameters another. */
function simpleParameter(w: Writer, p: Json, where: string): void {
  checkKeys(p, SIMPLE_PARAM_KEYS, where)
  const queryLike = p.in === 'query' || p.in === 'formData'
  w.bool(1, p.required)
  w.string(2, p.in)
  w.string(3, p.description)
  w.string(4, p.name)
  if (queryLike) {
    w.bool(5, p.allowEmptyValue)
    w.string(6, p.type)
    w.string(7, p.format)
    w.string(9, p.collectionFormat)
    if (p.default !== undefined) any(w, 10, p.default)
    w.bool(20, p.uniqueItems)
    if (p.enum !== undefined) for (const e of p.enum as unknown[]) any(w, 21, e)
    vendorExtensions(w, 23, p)
  } else {
    w.string(5, p.type)
    w.string(6, p.format)
    w.string(8, p.collectionFormat)
    if (p.default !== undefined) any(w, 9, p.default)
    w.bool(19, p.uniqueItems)
    if (p.enum !== undefined) for (const e of p.enum as unknown[]) any(w, 20, e)
    vendorExtensions(w, 22, p)
  }
}

const NON_BODY_FIELD: Record<string, number> = { header: 1, formData: 2, query: 3, path: 4 }

function parametersItem(w: Writer, field: number, raw: unknown, where: string): void {
  const p = asObject(raw, where)
  w.message(field, (item) => {
    if (typeof p.$ref === 'string') {
      item.message(2, (ref) => ref.string(1, p.$ref))
      return
    }
    item.message(1, (param) => {
      if (p.in === 'body') {
        checkKeys(p, ['name', 'in', 'description', 'required', 'schema'], where)
        param.message(1, (body) => {
          body.string(1, p.description)
          body.string(2, p.name)
          body.string(3, p.in)
          body.bool(4, p.required)
          if (p.schema !== undefined) body.message(5, (s) => schema(s, asObject(p.schema, `${where}.schema`), `${where}.schema`))
          vendorExtensions(body, 6, p)
        })
        return
      }
      const sub = NON_BODY_FIELD[String(p.in)]
      if (!sub) throw new Error(`${where}: parameter location ${JSON.stringify(p.in)}`)
      param.message(2, (nonBody) => nonBody.message(sub, (s) => simpleParameter(s, p, where)))
    })
  })
}

function operation(w: Writer, op: Json, where: string): void {
  checkKeys(op, ['tags', 'summary', 'description', 'operationId', 'produces', 'consumes', 'parameters', 'responses', 'schemes', 'deprecated'], where)
  w.strings(1, op.tags)
  w.string(2, op.summary)
  w.string(3, op.description)
  w.string(5, op.operationId)
  w.strings(6, op.produces)
  w.strings(7, op.consumes)
  for (const p of (op.parameters as unknown[] | undefined) ?? []) parametersItem(w, 8, p, `${where}.parameters`)
  if (op.responses !== undefined) {
    w.message(9, (responses) => {
      for (const [code, raw] of Object.entries(asObject(op.responses, `${where}.responses`))) {
        if (code.startsWith('x-')) continue
        const r = asObject(raw, `${where}.responses.${code}`)
        checkKeys(r, ['description', 'schema'], `${where}.responses.${code}`)
        responses.message(1, (named) => {
          named.string(1, code)
          named.message(2, (value) =>
            value.message(1, (response) => {
              response.string(1, r.description)
              if (r.schema !== undefined) response.message(2, (item) => item.message(1, (s) => schema(s, asObject(r.schema, 'response schema'), 'response schema')))
              vendorExtensions(response, 5, r)
            }),
          )
        })
      }
      vendorExtensions(responses, 2, asObject(op.responses, where))
    })
  }
  w.strings(10, op.schemes)
  w.bool(11, op.deprecated)
  vendorExtensions(w, 13, op)
}

const METHOD_FIELD: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 }

function pathItem(w: Writer, item: Json, where: string): void {
  for (const [key, value] of Object.entries(item)) {
    if (key === 'parameters') {
      for (const p of value as unknown[]) parametersItem(w, 9, p, `${where}.parameters`)
    } else if (key === '$ref') {
      w.string(1, value)
    } else if (METHOD_FIELD[key]) {
      w.message(METHOD_FIELD[key], (op) => operation(op, asObject(value, `${where}.${key}`), `${where}.${key}`))
    } else if (!key.startsWith('x-')) {
      throw new Error(`${where}: the protobuf OpenAPI encoder does not handle "${key}"`)
    }
  }
  vendorExtensions(w, 10, item)
}

/** Encodes a swagger 2.0 document (as our OpenAPI generator builds it) into gnostic's protobuf. */
export function encodeOpenApiV2(doc: Json): Buffer {
  checkKeys(doc, ['swagger', 'info', 'paths', 'definitions', 'securityDefinitions', 'security'], 'document')
  const w = new Writer()
  w.string(1, doc.swagger)
  if (doc.info !== undefined) {
    const info = asObject(doc.info, 'info')
    w.message(2, (i) => {
      i.string(1, info.title)
      i.string(2, info.version)
      i.string(3, info.description)
      vendorExtensions(i, 7, info)
    })
  }
  if (doc.paths !== undefined) {
    const paths = asObject(doc.paths, 'paths')
    w.message(8, (p) => {
      vendorExtensions(p, 1, paths)
      for (const [path, item] of Object.entries(paths)) {
        if (path.startsWith('x-')) continue
        p.message(2, (named) => {
          named.string(1, path)
          named.message(2, (value) => pathItem(value, asObject(item, path), path))
        })
      }
    })
  }
  if (doc.definitions !== undefined) {
    w.message(9, (defs) => {
      for (const [name, s] of Object.entries(asObject(doc.definitions, 'definitions'))) {
        defs.message(1, (named) => {
          named.string(1, name)
          named.message(2, (inner) => schema(inner, asObject(s, name), name))
        })
      }
    })
  }
  for (const requirement of (doc.security as Json[] | undefined) ?? []) {
    w.message(12, (req) => {
      for (const [name, scopes] of Object.entries(requirement)) {
        req.message(1, (named) => {
          named.string(1, name)
          named.message(2, (arr) => arr.strings(1, scopes))
        })
      }
    })
  }
  if (doc.securityDefinitions !== undefined) {
    w.message(13, (defs) => {
      for (const [name, raw] of Object.entries(asObject(doc.securityDefinitions, 'securityDefinitions'))) {
        const d = asObject(raw, name)
        if (d.type !== 'apiKey') throw new Error(`securityDefinitions.${name}: only apiKey is encoded`)
        defs.message(1, (named) => {
          named.string(1, name)
          named.message(2, (item) =>
            item.message(2, (key) => {
              key.string(1, d.type)
              key.string(2, d.name)
              key.string(3, d.in)
              key.string(4, d.description)
              vendorExtensions(key, 5, d)
            }),
          )
        })
      }
    })
  }
  vendorExtensions(w, 16, doc)
  return w.finish()
}
