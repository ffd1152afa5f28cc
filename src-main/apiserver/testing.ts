// Test helpers for code that talks to the API server: a server over a MemoryStore with a fixed
// clock and predictable uids and names, request contexts, resource refs, and a watch recorder.

import type { KubeObject } from '../api/index.ts'
import { makeDeployment, makePod } from '../api/testing/builders.ts'
import { MemoryStore, type Store, type StoreOptions } from '../store/index.ts'
import { WatchRecorder } from '../store/testing.ts'
import { createLogger } from '../util/log.ts'
import { ApiServer } from './api-server.ts'
import type { ApiWatchEvent, RequestContext, ResourceRef } from './types.ts'

export const quietLog = createLogger({}, () => {}, 'error')

export const admin: RequestContext = { user: { name: 'admin', readOnly: false } }
export const viewer: RequestContext = { user: { name: 'viewer', readOnly: true } }
export const dryRun: RequestContext = { ...admin, dryRun: true }

/** A clock tests move by hand. */
export class TestClock {
  private ms: number
  constructor(start = '2026-01-02T03:04:05Z') {
    this.ms = Date.parse(start)
  }
  now = (): Date => new Date(this.ms)
  advance(seconds: number): void {
    this.ms += seconds * 1000
  }
}

export interface TestServer {
  api: ApiServer
  store: Store
  clock: TestClock
}

/** An ApiServer on a MemoryStore with the default namespaces, uids `uid-1`, `uid-2`… and name suffixes from `suffixes`, then `sfx1`, `sfx2`…. */
export async function newTestServer(options: { store?: Store; storeOptions?: StoreOptions; suffixes?: string[] } = {}): Promise<TestServer> {
  const store = options.store ?? new MemoryStore({ log: quietLog, ...options.storeOptions })
  const clock = new TestClock()
  let uids = 0
  let names = 0
  const suffixes = options.suffixes
  const api = new ApiServer({
    store,
    now: clock.now,
    uid: () => `uid-${++uids}`,
    nameSuffix: () => suffixes?.[names++] ?? `sfx${++names - (suffixes?.length ?? 0)}`,
    log: quietLog,
  })
  await api.ensureDefaultNamespaces()
  return { api, store, clock }
}

/** Refs by resource: `ref.pods('default', 'web')`, `ref.nodes('n1')`, `ref.deployments('default')`. */
export const ref = {
  pods: (namespace?: string, name?: string, subresource?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'pods', namespace, name, subresource }),
  configmaps: (namespace?: string, name?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'configmaps', namespace, name }),
  events: (namespace?: string, name?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'events', namespace, name }),
  nodes: (name?: string, subresource?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'nodes', name, subresource }),
  namespaces: (name?: string, subresource?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'namespaces', name, subresource }),
  deployments: (namespace?: string, name?: string, subresource?: string): ResourceRef => ({ group: 'apps', version: 'v1', resource: 'deployments', namespace, name, subresource }),
  replicasets: (namespace?: string, name?: string, subresource?: string): ResourceRef => ({ group: 'apps', version: 'v1', resource: 'replicasets', namespace, name, subresource }),
}

/** Reads an ApiWatch in the background, so tests can wait for events and then look at all of them. */
export class ApiWatchRecorder extends WatchRecorder<ApiWatchEvent> {
  /** `TYPE name` lines (`BOOKMARK rv`, `ERROR code`), for compact assertions. */
  summary(): string[] {
    return this.events.map((e) => {
      if (e.type === 'ERROR') return `ERROR ${String((e.object as { code?: number }).code)}`
      if (e.type === 'BOOKMARK') return `BOOKMARK ${e.object.metadata.resourceVersion ?? ''}`
      return `${e.type} ${(e.object as KubeObject).metadata.name ?? ''}`
    })
  }

  protected override describe(): string {
    return `${this.events.length} events (${this.summary().join(', ')})`
  }
}

/** Lets pending promises and timers run. */
export function settle(ms = 10): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Waits until `condition` holds, polling; fails after `timeoutMs` naming `what`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await settle(5)
  }
}

// --- Builders for kinds src-main/api/testing/builders.ts does not cover -----------------------------

/** A Node: `makeNode('n1').withLabels({ zone: 'a' }).obj()`. */
export function makeNode(name: string) {
  const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name } }
  const builder = {
    withLabels(labels: Record<string, string>) {
      node.metadata.labels = { ...node.metadata.labels, ...labels }
      return builder
    },
    obj: (): KubeObject => structuredClone(node),
  }
  return builder
}

/** A ConfigMap: `makeConfigMap('settings').withData({ a: '1' }).obj()`. */
export function makeConfigMap(name: string, namespace = 'default') {
  const cm: KubeObject & { data?: Record<string, string> } = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } }
  const builder = {
    withData(data: Record<string, string>) {
      cm.data = { ...cm.data, ...data }
      return builder
    },
    withLabels(labels: Record<string, string>) {
      cm.metadata.labels = { ...cm.metadata.labels, ...labels }
      return builder
    },
    withFinalizers(...finalizers: string[]) {
      cm.metadata.finalizers = finalizers
      return builder
    },
    ownedBy(owner: KubeObject, options: { controller?: boolean; blockOwnerDeletion?: boolean } = {}) {
      cm.metadata.ownerReferences = [...(cm.metadata.ownerReferences ?? []), ownerReference(owner, options)]
      return builder
    },
    obj: () => structuredClone(cm),
  }
  return builder
}

/** A reference to `owner` (which must have been stored: it needs a uid). */
export function ownerReference(owner: KubeObject, options: { controller?: boolean; blockOwnerDeletion?: boolean } = {}) {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    ...options,
  }
}

/** A ReplicaSet running `app=<name>` pods, owned (as its controller) by `owner` when given. */
export function makeReplicaSet(name: string, owner?: KubeObject, namespace = 'default'): KubeObject {
  const template = makeDeployment(name).obj().spec?.template
  const rs: KubeObject & { spec: object } = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace, labels: { app: name } },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template },
  }
  if (owner) rs.metadata.ownerReferences = [ownerReference(owner, { controller: true, blockOwnerDeletion: true })]
  return rs
}

/** A pod owned (as its controller) by `owner`, optionally already running on a node. */
export function makeOwnedPod(name: string, owner: KubeObject, node?: string): KubeObject {
  const pod = makePod(name, owner.metadata.namespace ?? 'default').withContainer().withLabels({ app: owner.metadata.name ?? '' })
  if (node) pod.onNode(node)
  const obj = pod.obj()
  obj.metadata.ownerReferences = [ownerReference(owner, { controller: true, blockOwnerDeletion: true })]
  return obj
}
