// Kubernetes REST URLs from a ResourceRef and options, as kubectl would build them:
//
//   /api/v1[/namespaces/{namespace}]/{resource}[/{name}[/{subresource}]]          core group
//   /apis/{group}/{version}[/namespaces/{namespace}]/{resource}[/{name}[/…]]      named groups
//
// A namespaced resource without a namespace is "all namespaces" (list and watch); a cluster-scoped
// one has none. Every segment is percent-encoded; the query carries list, watch and write options
// under kube-apiserver's parameter names. Pure.

import type { DeleteOptions } from '../../../src-main/api/types/meta.ts'
import type { ApiWriteOptions, ListOptions, PodExecOptions, PodLogOptions, PodRef, ResourceRef, WatchOptions } from './types.ts'

function segment(what: string, value: string): string {
  if (value === '' || value === '.' || value === '..' || value.includes('/')) {
    throw new TypeError(`resource path: ${what} ${JSON.stringify(value)} cannot be a path segment`)
  }
  return encodeURIComponent(value)
}

/** The path a ResourceRef names. */
export function resourcePath(ref: ResourceRef): string {
  const parts = ref.group === '' ? ['api', segment('version', ref.version)] : ['apis', segment('group', ref.group), segment('version', ref.version)]
  if (ref.namespace !== undefined) parts.push('namespaces', segment('namespace', ref.namespace))
  parts.push(segment('resource', ref.resource))
  if (ref.name !== undefined) parts.push(segment('name', ref.name))
  if (ref.subresource !== undefined) {
    if (ref.name === undefined) throw new TypeError(`resource path: subresource ${JSON.stringify(ref.subresource)} needs a name`)
    parts.push(segment('subresource', ref.subresource))
  }
  return '/' + parts.join('/')
}

export type QueryValue = string | number | boolean | undefined
export type Query = Record<string, QueryValue>

/** `path?k=v&…` with the defined values, in the order given; `path` alone when there are none. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.append(key, String(value))
  }
  const encoded = params.toString()
  return encoded ? `${path}?${encoded}` : path
}

export function listQuery(options: ListOptions = {}): Query {
  return {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    limit: options.limit,
    continue: options.continue,
    resourceVersion: options.resourceVersion,
    resourceVersionMatch: options.resourceVersionMatch,
  }
}

export function watchQuery(options: WatchOptions = {}): Query {
  return {
    watch: 1,
    ...listQuery(options),
    allowWatchBookmarks: options.allowWatchBookmarks ? true : undefined,
    timeoutSeconds: options.timeoutSeconds,
    sendInitialEvents: options.sendInitialEvents,
  }
}

export function writeQuery(options: ApiWriteOptions = {}): Query {
  return {
    dryRun: options.dryRun ? 'All' : undefined,
    fieldValidation: options.fieldValidation,
    fieldManager: options.fieldManager,
  }
}

/** A delete's dry run goes in the query too, as kubectl sends it. */
export function deleteQuery(options: DeleteOptions = {}): Query {
  return { dryRun: options.dryRun?.includes('All') ? 'All' : undefined }
}

/** A pod's subresource: `/api/v1/namespaces/{ns}/pods/{name}/log|exec`. */
export function podSubresourcePath(pod: PodRef, subresource: 'log' | 'exec'): string {
  return resourcePath({ group: '', version: 'v1', resource: 'pods', namespace: pod.namespace, name: pod.name, subresource })
}

/** PodLogOptions as kubectl sends them (flags only when set). */
export function logQuery(options: PodLogOptions = {}): Query {
  return {
    container: options.container,
    follow: options.follow ? true : undefined,
    previous: options.previous ? true : undefined,
    sinceSeconds: options.sinceSeconds,
    sinceTime: options.sinceTime,
    timestamps: options.timestamps ? true : undefined,
    tailLines: options.tailLines,
    limitBytes: options.limitBytes,
  }
}

/** PodExecOptions as kubectl sends them: one `command` per argument, then the container and every stream flag. */
export function execQueryString(options: PodExecOptions): string {
  const params = new URLSearchParams()
  for (const arg of options.command) params.append('command', arg)
  if (options.container) params.append('container', options.container)
  for (const flag of ['stdin', 'stdout', 'stderr', 'tty'] as const) params.append(flag, String(options[flag] === true))
  return params.toString()
}
