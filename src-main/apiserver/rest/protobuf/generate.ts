// Generates schema.generated.ts: the protobuf field numbers of the Kubernetes kinds the REST door
// accepts as `application/vnd.kubernetes.protobuf` bodies, read from the upstream
// `generated.proto` files (and `types.go`, for the embedded structs JSON inlines).
//
//   node src-main/apiserver/rest/protobuf/generate.ts --api ~/src/k8s.io/api --apimachinery ~/src/k8s.io/apimachinery \
//     --ref 'k8s.io/api@<commit>, k8s.io/apimachinery@<commit>'
//
// Field numbers never change once released, so a newer checkout only adds fields.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

/** Proto package → the short prefix the table uses. */
const PACKAGES: Record<string, { short: string; dir: 'api' | 'apimachinery'; path: string }> = {
  'k8s.io.api.core.v1': { short: 'core/v1', dir: 'api', path: 'core/v1' },
  'k8s.io.api.apps.v1': { short: 'apps/v1', dir: 'api', path: 'apps/v1' },
  'k8s.io.api.discovery.v1': { short: 'discovery/v1', dir: 'api', path: 'discovery/v1' },
  'k8s.io.api.policy.v1': { short: 'policy/v1', dir: 'api', path: 'policy/v1' },
  'k8s.io.api.autoscaling.v1': { short: 'autoscaling/v1', dir: 'api', path: 'autoscaling/v1' },
  'k8s.io.apimachinery.pkg.apis.meta.v1': { short: 'meta/v1', dir: 'apimachinery', path: 'pkg/apis/meta/v1' },
  'k8s.io.apimachinery.pkg.runtime': { short: 'runtime', dir: 'apimachinery', path: 'pkg/runtime' },
  'k8s.io.apimachinery.pkg.util.intstr': { short: 'intstr', dir: 'apimachinery', path: 'pkg/util/intstr' },
  'k8s.io.apimachinery.pkg.api.resource': { short: 'resource', dir: 'apimachinery', path: 'pkg/api/resource' },
}

/** The kinds a body may be, by `apiVersion kind` as runtime.Unknown's TypeMeta names them. */
const ROOTS: Record<string, string> = {
  'v1 Pod': 'core/v1.Pod',
  'v1 Service': 'core/v1.Service',
  'v1 Namespace': 'core/v1.Namespace',
  'v1 Node': 'core/v1.Node',
  'v1 Endpoints': 'core/v1.Endpoints',
  'v1 Event': 'core/v1.Event',
  'v1 ConfigMap': 'core/v1.ConfigMap',
  'v1 Secret': 'core/v1.Secret',
  'v1 Binding': 'core/v1.Binding',
  'apps/v1 Deployment': 'apps/v1.Deployment',
  'apps/v1 ReplicaSet': 'apps/v1.ReplicaSet',
  'apps/v1 DaemonSet': 'apps/v1.DaemonSet',
  'discovery.k8s.io/v1 EndpointSlice': 'discovery/v1.EndpointSlice',
  'policy/v1 Eviction': 'policy/v1.Eviction',
  'autoscaling/v1 Scale': 'autoscaling/v1.Scale',
  'v1 DeleteOptions': 'meta/v1.DeleteOptions',
  'meta.k8s.io/v1 DeleteOptions': 'meta/v1.DeleteOptions',
}

/** Messages the decoder turns into JSON scalars itself (Time → RFC 3339, Quantity → string, …). */
const SPECIAL = new Set(['meta/v1.Time', 'meta/v1.MicroTime', 'meta/v1.Duration', 'meta/v1.FieldsV1', 'resource.Quantity', 'intstr.IntOrString', 'runtime.RawExtension'])

const SCALARS = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'double', 'float', 'fixed32', 'fixed64'])

interface ProtoField {
  name: string
  number: number
  type: string
  label: 'optional' | 'repeated' | 'map'
  mapValue?: string
}

function parseProto(text: string, pkgShort: string, messages: Map<string, ProtoField[]>): void {
  let current: ProtoField[] | null = null
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim()
    const open = /^message (\w+) \{$/.exec(line)
    if (open) {
      current = []
      messages.set(`${pkgShort}.${open[1]}`, current)
      continue
    }
    if (line === '}') {
      current = null
      continue
    }
    if (!current) continue
    const map = /^map<(\w+), ([.\w]+)> (\w+) = (\d+);$/.exec(line)
    if (map) {
      current.push({ name: map[3] ?? '', number: Number(map[4]), type: map[1] ?? '', label: 'map', mapValue: resolve(map[2] ?? '', pkgShort) })
      continue
    }
    const field = /^(optional|repeated|required) ([.\w]+) (\w+) = (\d+);$/.exec(line)
    if (field) {
      current.push({ name: field[3] ?? '', number: Number(field[4]), type: resolve(field[2] ?? '', pkgShort), label: field[1] === 'repeated' ? 'repeated' : 'optional' })
    }
  }
}

