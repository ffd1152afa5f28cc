// What a Service's Endpoints and EndpointSlice should hold, from the pods its selector picks (pure).
// As Kubernetes' endpoints controller: a pod counts once it has an IP; ready pods go to
// `addresses`, others to `notReadyAddresses` (all to addresses with publishNotReadyAddresses); a
// terminating pod is left out of Endpoints (a rolling update drops it before its containers
// stop) and shown as terminating in the slice; a named targetPort is looked up in each pod's
// containers, and a pod without that port is not an endpoint of that port.

import type { Endpoints, EndpointAddress, EndpointPort, EndpointSubset, Service, ServicePort } from '../../api/types/core.ts'
import type { EndpointSlice, Endpoint as SliceEndpoint } from '../../api/types/discovery.ts'
import type { Pod } from '../../api/types/pod.ts'
import { matchesLabels, selectorFromSet } from '../../api/selectors/labels.ts'

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name'
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by'
export const MANAGED_BY = 'endpointslice-controller.coxswain.dev'

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
}

/** The pods a Service's selector picks in its namespace (none for a Service without a selector). */
export function selectedPods(svc: Service, pods: readonly Pod[]): Pod[] {
  const selector = svc.spec?.selector
  if (!selector || Object.keys(selector).length === 0) return []
  const s = selectorFromSet(selector)
  return pods.filter((p) => p.metadata.namespace === svc.metadata.namespace && matchesLabels(s, p.metadata.labels))
}

/** The container port a Service port targets on `pod`, or undefined when the pod has no such named port. */
export function resolveTargetPort(port: ServicePort, pod: Pod): number | undefined {
  const target = port.targetPort ?? port.port
  if (typeof target === 'number') return target
  if (/^\d+$/.test(target)) return Number(target)
  const protocol = port.protocol ?? 'TCP'
  for (const c of pod.spec?.containers ?? []) {
    for (const cp of c.ports ?? []) if (cp.name === target && (cp.protocol ?? 'TCP') === protocol) return cp.containerPort
  }
  return undefined
}

const podIP = (pod: Pod): string | undefined => pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || undefined

function address(pod: Pod): EndpointAddress {
  return {
    ip: podIP(pod) ?? '',
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  }
}

const byIP = (a: EndpointAddress, b: EndpointAddress): number => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0)

/** Endpoints.subsets for `svc`: pods grouped by the ports they serve, in a stable order. */
export function computeSubsets(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>()
  for (const pod of selectedPods(svc, pods)) {
    if (!podIP(pod) || pod.metadata.deletionTimestamp) continue
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue
    const ports: EndpointPort[] = []
    for (const sp of svc.spec?.ports ?? []) {
      const port = resolveTargetPort(sp, pod)
      if (port === undefined) continue
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' })
    }
    if ((svc.spec?.ports?.length ?? 0) > 0 && ports.length === 0) continue
    const key = JSON.stringify(ports)
    let group = groups.get(key)
    if (!group) groups.set(key, (group = { ports, ready: [], notReady: [] }))
    if (publishNotReady || isPodReady(pod)) group.ready.push(address(pod))
    else group.notReady.push(address(pod))
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      ...(g.ready.length ? { addresses: g.ready.sort(byIP) } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIP) } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    }))
}

function serviceLabels(svc: Service): Record<string, string> {
  return { ...svc.metadata.labels }
}

export function desiredEndpoints(svc: Service, pods: readonly Pod[]): Endpoints {
  const labels = serviceLabels(svc)
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: svc.metadata.name ?? '', namespace: svc.metadata.namespace ?? '', ...(Object.keys(labels).length ? { labels } : {}) },
    subsets: computeSubsets(svc, pods),
  }
}

/** One slice per Service (small clusters), named after it, owned by it. */
export function desiredEndpointSlice(svc: Service, pods: readonly Pod[]): EndpointSlice {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true
  const endpoints: SliceEndpoint[] = []
  let ports: { name?: string; port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[] | undefined
  for (const pod of selectedPods(svc, pods)) {
    const ip = podIP(pod)
    if (!ip || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue
    const podPorts = (svc.spec?.ports ?? []).flatMap((sp) => {
      const port = resolveTargetPort(sp, pod)
      return port === undefined ? [] : [{ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' }]
    })
    if ((svc.spec?.ports?.length ?? 0) > 0 && podPorts.length === 0) continue
    ports ??= podPorts
    const terminating = !!pod.metadata.deletionTimestamp
    const ready = isPodReady(pod)
    endpoints.push({
      addresses: [ip],
      conditions: { ready: (publishNotReady || ready) && !terminating, serving: ready, terminating },
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
    })
  }
  endpoints.sort((a, b) => ((a.addresses[0] ?? '') < (b.addresses[0] ?? '') ? -1 : 1))
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: svc.metadata.name ?? '',
      namespace: svc.metadata.namespace ?? '',
      labels: { ...serviceLabels(svc), [SERVICE_NAME_LABEL]: svc.metadata.name ?? '', [MANAGED_BY_LABEL]: MANAGED_BY },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name ?? '', uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
      ],
    },
    addressType: 'IPv4',
    endpoints,
    ports: ports ?? (svc.spec?.ports ?? []).map((sp) => ({ ...(sp.name ? { name: sp.name } : {}), protocol: sp.protocol ?? 'TCP' })),
  }
}
