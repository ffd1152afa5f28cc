// Checks a renderer's IPC request before anything in the main process acts on it. The renderer
// is trusted code, but it renders data from the cluster and the network, so its requests are
// treated like any client's: exact shapes, no unknown keys, bounded strings and sizes, plain JSON
// bodies. A refusal says which field is wrong and why; the handlers turn it into a 400 Status.
//
// Semantics (does the resource exist, is the object valid) are the API server's business; this
// module only guarantees the values have the types and sizes the contract promises.

import { SUPPORTED_PATCH_TYPES, type PatchType } from '../apiserver/patch/index.ts'
import type { ListOptions, ResourceRef, WatchOptions } from '../apiserver/types.ts'
import type { DeleteOptions } from '../api/types/meta.ts'
import type { PodExecOptions, PodLogOptions } from '../api/types/streams.ts'
import type {
  ApiCreateRequest,
  ApiDeleteCollectionRequest,
  ApiDeleteRequest,
  ApiGetRequest,
  ApiListRequest,
  ApiPatchRequest,
  ApiUnwatchRequest,
  ApiUpdateRequest,
  ApiWatchRequest,
  ApiWriteOptions,
  PodExecInputRequest,
  PodExecRequest,
  PodExecResizeRequest,
  PodLogsRequest,
  PodStreamStopRequest,
} from './contract.ts'

/** A request that does not have the contract's shape; `field` is a path into the request. */
export class IpcArgumentError extends Error {
  override name = 'IpcArgumentError'
  readonly field: string
  readonly detail: string
  constructor(field: string, detail: string) {
    super(field ? `${field}: ${detail}` : detail)
    this.field = field
    this.detail = detail
  }
}

/** kube-apiserver's default limit on a request body. */
export const MAX_BODY_CHARS = 3 * 1024 * 1024
/** Deeper than any Kubernetes object; stops a hostile structure from exhausting the stack. */
export const MAX_JSON_DEPTH = 100

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const API_VERSION = /^v[0-9]+((alpha|beta)[0-9]+)?$/
const RESOURCE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/
const SUBRESOURCE = /^[a-z]+$/
const WATCH_ID = /^[A-Za-z0-9-]+$/

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value)
  if (typeof value === 'object') return isPlainObject(value) ? 'an object' : `a ${value.constructor?.name ?? 'non-plain object'}`
  return `${typeof value} ${String(value)}`
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key)

/** A plain object with only `keys`; a key whose value is `undefined` counts as absent. */
function record(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(value)) throw new IpcArgumentError(path, `must be an object, got ${describe(value)}`)
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new IpcArgumentError(join(path, key), `is not a known field (known: ${keys.join(', ')})`)
    }
  }
  return value
}

interface StringRule {
  max: number
  pattern?: RegExp
  /** How to say what `pattern` wants, for people. */
  hint?: string
  allowEmpty?: boolean
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}

function str(value: unknown, path: string, rule: StringRule): string {
  if (typeof value !== 'string') throw new IpcArgumentError(path, `must be a string, got ${describe(value)}`)
  if (value === '' && !rule.allowEmpty) throw new IpcArgumentError(path, 'must not be empty')
  if (value.length > rule.max) throw new IpcArgumentError(path, `must be at most ${rule.max} characters, got ${value.length}`)
  if (value !== '' && rule.pattern && !rule.pattern.test(value)) {
    throw new IpcArgumentError(path, `must be ${rule.hint ?? `of the form ${rule.pattern.source}`}, got ${describe(value)}`)
  }
  if (hasControlCharacter(value)) throw new IpcArgumentError(path, 'must not contain control characters')
  return value
}

