// metrics.k8s.io/v1beta1, read-only, as metrics-server serves it: NodeMetrics (cluster-scoped) and
// PodMetrics (namespaced), get and list. The usage figures come from a MetricsProvider (the node
// agents' samplers, nodeagent/metrics); which nodes and pods exist, their labels, label and field
// selectors and whether the user may see them, from the core's nodes and pods — as metrics-server
// lists them from the API. Without a provider the group is not served (404, absent from /apis).

import { RESOURCES } from '../resources.ts'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { APIResourceList } from '../../api/registry.ts'
import type { KubeObject } from '../../api/types/meta.ts'
import { formatBytes, formatDuration, formatNanocores } from '../../nodeagent/metrics/parse.ts'
import type { ApiServerVerbs, ListOptions, RequestContext, ResourceRef } from '../types.ts'
import type { APIGroup, APIGroupDiscovery } from './discovery.ts'
import { failure, methodNotAllowed, notFoundPath } from './errors.ts'
import { negotiateJsonOnly } from './negotiate.ts'
import { parseQuery } from './query.ts'
import { sendBody, sendStatus } from './respond.ts'

export const METRICS_GROUP = 'metrics.k8s.io'
export const METRICS_VERSION = 'v1beta1'
const GROUP_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`

interface Usage {
  cpuNanocores: number
  memoryWorkingSetBytes: number
}

interface Sample {
  timestampMs: number
  windowMs: number
}

/** The latest usage of nodes and pods (nodeagent/metrics' MetricsStore is one). */
export interface MetricsProvider {
  node(name: string): (Sample & { usage: Usage }) | undefined
  pod(namespace: string, name: string): (Sample & { uid: string; containers: { name: string; usage: Usage }[] }) | undefined
}

export type MetricsEndpoint =
  | { kind: 'group' }
  | { kind: 'resourceList' }
  | { kind: 'nodes'; name?: string }
  | { kind: 'pods'; namespace?: string; name?: string }
  | { kind: 'notFound' }

/** The endpoint below /apis/metrics.k8s.io a path names, or undefined for any other path. */
export function parseMetricsPath(path: string): MetricsEndpoint | undefined {
  const prefix = `/apis/${METRICS_GROUP}`
  if (path !== prefix && path !== `${prefix}/` && !path.startsWith(`${prefix}/`)) return undefined
  const parts = path.slice(prefix.length).split('/').filter((s, i, all) => s !== '' || i !== all.length - 1).slice(1)
  let segments: string[]
  try {
    segments = parts.map((s) => decodeURIComponent(s))
  } catch {
    return { kind: 'notFound' }
  }
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return { kind: 'notFound' }
  const [version, ...rest] = segments
  if (version === undefined) return { kind: 'group' }
  if (version !== METRICS_VERSION) return { kind: 'notFound' }
  if (rest.length === 0) return { kind: 'resourceList' }
  const [a, b, c, d, ...extra] = rest
  if (extra.length) return { kind: 'notFound' }
  if (a === 'nodes' && c === undefined) return b === undefined ? { kind: 'nodes' } : { kind: 'nodes', name: b }
  if (a === 'pods' && b === undefined) return { kind: 'pods' }
  if (a === 'namespaces' && b !== undefined && c === 'pods') return d === undefined ? { kind: 'pods', namespace: b } : { kind: 'pods', namespace: b, name: d }
  return { kind: 'notFound' }
}

// --- Discovery ---------------------------------------------------------------------------------

const entry = { groupVersion: GROUP_VERSION, version: METRICS_VERSION }

/** The group's entry in /apis. */
export function metricsGroupEntry(): Omit<APIGroup, 'kind' | 'apiVersion'> {
  return { name: METRICS_GROUP, versions: [entry], preferredVersion: entry }
}

/** /apis/metrics.k8s.io/v1beta1, as metrics-server answers it. */
export function metricsResourceList(): APIResourceList {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: GROUP_VERSION,
    resources: [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ],
  }
}

/** The group in aggregated discovery. */
export function metricsGroupDiscovery(): APIGroupDiscovery {
  const resource = (r: string, kind: string, scope: 'Namespaced' | 'Cluster') => ({
    resource: r,
    responseKind: { group: METRICS_GROUP, version: METRICS_VERSION, kind },
    scope,
    singularResource: '',
    verbs: ['get', 'list'],
  })
  return {
    metadata: { name: METRICS_GROUP, creationTimestamp: null },
    versions: [{ version: METRICS_VERSION, resources: [resource('nodes', 'NodeMetrics', 'Cluster'), resource('pods', 'PodMetrics', 'Namespaced')], freshness: 'Current' }],
  }
}

// --- Objects -----------------------------------------------------------------------------------

export interface ResourceUsage {
  cpu: string
  memory: string
}

export interface NodeMetrics {
  kind?: 'NodeMetrics'
  apiVersion?: string
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> }
  timestamp: string
  window: string
  usage: ResourceUsage
}

export interface PodMetrics {
  kind?: 'PodMetrics'
  apiVersion?: string
  metadata: { name: string; namespace: string; creationTimestamp: string; labels?: Record<string, string> }
  timestamp: string
  window: string
  containers: { name: string; usage: ResourceUsage }[]
}

/** RFC 3339 at second precision, as metav1.Time marshals. */
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const usageOf = (u: Usage): ResourceUsage => ({ cpu: formatNanocores(u.cpuNanocores), memory: formatBytes(u.memoryWorkingSetBytes) })
const labelsOf = (obj: KubeObject): { labels?: Record<string, string> } => (obj.metadata.labels && Object.keys(obj.metadata.labels).length ? { labels: { ...obj.metadata.labels } } : {})

/** A Node's metrics, or undefined when none were sampled. `nowMs` is the creationTimestamp (metrics-server's: the answer's time). */
export function nodeMetrics(node: KubeObject, provider: MetricsProvider, nowMs: number): NodeMetrics | undefined {
  const s = provider.node(node.metadata.name ?? '')
  if (!s) return undefined
  return {
    metadata: { name: node.metadata.name ?? '', creationTimestamp: rfc3339(nowMs), ...labelsOf(node) },
    timestamp: rfc3339(s.timestampMs),
    window: formatDuration(s.windowMs),
    usage: usageOf(s.usage),
  }
}

/** A Pod's metrics, or undefined when none were sampled for this pod (same name and UID). */
export function podMetrics(pod: KubeObject, provider: MetricsProvider, nowMs: number): PodMetrics | undefined {
  const namespace = pod.metadata.namespace ?? ''
  const name = pod.metadata.name ?? ''
  const s = provider.pod(namespace, name)
  if (!s || s.uid !== pod.metadata.uid) return undefined
  return {
    metadata: { name, namespace, creationTimestamp: rfc3339(nowMs), ...labelsOf(pod) },
    timestamp: rfc3339(s.timestampMs),
    window: formatDuration(s.windowMs),
    containers: s.containers.map((c) => ({ name: c.name, usage: usageOf(c.usage) })),
  }
}

// --- Serving -----------------------------------------------------------------------------------

const NODES: ResourceRef = RESOURCES.nodes
const PODS: ResourceRef = RESOURCES.pods

export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  endpoint: MetricsEndpoint,
  deps: { verbs: ApiServerVerbs; provider: MetricsProvider; ctx: RequestContext; now: number },
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendStatus(res, methodNotAllowed(req.method ?? '', url.pathname), { Allow: 'GET' })
    return
  }
  negotiateJsonOnly(req.headers.accept)
  const { verbs, provider, ctx, now } = deps
  switch (endpoint.kind) {
    case 'notFound':
      sendStatus(res, notFoundPath())
      return
    case 'group':
      sendBody(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...metricsGroupEntry() })
      return
    case 'resourceList':
      sendBody(res, 200, metricsResourceList())
      return
  }
  const query = parseQuery(url.searchParams)
  if (query.watch) {
    sendStatus(res, methodNotAllowed('WATCH', url.pathname))
    return
  }
  const options: ListOptions = {}
  if (query.list.labelSelector) options.labelSelector = query.list.labelSelector
  if (query.list.fieldSelector) options.fieldSelector = query.list.fieldSelector

  if (endpoint.kind === 'nodes') {
    if (endpoint.name !== undefined) {
      const m = nodeMetrics(await verbs.get({ ...NODES, name: endpoint.name }, ctx), provider, now)
      if (m) sendBody(res, 200, { kind: 'NodeMetrics', apiVersion: GROUP_VERSION, ...m })
      else sendStatus(res, failure('NotFound', `nodemetrics.metrics.k8s.io "${endpoint.name}" not found`))
      return
    }
    const nodes = await verbs.list(NODES, options, ctx)
    const items = nodes.items.flatMap((n) => nodeMetrics(n, provider, now) ?? [])
    sendBody(res, 200, { kind: 'NodeMetricsList', apiVersion: GROUP_VERSION, metadata: {}, items })
    return
  }
  const ref: ResourceRef = endpoint.namespace === undefined ? PODS : { ...PODS, namespace: endpoint.namespace }
  if (endpoint.name !== undefined) {
    const m = podMetrics(await verbs.get({ ...ref, name: endpoint.name }, ctx), provider, now)
    if (m) sendBody(res, 200, { kind: 'PodMetrics', apiVersion: GROUP_VERSION, ...m })
    else sendStatus(res, failure('NotFound', `podmetrics.metrics.k8s.io "${endpoint.namespace}/${endpoint.name}" not found`))
    return
  }
  const pods = await verbs.list(ref, options, ctx)
  const items = pods.items.flatMap((p) => podMetrics(p, provider, now) ?? [])
  sendBody(res, 200, { kind: 'PodMetricsList', apiVersion: GROUP_VERSION, metadata: {}, items })
}
