// The `kubectl get` columns of each kind, exactly as kube-apiserver prints them (names, order,
// types, wide-only columns), each cell a pure function of the object and the time.

import { formatLabelSelector, formatLabels } from '../selectors/labels.ts'
import type { DaemonSet, Deployment, ReplicaSet } from '../types/apps.ts'
import type { Lease } from '../types/coordination.ts'
import type { ConfigMap, Endpoints, Event, Namespace, Node, Secret, Service } from '../types/core.ts'
import type { Machine } from '../types/coxswain.ts'
import type { EndpointSlice } from '../types/discovery.ts'
import type { LabelSelector, TableRowCondition } from '../types/meta.ts'
import type { Container, Pod } from '../types/pod.ts'
import { age } from './duration.ts'
import { readinessGatesText, summarizePod } from './pod.ts'
import { ageColumn, nameColumn, type Column } from './table.ts'

const col = <T>(name: string, type: Column<T>['type'], description: string, cell: Column<T>['cell'], priority: 0 | 1 = 0): Column<T> => ({
  name,
  type,
  description,
  priority,
  cell,
})

const containerNames = (cs: readonly Container[] | undefined): string => (cs ?? []).map((c) => c.name).join(',')
const containerImages = (cs: readonly Container[] | undefined): string => (cs ?? []).map((c) => c.image ?? '').join(',')

const CONTAINERS = 'Names of each container in the template.'
const IMAGES = 'Images referenced by each container in the template.'

// --- Pods ----------------------------------------------------------------------------------------

export const podColumns: Column<Pod>[] = [
  nameColumn(),
  col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.', (p, now) => summarizePod(p, now).ready),
  col('Status', 'string', 'The aggregate status of the containers in this pod.', (p, now) => summarizePod(p, now).status),
  col(
    'Restarts',
    'string',
    'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    (p, now) => summarizePod(p, now).restartsText,
  ),
  ageColumn(),
  col('IP', 'string', 'IP address allocated to the pod.', (p) => p.status?.podIPs?.[0]?.ip || '<none>', 1),
  col('Node', 'string', 'The node the pod is bound to.', (p) => p.spec?.nodeName || '<none>', 1),
  col('Nominated Node', 'string', 'The node this pod preempts other pods on, if any.', (p) => p.status?.nominatedNodeName || '<none>', 1),
  col('Readiness Gates', 'string', 'Additional conditions that must be true for the pod to be ready.', readinessGatesText, 1),
]

export function podRowConditions(pod: Pod): TableRowCondition[] | undefined {
  switch (pod.status?.phase) {
    case 'Succeeded':
      return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]
    case 'Failed':
      return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]
    default:
      return undefined
  }
}

// --- Workloads -------------------------------------------------------------------------------------

export const deploymentColumns: Column<Deployment>[] = [
  nameColumn(),
  col('Ready', 'string', 'Number of the pod with ready state', (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`),
  col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', (d) => d.status?.updatedReplicas ?? 0),
  col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', (d) => d.status?.availableReplicas ?? 0),
  ageColumn(),
  col('Containers', 'string', CONTAINERS, (d) => containerNames(d.spec?.template.spec?.containers), 1),
  col('Images', 'string', IMAGES, (d) => containerImages(d.spec?.template.spec?.containers), 1),
  col('Selector', 'string', 'Label selector for pods.', (d) => selectorText(d.spec?.selector), 1),
]

/** The Deployment printer prints an empty selector as "" (not "<none>") and an invalid one as "<invalid>". */
function selectorText(selector: LabelSelector | undefined): string {
  const s = formatLabelSelector(selector)
  return s === '<none>' ? '' : s === '<error>' ? '<invalid>' : s
}

export const replicaSetColumns: Column<ReplicaSet>[] = [
  nameColumn(),
  col('Desired', 'integer', 'Replicas is the number of desired replicas.', (r) => r.spec?.replicas ?? 0),
  col('Current', 'integer', 'Replicas is the most recently observed number of replicas.', (r) => r.status?.replicas ?? 0),
  col('Ready', 'integer', 'The number of ready replicas for this replica set.', (r) => r.status?.readyReplicas ?? 0),
  ageColumn(),
  col('Containers', 'string', CONTAINERS, (r) => containerNames(r.spec?.template?.spec?.containers), 1),
  col('Images', 'string', IMAGES, (r) => containerImages(r.spec?.template?.spec?.containers), 1),
  col('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', (r) => formatLabelSelector(r.spec?.selector), 1),
]

export const daemonSetColumns: Column<DaemonSet>[] = [
  nameColumn(),
  col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.', (d) => d.status?.desiredNumberScheduled ?? 0),
  col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', (d) => d.status?.currentNumberScheduled ?? 0),
  col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', (d) => d.status?.numberReady ?? 0),
  col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod', (d) => d.status?.updatedNumberScheduled ?? 0),
  col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', (d) => d.status?.numberAvailable ?? 0),
  col('Node Selector', 'string', "NodeSelector is a selector which must be true for the pod to fit on a node.", (d) => formatLabels(d.spec?.template.spec?.nodeSelector)),
  ageColumn(),
  col('Containers', 'string', CONTAINERS, (d) => containerNames(d.spec?.template.spec?.containers), 1),
  col('Images', 'string', IMAGES, (d) => containerImages(d.spec?.template.spec?.containers), 1),
  col('Selector', 'string', 'A label query over pods that are managed by the daemon set.', (d) => formatLabelSelector(d.spec?.selector), 1),
]

// --- Services and endpoints ------------------------------------------------------------------------

function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {}
  const external = spec.externalIPs ?? []
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>'
    case 'LoadBalancer': {
      const lb = [
        ...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean)),
      ].sort()
      if (external.length) return [...lb, ...external].join(',')
      return lb.length ? lb.join(',') : '<pending>'
    }
    case 'ExternalName':
      return spec.externalName ?? ''
    default:
      return '<unknown>'
  }
}

function servicePorts(svc: Service): string {
  const s = (svc.spec?.ports ?? [])
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`))
    .join(',')
  return s || '<none>'
}

