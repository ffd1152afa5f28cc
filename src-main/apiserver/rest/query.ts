// Query parameters as kube-apiserver reads them: list and watch options, write options (dryRun,
// fieldValidation, fieldManager), delete options, and Table's includeObject. Only the syntax is
// checked here (a malformed value is a 400 naming the parameter); what the values mean for a
// request is the core's business.

import type { FieldValidation } from '../../api/admission.ts'
import type { IncludeObject } from '../../api/printers/table.ts'
import type { DeleteOptions } from '../../api/types/meta.ts'
import type { ListOptions, WatchOptions } from '../types.ts'
import { badRequest } from './errors.ts'

export interface WriteOptions {
  dryRun: boolean
  /** Absent: the core's default (Warn, as kube-apiserver). */
  fieldValidation?: FieldValidation
  fieldManager?: string
}

export interface ParsedQuery {
  /** `watch=1|true`. */
  watch: boolean
  list: ListOptions
  watchOptions: WatchOptions
  write: WriteOptions
  /** Delete options given in the query; a DELETE body overrides them field by field. */
  delete: DeleteOptions
  includeObject?: IncludeObject
}

function first(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name)
  return value === null ? undefined : value
}

/**
 * A boolean parameter as kube-apiserver's parameter codec reads it: "0" and "false" (any case)
 * are false, anything else present (even empty, as in a bare `?watch`) is true.
 */
export function parseBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  return !(value === '0' || value.toLowerCase() === 'false')
}

function parseInteger(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`invalid value for query parameter "${name}": ${JSON.stringify(value)} is not an integer`)
  }
  const n = Number(value)
  if (n < min) throw badRequest(`invalid value for query parameter "${name}": must be ${min} or greater, got ${n}`)
  return n
}

function parseEnum<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw badRequest(`invalid value for query parameter "${name}": ${JSON.stringify(value)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`)
}

/** `dryRun`: absent or `All` (repeated values allowed, as kube-apiserver). */
export function parseDryRun(values: readonly string[]): boolean {
  for (const v of values) {
    if (v !== 'All') throw badRequest(`invalid value for query parameter "dryRun": ${JSON.stringify(v)}: supported values: "All"`)
  }
  return values.length > 0
}

export function parseQuery(params: URLSearchParams): ParsedQuery {
  const list: ListOptions = {}
  const labelSelector = first(params, 'labelSelector')
  if (labelSelector) list.labelSelector = labelSelector
  const fieldSelector = first(params, 'fieldSelector')
  if (fieldSelector) list.fieldSelector = fieldSelector
  const limit = parseInteger('limit', first(params, 'limit'), 0)
  if (limit) list.limit = limit
  const cont = first(params, 'continue')
  if (cont) list.continue = cont
  const resourceVersion = first(params, 'resourceVersion')
  if (resourceVersion !== undefined && resourceVersion !== '') list.resourceVersion = resourceVersion
  const match = parseEnum('resourceVersionMatch', first(params, 'resourceVersionMatch'), ['NotOlderThan', 'Exact'] as const)
  if (match) list.resourceVersionMatch = match

  const watchOptions: WatchOptions = { ...list }
  const timeoutSeconds = parseInteger('timeoutSeconds', first(params, 'timeoutSeconds'), 0)
  if (timeoutSeconds !== undefined) watchOptions.timeoutSeconds = timeoutSeconds
  if (parseBool(first(params, 'allowWatchBookmarks'))) watchOptions.allowWatchBookmarks = true
  const sendInitialEvents = parseBool(first(params, 'sendInitialEvents'))
  if (sendInitialEvents !== undefined) watchOptions.sendInitialEvents = sendInitialEvents

  const write: WriteOptions = { dryRun: parseDryRun(params.getAll('dryRun')) }
  const fieldValidation = parseEnum('fieldValidation', first(params, 'fieldValidation'), ['Strict', 'Warn', 'Ignore'] as const)
  if (fieldValidation) write.fieldValidation = fieldValidation
  const fieldManager = first(params, 'fieldManager')
  if (fieldManager) {
    if (fieldManager.length > 128) throw badRequest(`invalid value for query parameter "fieldManager": must be at most 128 characters`)
    write.fieldManager = fieldManager
  }

  const del: DeleteOptions = {}
  const grace = parseInteger('gracePeriodSeconds', first(params, 'gracePeriodSeconds'), 0)
  if (grace !== undefined) del.gracePeriodSeconds = grace
  const propagation = parseEnum('propagationPolicy', first(params, 'propagationPolicy'), ['Orphan', 'Background', 'Foreground'] as const)
  if (propagation) del.propagationPolicy = propagation
  const orphan = parseBool(first(params, 'orphanDependents'))
  if (orphan !== undefined) del.orphanDependents = orphan
  if (write.dryRun) del.dryRun = ['All']

  const parsed: ParsedQuery = { watch: parseBool(first(params, 'watch')) ?? false, list, watchOptions, write, delete: del }
  const includeObject = parseEnum('includeObject', first(params, 'includeObject'), ['None', 'Metadata', 'Object'] as const)
  if (includeObject) parsed.includeObject = includeObject
  return parsed
}