function int(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new IpcArgumentError(path, `must be an integer, got ${describe(value)}`)
  if (value < min || value > max) throw new IpcArgumentError(path, `must be between ${min} and ${max}, got ${value}`)
  return value
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new IpcArgumentError(path, `must be true or false, got ${describe(value)}`)
  return value
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  throw new IpcArgumentError(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(value)}`)
}

/** Copies `obj[key]` through `parse` into `out[key]` when present (not undefined). */
function copy<T, K extends keyof T & string>(out: T, obj: Record<string, unknown>, key: K, path: string, parse: (value: unknown, path: string) => T[K]): void {
  const value = obj[key]
  if (value !== undefined) out[key] = parse(value, join(path, key))
}

/**
 * A JSON value as HTTP would carry it: plain objects, arrays, strings, finite numbers, booleans
 * and null. Returns a copy in which `undefined` object members are dropped and `undefined` array
 * items are null — what JSON.stringify makes of them, so both doors see the same body.
 */
export function parseJson(value: unknown, path: string, maxChars = MAX_BODY_CHARS): unknown {
  const copyOf = (v: unknown, at: string, depth: number): unknown => {
    if (depth > MAX_JSON_DEPTH) throw new IpcArgumentError(at, `is nested more than ${MAX_JSON_DEPTH} levels deep`)
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new IpcArgumentError(at, `must be JSON: ${v} is not a finite number`)
      return v
    }
    if (Array.isArray(v)) return v.map((item, i) => (item === undefined ? null : copyOf(item, `${at}[${i}]`, depth + 1)))
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(v)) {
        if (item !== undefined) out[key] = copyOf(item, join(at, key), depth + 1)
      }
      return out
    }
    throw new IpcArgumentError(at, `must be JSON (objects, arrays, strings, numbers, booleans, null), got ${describe(v)}`)
  }
  if (value === undefined) throw new IpcArgumentError(path, 'is required')
  const json = copyOf(value, path, 0)
  const size = JSON.stringify(json).length
  if (size > maxChars) throw new IpcArgumentError(path, `is too large: ${size} characters of JSON, at most ${maxChars}`)
  return json
}

export function parseResourceRef(value: unknown, path = 'ref'): ResourceRef {
  const raw = record(value, path, ['group', 'version', 'resource', 'namespace', 'name', 'subresource'])
  const ref: ResourceRef = {
    group: str(raw.group, join(path, 'group'), { max: 253, allowEmpty: true, pattern: DNS_SUBDOMAIN, hint: "'' (the core group) or a DNS subdomain such as \"apps\"" }),
    version: str(raw.version, join(path, 'version'), { max: 63, pattern: API_VERSION, hint: 'an API version such as "v1" or "v1beta1"' }),
    resource: str(raw.resource, join(path, 'resource'), { max: 253, pattern: RESOURCE, hint: 'a lowercase plural resource name such as "pods"' }),
  }
  copy(ref, raw, 'namespace', path, (v, p) => str(v, p, { max: 63, pattern: DNS_LABEL, hint: "a DNS label (lowercase letters, digits and '-')" }))
  copy(ref, raw, 'name', path, parseObjectName)
  copy(ref, raw, 'subresource', path, (v, p) => str(v, p, { max: 63, pattern: SUBRESOURCE, hint: 'a subresource such as "status" or "scale"' }))
  if (ref.subresource !== undefined && ref.name === undefined) throw new IpcArgumentError(join(path, 'subresource'), 'needs ref.name: a subresource belongs to one object')
  return ref
}

/** Any name a URL path segment can carry, as kube-apiserver's IsValidPathSegmentName allows. */
function parseObjectName(value: unknown, path: string): string {
  const name = str(value, path, { max: 253 })
  if (name === '.' || name === '..') throw new IpcArgumentError(path, `may not be ${JSON.stringify(name)}`)
  if (name.includes('/') || name.includes('%')) throw new IpcArgumentError(path, "may not contain '/' or '%'")
  return name
}

const LIST_KEYS = ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch'] as const
const WATCH_KEYS = [...LIST_KEYS, 'allowWatchBookmarks', 'timeoutSeconds', 'sendInitialEvents'] as const

function listOptionsInto(out: ListOptions, raw: Record<string, unknown>, path: string): void {
  copy(out, raw, 'labelSelector', path, (v, p) => str(v, p, { max: 4096, allowEmpty: true }))
  copy(out, raw, 'fieldSelector', path, (v, p) => str(v, p, { max: 4096, allowEmpty: true }))
  copy(out, raw, 'limit', path, (v, p) => int(v, p, 0, Number.MAX_SAFE_INTEGER))
  copy(out, raw, 'continue', path, (v, p) => str(v, p, { max: 4096, allowEmpty: true }))
  copy(out, raw, 'resourceVersion', path, (v, p) => str(v, p, { max: 64, allowEmpty: true }))
  copy(out, raw, 'resourceVersionMatch', path, (v, p) => oneOf(v, p, ['NotOlderThan', 'Exact'] as const))
}

export function parseListOptions(value: unknown, path = 'options'): ListOptions {
  const raw = record(value, path, LIST_KEYS)
  const out: ListOptions = {}
  listOptionsInto(out, raw, path)
  return out
}

export function parseWatchOptions(value: unknown, path = 'options'): WatchOptions {
  const raw = record(value, path, WATCH_KEYS)
  const out: WatchOptions = {}
  listOptionsInto(out, raw, path)
  copy(out, raw, 'allowWatchBookmarks', path, bool)
  copy(out, raw, 'timeoutSeconds', path, (v, p) => int(v, p, 0, 86_400))
  copy(out, raw, 'sendInitialEvents', path, bool)
  return out
}

export function parseDeleteOptions(value: unknown, path = 'options'): DeleteOptions {
  const raw = record(value, path, [
    'apiVersion',
    'kind',
    'dryRun',
    'gracePeriodSeconds',
    'orphanDependents',
    'propagationPolicy',
    'preconditions',
    'ignoreStoreReadErrorWithClusterBreakingPotential',
  ])
  const out: DeleteOptions = {}
  copy(out, raw, 'apiVersion', path, (v, p) => str(v, p, { max: 64 }))
  copy(out, raw, 'kind', path, (v, p) => oneOf(v, p, ['DeleteOptions'] as const))
  copy(out, raw, 'dryRun', path, (v, p) => {
    if (!Array.isArray(v) || v.length > 1) throw new IpcArgumentError(p, `must be [] or ["All"], got ${describe(v)}`)
    return v.map((item, i) => oneOf(item, `${p}[${i}]`, ['All'] as const))
  })
  copy(out, raw, 'gracePeriodSeconds', path, (v, p) => int(v, p, 0, Number.MAX_SAFE_INTEGER))
  copy(out, raw, 'orphanDependents', path, bool)
  copy(out, raw, 'propagationPolicy', path, (v, p) => oneOf(v, p, ['Orphan', 'Background', 'Foreground'] as const))
  copy(out, raw, 'preconditions', path, (v, p) => {
    const pre = record(v, p, ['resourceVersion', 'uid'])
    const result: NonNullable<DeleteOptions['preconditions']> = {}
    copy(result, pre, 'resourceVersion', p, (x, q) => str(x, q, { max: 64 }))
    copy(result, pre, 'uid', p, (x, q) => str(x, q, { max: 128 }))
    return result
  })
  copy(out, raw, 'ignoreStoreReadErrorWithClusterBreakingPotential', path, bool)
  return out
}

export function parseWriteOptions(value: unknown, path = 'options'): ApiWriteOptions {
  const raw = record(value, path, ['dryRun', 'fieldValidation', 'fieldManager'])
  const out: ApiWriteOptions = {}
  copy(out, raw, 'dryRun', path, bool)
  copy(out, raw, 'fieldValidation', path, (v, p) => oneOf(v, p, ['Strict', 'Warn', 'Ignore'] as const))
  copy(out, raw, 'fieldManager', path, (v, p) => str(v, p, { max: 128 }))
  return out
}

function parsePatchType(value: unknown, path: string): PatchType {
  return oneOf(value, path, SUPPORTED_PATCH_TYPES)
}

function requireName(ref: ResourceRef, verb: string): ResourceRef {
  if (ref.name === undefined) throw new IpcArgumentError('ref.name', `is required: ${verb} acts on one object`)
  return ref
}

function forbidName(ref: ResourceRef, verb: string): ResourceRef {
  if (ref.name !== undefined) throw new IpcArgumentError('ref.name', `must be absent: ${verb} acts on a collection`)
  return ref
}

/** At most this much stdin per `pods:exec-input` call (kubectl sends 32 KiB chunks). */
export const MAX_EXEC_INPUT_BYTES = 256 * 1024
/** Bounds on an exec command: argv entries, and characters of each (a `sh -c` script may be long). */
const MAX_COMMAND_ARGS = 1024
const MAX_COMMAND_ARG_CHARS = 128 * 1024

function podName(raw: Record<string, unknown>): { namespace: string; name: string } {
  return {
    namespace: str(raw.namespace, 'namespace', { max: 63, pattern: DNS_LABEL, hint: "a DNS label (lowercase letters, digits and '-')" }),
    name: parseObjectName(raw.name, 'name'),
  }
}

const containerName = (v: unknown, p: string): string => str(v, p, { max: 63, pattern: DNS_LABEL, hint: 'a container name (a DNS label)' })
/** Any integer: what it means (a negative tailLines, say) is the API's to judge, with its own message. */
const anyInt = (v: unknown, p: string): number => int(v, p, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)

export function parsePodLogOptions(value: unknown, path = 'options'): PodLogOptions {
  const raw = record(value, path, ['container', 'follow', 'previous', 'sinceSeconds', 'sinceTime', 'timestamps', 'tailLines', 'limitBytes'])
  const out: PodLogOptions = {}
  copy(out, raw, 'container', path, containerName)
  copy(out, raw, 'follow', path, bool)
  copy(out, raw, 'previous', path, bool)
  copy(out, raw, 'sinceSeconds', path, anyInt)
  copy(out, raw, 'sinceTime', path, (v, p) => {
    const time = str(v, p, { max: 64 })
    if (!Number.isFinite(Date.parse(time))) throw new IpcArgumentError(p, `must be an RFC 3339 time, got ${describe(time)}`)
    return time
  })
  copy(out, raw, 'timestamps', path, bool)
  copy(out, raw, 'tailLines', path, anyInt)
  copy(out, raw, 'limitBytes', path, anyInt)
  return out
}

export function parsePodExecOptions(value: unknown, path = 'options'): PodExecOptions {
  const raw = record(value, path, ['command', 'container', 'stdin', 'stdout', 'stderr', 'tty'])
  const at = join(path, 'command')
  if (!Array.isArray(raw.command)) throw new IpcArgumentError(at, `must be an array of strings, got ${describe(raw.command)}`)
  if (raw.command.length > MAX_COMMAND_ARGS) throw new IpcArgumentError(at, `must have at most ${MAX_COMMAND_ARGS} items, got ${raw.command.length}`)
  const command = raw.command.map((arg: unknown, i) => {
    // Control characters are fine here: a shell script has newlines.
    if (typeof arg !== 'string') throw new IpcArgumentError(`${at}[${i}]`, `must be a string, got ${describe(arg)}`)
    if (arg.length > MAX_COMMAND_ARG_CHARS) throw new IpcArgumentError(`${at}[${i}]`, `must be at most ${MAX_COMMAND_ARG_CHARS} characters, got ${arg.length}`)
    return arg
  })
  const out: PodExecOptions = { command }
  copy(out, raw, 'container', path, containerName)
  copy(out, raw, 'stdin', path, bool)
  copy(out, raw, 'stdout', path, bool)
  copy(out, raw, 'stderr', path, bool)
  copy(out, raw, 'tty', path, bool)
  return out
}

const streamId = (v: unknown, p: string): string => str(v, p, { max: 64, pattern: WATCH_ID, hint: 'a stream id from pods:logs or pods:exec' })

/** The request shapes of the api:* channels, one parser each. */
export const parseRequest = {
  create(value: unknown): ApiCreateRequest {
    const raw = record(value, '', ['ref', 'body', 'options'])
    const out: ApiCreateRequest = { ref: parseResourceRef(raw.ref), body: parseJson(raw.body, 'body') }
    copy(out, raw, 'options', '', parseWriteOptions)
    return out
  },
  get(value: unknown): ApiGetRequest {
    const raw = record(value, '', ['ref'])
    return { ref: requireName(parseResourceRef(raw.ref), 'get') }
  },
  list(value: unknown): ApiListRequest {
    const raw = record(value, '', ['ref', 'options'])
    const out: ApiListRequest = { ref: forbidName(parseResourceRef(raw.ref), 'list') }
    copy(out, raw, 'options', '', parseListOptions)
    return out
  },
  update(value: unknown): ApiUpdateRequest {
    const raw = record(value, '', ['ref', 'body', 'options'])
    const out: ApiUpdateRequest = { ref: requireName(parseResourceRef(raw.ref), 'update'), body: parseJson(raw.body, 'body') }
    copy(out, raw, 'options', '', parseWriteOptions)
    return out
  },
  patch(value: unknown): ApiPatchRequest {
    const raw = record(value, '', ['ref', 'patchType', 'patch', 'options'])
    const out: ApiPatchRequest = {
      ref: requireName(parseResourceRef(raw.ref), 'patch'),
      patchType: parsePatchType(raw.patchType, 'patchType'),
      patch: parseJson(raw.patch, 'patch'),
    }
    copy(out, raw, 'options', '', parseWriteOptions)
    return out
  },
  delete(value: unknown): ApiDeleteRequest {
    const raw = record(value, '', ['ref', 'options'])
    const out: ApiDeleteRequest = { ref: requireName(parseResourceRef(raw.ref), 'delete') }
    copy(out, raw, 'options', '', parseDeleteOptions)
    return out
  },
  deleteCollection(value: unknown): ApiDeleteCollectionRequest {
    const raw = record(value, '', ['ref', 'listOptions', 'options'])
    const out: ApiDeleteCollectionRequest = { ref: forbidName(parseResourceRef(raw.ref), 'deleteCollection') }
    copy(out, raw, 'listOptions', '', parseListOptions)
    copy(out, raw, 'options', '', parseDeleteOptions)
    return out
  },
  watch(value: unknown): ApiWatchRequest {
    const raw = record(value, '', ['ref', 'options'])
    const out: ApiWatchRequest = { ref: parseResourceRef(raw.ref) }
    copy(out, raw, 'options', '', parseWatchOptions)
    return out
  },
  unwatch(value: unknown): ApiUnwatchRequest {
    const raw = record(value, '', ['id'])
    return { id: str(raw.id, 'id', { max: 64, pattern: WATCH_ID, hint: 'a watch id from api:watch' }) }
  },
  podLogs(value: unknown): PodLogsRequest {
    const raw = record(value, '', ['namespace', 'name', 'options'])
    const out: PodLogsRequest = podName(raw)
    copy(out, raw, 'options', '', parsePodLogOptions)
    return out
  },
  podExec(value: unknown): PodExecRequest {
    const raw = record(value, '', ['namespace', 'name', 'options'])
    return { ...podName(raw), options: parsePodExecOptions(raw.options) }
  },
  podStreamStop(value: unknown): PodStreamStopRequest {
    const raw = record(value, '', ['id'])
    return { id: streamId(raw.id, 'id') }
  },
  podExecInput(value: unknown): PodExecInputRequest {
    const raw = record(value, '', ['id', 'data', 'end'])
    const out: PodExecInputRequest = { id: streamId(raw.id, 'id') }
    copy(out, raw, 'data', '', (v, p) => {
      if (typeof v === 'string') {
        if (v.length > MAX_EXEC_INPUT_BYTES) throw new IpcArgumentError(p, `must be at most ${MAX_EXEC_INPUT_BYTES} characters, got ${v.length}`)
        return v
      }
      if (v instanceof Uint8Array) {
        if (v.byteLength > MAX_EXEC_INPUT_BYTES) throw new IpcArgumentError(p, `must be at most ${MAX_EXEC_INPUT_BYTES} bytes, got ${v.byteLength}`)
        return v
      }
      throw new IpcArgumentError(p, `must be a string or a Uint8Array, got ${describe(v)}`)
    })
    copy(out, raw, 'end', '', bool)
    return out
  },
  podExecResize(value: unknown): PodExecResizeRequest {
    const raw = record(value, '', ['id', 'width', 'height'])
    return { id: streamId(raw.id, 'id'), width: int(raw.width, 'width', 0, 0xffff), height: int(raw.height, 'height', 0, 0xffff) }
  },
}
