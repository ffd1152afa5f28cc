// Query parameters of pods/log and pods/exec, as kube-apiserver's parameter codec reads them into
// PodLogOptions and PodExecOptions. Only syntax is checked here (a malformed value is a 400 naming
// the parameter); what the values mean is validated with the stream (api/validation/streams.ts).
// Unknown parameters are ignored, as kube-apiserver does.

import type { PodExecOptions, PodLogOptions } from '../../api/types/streams.ts'
import { badRequest } from './errors.ts'
import { parseBool } from './query.ts'

function last(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name)
  return values.length ? values[values.length - 1] : undefined
}

function integer(params: URLSearchParams, name: string): number | undefined {
  const value = last(params, name)
  if (value === undefined || value === '') return undefined
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`invalid value for query parameter "${name}": ${JSON.stringify(value)} is not an integer`)
  }
  return Number(value)
}

function bool(params: URLSearchParams, name: string): boolean | undefined {
  return parseBool(last(params, name))
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

export function parseLogQuery(params: URLSearchParams): PodLogOptions {
  const options: PodLogOptions = {}
  const container = last(params, 'container')
  if (container) options.container = container
  const flags = ['follow', 'previous', 'timestamps'] as const
  for (const flag of flags) {
    if (bool(params, flag)) options[flag] = true
  }
  const numbers = ['tailLines', 'limitBytes', 'sinceSeconds'] as const
  for (const name of numbers) {
    const n = integer(params, name)
    if (n !== undefined) options[name] = n
  }
  const sinceTime = last(params, 'sinceTime')
  if (sinceTime) {
    if (!RFC3339.test(sinceTime) || !Number.isFinite(Date.parse(sinceTime))) {
      throw badRequest(`invalid value for query parameter "sinceTime": ${JSON.stringify(sinceTime)} is not an RFC 3339 time`)
    }
    options.sinceTime = sinceTime
  }
  return options
}

export function parseExecQuery(params: URLSearchParams): PodExecOptions {
  const options: PodExecOptions = { command: params.getAll('command') }
  const container = last(params, 'container')
  if (container) options.container = container
  for (const flag of ['stdin', 'stdout', 'stderr', 'tty'] as const) {
    const value = bool(params, flag)
    if (value !== undefined) options[flag] = value
  }
  return options
}