export const serviceColumns: Column<Service>[] = [
  nameColumn(),
  col('Type', 'string', 'How the Service is exposed.', (s) => s.spec?.type ?? ''),
  col('Cluster-IP', 'string', 'The IP address of the service.', (s) => s.spec?.clusterIPs?.[0] ?? '<none>'),
  col('External-IP', 'string', 'IP addresses for which nodes in the cluster also accept traffic for this service.', serviceExternalIP),
  col('Port(s)', 'string', 'The list of ports that are exposed by this service.', servicePorts),
  ageColumn(),
  col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', (s) => formatLabels(s.spec?.selector), 1),
]

const withMore = (list: string[], count: number, max: number): string => {
  const joined = list.join(',')
  return count > max ? `${joined} + ${count - max} more...` : joined
}

function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? []
  if (subsets.length === 0) return '<none>'
  const max = 3
  const list: string[] = []
  let count = 0
  for (const ss of subsets) {
    const addrs = ss.addresses ?? []
    const ports = ss.ports ?? []
    if (ports.length === 0) {
      count += addrs.length
      for (const a of addrs) if (list.length < max) list.push(a.ip)
      continue
    }
    for (const port of ports) {
      count += addrs.length
      for (const a of addrs) {
        if (list.length < max) list.push(a.ip.includes(':') ? `[${a.ip}]:${port.port}` : `${a.ip}:${port.port}`)
      }
    }
  }
  return withMore(list, count, max)
}

export const endpointsColumns: Column<Endpoints>[] = [
  nameColumn(),
  col('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.', formatEndpoints),
  ageColumn(),
]

function discoveryList(values: string[]): string {
  const max = 3
  return withMore(values.slice(0, max), values.length, max) || '<unset>'
}

export const endpointSliceColumns: Column<EndpointSlice>[] = [
  nameColumn(),
  col('AddressType', 'string', 'The type of address carried by this EndpointSlice.', (s) => s.addressType),
  col('Ports', 'string', 'The network ports exposed by each endpoint in this slice.', (s) =>
    discoveryList((s.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : (p.name ?? '*')))),
  ),
  col('Endpoints', 'string', 'The unique endpoints in this slice.', (s) => discoveryList((s.endpoints ?? []).flatMap((e) => e.addresses))),
  ageColumn(),
]

// --- Cluster and configuration ----------------------------------------------------------------------

export const namespaceColumns: Column<Namespace>[] = [
  nameColumn(),
  col('Status', 'string', 'The status of the namespace', (n) => n.status?.phase ?? ''),
  ageColumn(),
]

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/'

/** Roles from `node-role.kubernetes.io/<role>` labels and the `kubernetes.io/role` label, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>()
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX) && k.length > NODE_ROLE_PREFIX.length) roles.add(k.slice(NODE_ROLE_PREFIX.length))
    else if (k === 'kubernetes.io/role' && v) roles.add(v)
  }
  return [...roles].sort()
}

/** "Ready", "NotReady", "Unknown", with ",SchedulingDisabled" when cordoned. */
export function nodeStatusText(node: Node): string {
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === 'Ready').at(-1)
  const status = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown']
  if (node.spec?.unschedulable) status.push('SchedulingDisabled')
  return status.join(',')
}

const nodeAddress = (node: Node, type: string): string => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>'

