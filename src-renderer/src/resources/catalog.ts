// Every list the dashboard shows, as data: which resource, which columns, where a row leads, and
// what to say when the list is empty. The navigation and the routes are built from this table.

import { RESOURCES } from '../../../src-main/apiserver/resources.ts'
import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import type { ResourceRef } from '../transport/index.ts'
import type { ColumnSpec } from './columns.ts'
import { configMapColumns, secretColumns } from './config.ts'
import { eventColumns } from './events.ts'
import { dnsColumns, serviceColumns } from './network.ts'
import { nodeColumns } from './nodes.ts'
import { podColumns } from './pods.ts'
import { daemonSetColumns, deploymentColumns, replicaSetColumns } from './workloads.ts'

export interface EmptyState {
  title: string
  /** What to do next. */
  text: string
  /** A button to the place where one is made. */
  action?: { label: string; to: string }
}

export interface ListSpec {
  /** Route name and path segment: /workloads/pods -> 'pods'. */
  id: string
  path: string
  title: string
  /** The navigation group it sits in. */
  section: 'Cluster' | 'Workloads' | 'Network' | 'Config'
  ref: ResourceRef
  namespaced: boolean
  columns: ColumnSpec<KubeObject>[]
  /** The Nodes list counts requests of the pods on each node. */
  needsPods?: boolean
  /** Default sort column id; else by namespace then name. */
  defaultSort?: string
  empty: EmptyState
}

const cols = <T extends KubeObject>(columns: ColumnSpec<T>[]): ColumnSpec<KubeObject>[] => columns as unknown as ColumnSpec<KubeObject>[]
const DEPLOY = { label: 'Deploy an app', to: '/deploy' }
const APPLY = { label: 'Apply YAML', to: '/apply' }

export const LISTS: readonly ListSpec[] = [
  {
    id: 'nodes',
    path: '/nodes',
    title: 'Nodes',
    section: 'Cluster',
    ref: RESOURCES.nodes,
    namespaced: false,
    columns: cols(nodeColumns),
    needsPods: true,
    empty: { title: 'No nodes yet', text: 'Nodes are machines with Docker and SSH. Add one and its pods will run there.', action: { label: 'Add node', to: '/nodes/add' } },
  },
  {
    id: 'deployments',
    path: '/workloads/deployments',
    title: 'Deployments',
    section: 'Workloads',
    ref: RESOURCES.deployments,
    namespaced: true,
    columns: cols(deploymentColumns),
    empty: { title: 'No deployments here', text: 'A Deployment keeps a number of copies of your app running and rolls out new versions. Deploy one with the form, or apply its YAML.', action: DEPLOY },
  },
  {
    id: 'replicasets',
    path: '/workloads/replicasets',
    title: 'ReplicaSets',
    section: 'Workloads',
    ref: RESOURCES.replicasets,
    namespaced: true,
    columns: cols(replicaSetColumns),
    empty: { title: 'No replica sets here', text: 'Deployments create a ReplicaSet for each version of their pods. Deploy an app to see one.', action: DEPLOY },
  },
  {
    id: 'daemonsets',
    path: '/workloads/daemonsets',
    title: 'DaemonSets',
    section: 'Workloads',
    ref: RESOURCES.daemonsets,
    namespaced: true,
    columns: cols(daemonSetColumns),
    empty: { title: 'No daemon sets here', text: 'A DaemonSet runs one pod on every node (or every node its selector picks). Apply its YAML to create one.', action: APPLY },
  },
  {
    id: 'pods',
    path: '/workloads/pods',
    title: 'Pods',
    section: 'Workloads',
    ref: RESOURCES.pods,
    namespaced: true,
    columns: cols(podColumns),
    empty: { title: 'No pods here', text: 'Pods are your running containers. Deploy an app and its pods appear here as they start.', action: DEPLOY },
  },
  {
    id: 'services',
    path: '/network/services',
    title: 'Services',
    section: 'Network',
    ref: RESOURCES.services,
    namespaced: true,
    columns: cols(serviceColumns),
    needsPods: true,
    empty: { title: 'No services here', text: 'A Service gives a set of pods one stable address and name. Tick "Expose" in the deploy form to create one.', action: DEPLOY },
  },
  {
    id: 'dns',
    path: '/network/dns',
    title: 'DNS',
    section: 'Network',
    ref: RESOURCES.services,
    namespaced: true,
    columns: cols(dnsColumns),
    defaultSort: 'fqdn',
    empty: { title: 'No names yet', text: 'Every Service gets a DNS name that resolves inside every pod. Expose a deployment to give it one.', action: DEPLOY },
  },
  {
    id: 'events',
    path: '/events',
    title: 'Events',
    section: 'Cluster',
    ref: RESOURCES.events,
    namespaced: true,
    columns: cols(eventColumns),
    defaultSort: 'lastSeen',
    empty: { title: 'No events', text: 'Events tell what happened to pods, nodes and workloads: scheduling, pulls, starts, failures. They appear here live.' },
  },
  {
    id: 'configmaps',
    path: '/config/configmaps',
    title: 'ConfigMaps',
    section: 'Config',
    ref: RESOURCES.configmaps,
    namespaced: true,
    columns: cols(configMapColumns),
    empty: { title: 'No config maps here', text: 'A ConfigMap holds settings your pods read as files or environment. Apply its YAML to create one.', action: APPLY },
  },
  {
    id: 'secrets',
    path: '/config/secrets',
    title: 'Secrets',
    section: 'Config',
    ref: RESOURCES.secrets,
    namespaced: true,
    columns: cols(secretColumns),
    empty: { title: 'No secrets here', text: 'A Secret holds passwords and keys for your pods. Apply its YAML to create one; values stay hidden here unless you ask.', action: APPLY },
  },
]

export function listSpec(id: string): ListSpec {
  const spec = LISTS.find((l) => l.id === id)
  if (!spec) throw new Error(`no list named ${id}`)
  return spec
}

/** Where a row leads: a dedicated detail view for pods and deployments, the object view otherwise. */
export function detailPath(list: ListSpec, obj: KubeObject): string {
  const ns = obj.metadata.namespace ?? '_'
  const name = encodeURIComponent(obj.metadata.name ?? '')
  if (list.ref.resource === 'pods') return `/pods/${ns}/${name}`
  if (list.ref.resource === 'deployments') return `/deployments/${ns}/${name}`
  return `/objects/${list.ref.resource}/${ns}/${name}`
}
