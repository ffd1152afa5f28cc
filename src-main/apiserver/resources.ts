// The resources in-process clients (controllers, scheduler, node agents, proxy) address, in one
// place: `RESOURCES.pods` for lists and watches, `resourceRef(RESOURCES.pods, ns, name, sub)` for one object.

import type { ResourceRef } from './types.ts'

const core = (resource: string): ResourceRef => ({ group: '', version: 'v1', resource })
const apps = (resource: string): ResourceRef => ({ group: 'apps', version: 'v1', resource })

export const RESOURCES = {
  pods: core('pods'),
  nodes: core('nodes'),
  namespaces: core('namespaces'),
  services: core('services'),
  endpoints: core('endpoints'),
  events: core('events'),
  configmaps: core('configmaps'),
  secrets: core('secrets'),
  deployments: apps('deployments'),
  replicasets: apps('replicasets'),
  daemonsets: apps('daemonsets'),
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
  machines: { group: 'coxswain.dev', version: 'v1alpha1', resource: 'machines' },
} as const satisfies Record<string, ResourceRef>

/** `base` narrowed to a namespace, an object and maybe a subresource (`status`, `scale`, `binding`, `eviction`). */
export function resourceRef(base: ResourceRef, namespace: string | undefined, name?: string, subresource?: string): ResourceRef {
  return {
    ...base,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  }
}