export const nodeColumns: Column<Node>[] = [
  nameColumn(),
  col('Status', 'string', 'The status of the node', nodeStatusText),
  col('Roles', 'string', 'The roles of the node', (n) => nodeRoles(n).join(',') || '<none>'),
  ageColumn(),
  col('Version', 'string', 'The version of Coxswain driving the node.', (n) => n.status?.nodeInfo?.kubeletVersion ?? ''),
  col('Internal-IP', 'string', 'List of addresses reachable to the node.', (n) => nodeAddress(n, 'InternalIP'), 1),
  col('External-IP', 'string', 'List of addresses reachable to the node.', (n) => nodeAddress(n, 'ExternalIP'), 1),
  col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release.', (n) => n.status?.nodeInfo?.osImage || '<unknown>', 1),
  col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r'.", (n) => n.status?.nodeInfo?.kernelVersion || '<unknown>', 1),
  col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node.', (n) => n.status?.nodeInfo?.containerRuntimeVersion || '<unknown>', 1),
]

export const configMapColumns: Column<ConfigMap>[] = [
  nameColumn(),
  col('Data', 'string', 'Data contains the configuration data.', (c) => Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length),
  ageColumn(),
]

export const secretColumns: Column<Secret>[] = [
  nameColumn(),
  col('Type', 'string', 'Used to facilitate programmatic handling of secret data.', (s) => s.type ?? ''),
  col('Data', 'string', 'Data contains the secret data.', (s) => Object.keys(s.data ?? {}).length),
  ageColumn(),
]

// --- Events -----------------------------------------------------------------------------------------

function eventTimes(e: Event, now: number): { first: string; last: string; count: number } {
  const first = e.firstTimestamp ? age(e.firstTimestamp, now) : age(e.eventTime, now)
  let last = e.lastTimestamp ? age(e.lastTimestamp, now) : first
  let count = e.count ?? 0
  if (e.series) {
    last = age(e.series.lastObservedTime, now)
    count = e.series.count ?? 0
  } else if (count === 0) {
    count = 1
  }
  return { first, last, count }
}

function eventSource(e: Event): string {
  const component = e.source?.component || e.reportingComponent || ''
  const instance = e.source?.host || e.reportingInstance || ''
  return instance ? `${component}, ${instance}` : component
}

function eventObject(e: Event): string {
  const kind = (e.involvedObject.kind ?? '').toLowerCase()
  return e.involvedObject.name ? `${kind}/${e.involvedObject.name}` : kind
}

export const eventColumns: Column<Event>[] = [
  col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.', (e, now) => eventTimes(e, now).last),
  col('Type', 'string', 'Type of this event (Normal, Warning).', (e) => e.type ?? ''),
  col('Reason', 'string', "A short, machine understandable string that gives the reason for the transition into the object's current status.", (e) => e.reason ?? ''),
  col('Object', 'string', 'The object that this event is about.', eventObject),
  col('Subobject', 'string', 'A path into the involved object, e.g. spec.containers{web}.', (e) => e.involvedObject.fieldPath ?? '', 1),
  col('Source', 'string', 'The component reporting this event.', eventSource, 1),
  col('Message', 'string', 'A human-readable description of the status of this operation.', (e) => (e.message ?? '').trim()),
  col('First Seen', 'string', 'The time at which the event was first recorded.', (e, now) => eventTimes(e, now).first, 1),
  col('Count', 'string', 'The number of times this event has occurred.', (e, now) => eventTimes(e, now).count, 1),
  { ...nameColumn<Event>(), priority: 1 },
]

// --- coordination.k8s.io and coxswain.dev ------------------------------------------------------------

export const leaseColumns: Column<Lease>[] = [
  nameColumn(),
  col('Holder', 'string', 'The holder of the lease.', (l) => l.spec?.holderIdentity || '<none>'),
  ageColumn(),
]

function machineAddress(m: Machine): string {
  if (m.spec?.local) return 'local'
  const address = m.spec?.address ?? ''
  const host = address.includes(':') ? `[${address}]` : address
  return m.spec?.port && m.spec.port !== 22 ? `${host}:${m.spec.port}` : host
}

export const machineColumns: Column<Machine>[] = [
  nameColumn(),
  col('Address', 'string', "The machine's SSH address, or local.", machineAddress),
  col('Phase', 'string', 'How the connection to the machine stands.', (m) => m.status?.phase ?? 'Pending'),
  col('Privilege', 'string', 'What the SSH user may do: root, sudo or none.', (m) => m.status?.privilege ?? '<unknown>'),
  col('Docker', 'string', "The Docker engine's version.", (m) => m.status?.dockerVersion ?? '<unknown>'),
  ageColumn(),
  col('User', 'string', 'The SSH user.', (m) => m.spec?.user ?? '<none>', 1),
  col('Host Key', 'string', 'The fingerprint of the host key the machine presented.', (m) => m.status?.hostKeyFingerprint ?? '<unknown>', 1),
  col('Message', 'string', 'What happened, for people.', (m) => m.status?.message ?? '', 1),
]
