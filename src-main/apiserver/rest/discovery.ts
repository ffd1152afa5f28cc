// Discovery documents, derived from the registry: the classic ones (/api → APIVersions, /apis →
// APIGroupList, /apis/{group} → APIGroup, /api/v1 and /apis/{group}/{version} → APIResourceList)
// and aggregated discovery (APIGroupDiscoveryList, apidiscovery.k8s.io v2 and v2beta1: one answer
// holding every resource, which kubectl ≥ 1.26 asks for first and caches).

import { apiResourceList, groupVersions, RESOURCES, type APIResourceList, type ResourceType } from '../../api/registry.ts'

interface GroupVersionForDiscovery {
  groupVersion: string
  version: string
}

export interface APIGroup {
  kind: 'APIGroup'
  apiVersion: 'v1'
  name: string
  versions: GroupVersionForDiscovery[]
  preferredVersion: GroupVersionForDiscovery
}

export interface APIGroupList {
  kind: 'APIGroupList'
  apiVersion: 'v1'
  groups: Omit<APIGroup, 'kind' | 'apiVersion'>[]
}

export interface APIVersions {
  kind: 'APIVersions'
  versions: string[]
  serverAddressByClientCIDRs: { clientCIDR: string; serverAddress: string }[]
}

/** The groups served below /apis (not the core group), each with its versions. */
function namedGroups(): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const { group, version } of groupVersions()) {
    if (!group) continue
    const versions = groups.get(group) ?? []
    if (!versions.includes(version)) versions.push(version)
    groups.set(group, versions)
  }
  return groups
}

function groupEntry(group: string, versions: readonly string[]): Omit<APIGroup, 'kind' | 'apiVersion'> {
  const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }))
  // Every group serves one version today; the first listed is the preferred one.
  return { name: group, versions: entries, preferredVersion: entries[0] ?? { groupVersion: '', version: '' } }
}

/** GET /api. `serverAddress` is where clients reached us (host:port). */
export function coreVersions(serverAddress: string): APIVersions {
  const versions = groupVersions()
    .filter((gv) => gv.group === '')
    .map((gv) => gv.version)
  return { kind: 'APIVersions', versions, serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] }
}

/** GET /apis. `extra`: groups served outside the registry (metrics.k8s.io), listed after it. */
export function groupList(extra: readonly Omit<APIGroup, 'kind' | 'apiVersion'>[] = []): APIGroupList {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...[...namedGroups()].map(([group, versions]) => groupEntry(group, versions)), ...extra] }
}

/** GET /apis/{group}; undefined when the group is not served. */
export function apiGroup(group: string): APIGroup | undefined {
  const versions = namedGroups().get(group)
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) } : undefined
}

/** GET /api/v1, /apis/{group}/{version}. */
export function resourceList(group: string, version: string): APIResourceList {
  return apiResourceList(group, version)
}

// --- Aggregated discovery ------------------------------------------------------------------------

interface GroupVersionKind {
  group: string
  version: string
  kind: string
}

interface APISubresourceDiscovery {
  subresource: string
  responseKind?: GroupVersionKind
  verbs: string[]
}

interface APIResourceDiscovery {
  resource: string
  responseKind: GroupVersionKind
  scope: 'Namespaced' | 'Cluster'
  singularResource: string
  verbs: string[]
  shortNames?: string[]
  categories?: string[]
  subresources?: APISubresourceDiscovery[]
}

export interface APIGroupDiscovery {
  metadata: { name?: string; creationTimestamp: null }
  versions: { version: string; resources: APIResourceDiscovery[]; freshness: 'Current' }[]
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList'
  apiVersion: string
  metadata: Record<string, never>
  items: APIGroupDiscovery[]
}

function resourceDiscovery(r: ResourceType): APIResourceDiscovery {
  const entry: APIResourceDiscovery = {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
  }
  if (r.shortNames.length) entry.shortNames = [...r.shortNames]
  if (r.categories.length) entry.categories = [...r.categories]
  if (r.subresources.length) {
    entry.subresources = r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: s.kind ?? { group: r.group, version: r.version, kind: r.kind },
      verbs: [...s.verbs],
    }))
  }
  return entry
}

function groupDiscovery(group: string, versions: readonly string[]): APIGroupDiscovery {
  const metadata: APIGroupDiscovery['metadata'] = group ? { name: group, creationTimestamp: null } : { creationTimestamp: null }
  return {
    metadata,
    versions: versions.map((version) => ({
      version,
      resources: RESOURCES.filter((r) => r.group === group && r.version === version).map(resourceDiscovery),
      freshness: 'Current',
    })),
  }
}

/** Aggregated discovery for /api (`legacy`: the core group) or /apis (every named group, then `extra`). */
export function aggregatedDiscovery(scope: 'core' | 'named', version: 'v2' | 'v2beta1', extra: readonly APIGroupDiscovery[] = []): APIGroupDiscoveryList {
  const items =
    scope === 'core'
      ? [groupDiscovery('', coreVersions('').versions)]
      : [...[...namedGroups()].map(([group, versions]) => groupDiscovery(group, versions)), ...extra]
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items }
}