function resolve(type: string, pkgShort: string): string {
  if (SCALARS.has(type)) return type
  if (type.startsWith('.')) {
    const dot = type.lastIndexOf('.')
    const pkg = PACKAGES[type.slice(1, dot)]
    if (!pkg) throw new Error(`unknown package in ${type}`)
    return `${pkg.short}.${type.slice(dot + 1)}`
  }
  return `${pkgShort}.${type}`
}

/** (struct name, protobuf field number) of embedded structs whose JSON is inlined (`json:""`). */
function inlineFields(typesGo: string, pkgShort: string): Set<string> {
  const inline = new Set<string>()
  let struct = ''
  for (const line of typesGo.split('\n')) {
    const open = /^type (\w+) struct \{/.exec(line)
    if (open) struct = open[1] ?? ''
    const tag = /^\s+[\w.]+ `json:"" protobuf:"bytes,(\d+),/.exec(line)
    if (tag && struct) inline.add(`${pkgShort}.${struct}#${tag[1]}`)
  }
  return inline
}

function main(): void {
  const { values } = parseArgs({ options: { api: { type: 'string' }, apimachinery: { type: 'string' }, ref: { type: 'string' }, out: { type: 'string' } } })
  if (!values.api || !values.apimachinery) throw new Error('usage: generate.ts --api DIR --apimachinery DIR [--ref TEXT] [--out FILE]')
  const roots = { api: values.api, apimachinery: values.apimachinery }
  const messages = new Map<string, ProtoField[]>()
  const inline = new Set<string>()
  for (const pkg of Object.values(PACKAGES)) {
    const dir = join(roots[pkg.dir], pkg.path)
    parseProto(readFileSync(join(dir, 'generated.proto'), 'utf8'), pkg.short, messages)
    try {
      for (const i of inlineFields(readFileSync(join(dir, 'types.go'), 'utf8'), pkg.short)) inline.add(i)
    } catch {
      // Packages without types.go (resource, intstr) embed nothing.
    }
  }

  // Everything reachable from the roots.
  const needed = new Set<string>()
  const visit = (name: string): void => {
    if (needed.has(name) || SCALARS.has(name)) return
    needed.add(name)
    if (SPECIAL.has(name)) return
    const fields = messages.get(name)
    if (!fields) throw new Error(`message ${name} not found`)
    for (const f of fields) {
      visit(f.type)
      if (f.mapValue) visit(f.mapValue)
    }
  }
  for (const root of Object.values(ROOTS)) visit(root)

  const lines: string[] = []
  for (const name of [...needed].sort()) {
    if (SPECIAL.has(name)) continue
    const fields = (messages.get(name) ?? []).map((f) => {
      const kind = f.label === 'map' ? 'M' : f.label === 'repeated' ? 'R' : inline.has(`${name}#${f.number}`) ? 'I' : 'O'
      const type = f.label === 'map' ? `${f.type}>${f.mapValue}` : f.type
      return `${f.number}: ['${f.name}', '${type}', '${kind}']`
    })
    lines.push(`  '${name}': { ${fields.join(', ')} },`)
  }
  const source = values.ref ? ` (${values.ref})` : ''
  const out = `// Generated by generate.ts from k8s.io/api and k8s.io/apimachinery generated.proto${source}; do not edit.
// Message → field number → [JSON name, type, kind]: O optional, R repeated, M map (type is
// "key>value"), I an embedded struct whose fields JSON inlines into the parent.

export type FieldKind = 'O' | 'R' | 'M' | 'I'
export type FieldSpec = readonly [name: string, type: string, kind: FieldKind]

export const MESSAGES: Readonly<Record<string, Readonly<Record<number, FieldSpec>>>> = {
${lines.join('\n')}
}

/** runtime.Unknown's \`apiVersion kind\` → the message its raw bytes hold. */
export const KINDS: Readonly<Record<string, string>> = {
${Object.entries(ROOTS)
  .map(([k, v]) => `  '${k}': '${v}',`)
  .join('\n')}
}
`
  writeFileSync(values.out ?? join(import.meta.dirname, 'schema.generated.ts'), out)
  process.stdout.write(`wrote ${lines.length} messages\n`)
}

main()
