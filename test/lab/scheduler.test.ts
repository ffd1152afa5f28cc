// The scheduler against the real lab: a control plane joins the lab's three nodes (real sshd and
// dockerd, node status as their Docker engines report it) and places pods made through the API
// server; pod sync then runs them. Checks the promises: nodeSelector, a pod that fits
// nowhere waiting with Kubernetes' words until room frees up, a Deployment's 9 replicas spread
// 3/3/3 (and a Service's pods), required anti-affinity, and a cordoned node taking nothing new.
// Every wait is on a condition.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readLabFile, type LabFile } from '../../scripts/lab/lab-file.ts'
import { waitFor } from '../../scripts/lab/run.ts'
import type { Event, Node, Service } from '../../src-main/api/types/core.ts'
import type { Pod, PodSpec } from '../../src-main/api/types/pod.ts'
import { makeDeployment, makePod } from '../../src-main/api/testing/builders.ts'
import { quantityMilliValue } from '../../src-main/api/quantity.ts'
import { systemContext } from '../../src-main/apiserver/api-server.ts'
import { RESOURCES, resourceRef } from '../../src-main/apiserver/resources.ts'
import { ControlPlane } from '../../src-main/controlplane.ts'
import { applyMachines, labMachines } from '../../src-main/nodeagent/machines/lab-machines.ts'
import { createLogger } from '../../src-main/util/log.ts'

const quiet = createLogger({ suite: 'lab/scheduler' }, (line) => process.stderr.write(line + '\n'), 'error')
const ctx = systemContext('lab-test')
const NS = 'default'

let lab: LabFile
let dataDir: string
let cp: ControlPlane

const pods = async (): Promise<Pod[]> => (await cp.api.list(resourceRef(RESOURCES.pods, NS), {}, ctx)).items as Pod[]
const getPod = async (name: string): Promise<Pod> => (await cp.api.get(resourceRef(RESOURCES.pods, NS, name), ctx)) as Pod
const nodeOf = async (name: string): Promise<string | undefined> => (await getPod(name)).spec?.nodeName
const until = (what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> =>
  waitFor(what, () => check().catch(() => false), timeoutMs, 20)

function sleeper(name: string, spec: Partial<PodSpec> = {}, labels: Record<string, string> = {}): Pod {
  return makePod(name, NS)
    .withLabels(labels)
    .withContainer({ name: 'app', image: lab.image, imagePullPolicy: 'Never', command: ['sleep', '2147483647'] })
    .withSpec({ terminationGracePeriodSeconds: 0, ...spec })
    .obj()
}

async function create(pod: Pod): Promise<void> {
  await cp.api.create(resourceRef(RESOURCES.pods, NS), pod, ctx)
}

async function service(name: string, selector: Record<string, string>): Promise<void> {
  const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { selector, ports: [{ port: 80 }] } }
  await cp.api.create(resourceRef(RESOURCES.services, NS), svc, ctx)
}

/** Where each of `names` is bound, once all are. */
async function placements(names: string[]): Promise<Record<string, number>> {
  await until(`${names.length} pods bound`, async () => (await Promise.all(names.map(nodeOf))).every((n) => n !== undefined))
  const count: Record<string, number> = {}
  for (const node of await Promise.all(names.map(nodeOf))) count[node ?? ''] = (count[node ?? ''] ?? 0) + 1
  return count
}

const patchNode = (name: string, patch: unknown) => cp.api.patch(resourceRef(RESOURCES.nodes, undefined, name), 'application/merge-patch+json', patch, ctx)

beforeAll(async () => {
  lab = readLabFile()
  dataDir = mkdtempSync(join(tmpdir(), 'coxswain-lab-scheduler-'))
  cp = new ControlPlane({ dataDir, log: quiet, podSync: { infraImage: lab.image, infraCommand: ['sleep', '2147483647'] } })
  await cp.start()
  await applyMachines(cp.api, labMachines(lab), ctx)
  const ready = (n: Node | undefined) => n?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
  await until('every lab node Ready', async () => {
    const nodes = (await cp.api.list(RESOURCES.nodes, {}, ctx)).items as Node[]
    return nodes.length === lab.nodes.length && nodes.every(ready)
  }, 30_000)
})

afterEach(async () => {
  // Leave a clean cluster for the next test: workloads, pods and services gone, every node schedulable.
  for (const d of (await cp.api.list(resourceRef(RESOURCES.deployments, NS), {}, ctx)).items) {
    await cp.api.delete(resourceRef(RESOURCES.deployments, NS, d.metadata.name), { propagationPolicy: 'Background' }, ctx)
  }
  await until('every ReplicaSet gone', async () => (await cp.api.list(resourceRef(RESOURCES.replicasets, NS), {}, ctx)).items.length === 0, 30_000)
  await cp.api.deleteCollection(resourceRef(RESOURCES.pods, NS), {}, { gracePeriodSeconds: 0 }, ctx)
  for (const s of (await cp.api.list(resourceRef(RESOURCES.services, NS), {}, ctx)).items) {
    if (s.metadata.name !== 'kubernetes') await cp.api.delete(resourceRef(RESOURCES.services, NS, s.metadata.name), {}, ctx)
  }
  for (const n of lab.nodes) await patchNode(n.name, { metadata: { labels: { disk: null } }, spec: { unschedulable: null } })
  await until('every pod gone', async () => (await pods()).length === 0, 30_000)
})

afterAll(async () => {
  await cp?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('scheduler on the lab', () => {
  it('puts a pod with a nodeSelector on the labelled node, where it runs', async () => {
    await patchNode('node-2', { metadata: { labels: { disk: 'ssd' } } })
    await create(sleeper('ssd-only', { nodeSelector: { disk: 'ssd' } }))
    await until('ssd-only Running', async () => (await getPod('ssd-only')).status?.phase === 'Running')
    expect(await nodeOf('ssd-only')).toBe('node-2')
  })

  it('keeps a pod that fits nowhere Pending in Kubernetes words, and places it by itself when room frees up', async () => {
    // Requests sized from what the nodes report: one hog fits per node, and the waiter fits only once a hog goes.
    const nodes = (await cp.api.list(RESOURCES.nodes, {}, ctx)).items as Node[]
    const allocatable = Math.min(...nodes.map((n) => quantityMilliValue(n.status?.allocatable?.cpu ?? '0')))
    const hog = `${Math.floor(allocatable * 0.6)}m`
    const want = `${Math.floor(allocatable * 0.5)}m`
    const resources = (cpu: string) => ({ containers: [{ name: 'app', image: lab.image, imagePullPolicy: 'Never' as const, command: ['sleep', '2147483647'], resources: { requests: { cpu } } }] })
    for (let i = 0; i < 3; i++) await create(sleeper(`hog-${i}`, resources(hog)))
    expect(await placements(['hog-0', 'hog-1', 'hog-2'])).toEqual({ 'node-1': 1, 'node-2': 1, 'node-3': 1 })

    await create(sleeper('waiter', resources(want)))
    const message = '0/3 nodes are available: 3 Insufficient cpu.'
    await until('waiter marked unschedulable', async () => (await getPod('waiter')).status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable' && c.message === message) === true)
    const events = (await cp.api.list(resourceRef(RESOURCES.events, NS), {}, ctx)).items as Event[]
    expect(events.some((e) => e.involvedObject.name === 'waiter' && e.reason === 'FailedScheduling' && e.message === message)).toBe(true)
    expect((await getPod('waiter')).status?.phase).toBe('Pending')

    const freed = await nodeOf('hog-1')
    await cp.api.delete(resourceRef(RESOURCES.pods, NS, 'hog-1'), { gracePeriodSeconds: 0 }, ctx)
    await until('waiter placed on the freed node', async () => (await nodeOf('waiter')) === freed, 30_000)
    await until('waiter Running', async () => (await getPod('waiter')).status?.phase === 'Running')
  })

  it('spreads the 9 replicas of a Deployment 3/3/3 over 3 equal nodes', async () => {
    const deployment = makeDeployment('web', NS)
      .withReplicas(9)
      .withPodSpec({ containers: [{ name: 'web', image: lab.image, imagePullPolicy: 'Never', command: ['sleep', '2147483647'] }], terminationGracePeriodSeconds: 0 })
      .obj()
    await cp.api.create(resourceRef(RESOURCES.deployments, NS), deployment, ctx)
    await until('9 pods made', async () => (await pods()).length === 9)
    expect(await placements((await pods()).map((p) => p.metadata.name ?? ''))).toEqual({ 'node-1': 3, 'node-2': 3, 'node-3': 3 })
  })

  it('spreads the pods of one Service 3/3/3 when no controller groups them', async () => {
    await service('svc', { app: 'svc' })
    const names = Array.from({ length: 9 }, (_, i) => `svc-${i}`)
    await Promise.all(names.map((n) => create(sleeper(n, {}, { app: 'svc' }))))
    expect(await placements(names)).toEqual({ 'node-1': 3, 'node-2': 3, 'node-3': 3 })
  })

  it('keeps replicas with required anti-affinity apart, and says why the fourth waits', async () => {
    const apart: Partial<PodSpec> = {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } },
    }
    const names = ['db-0', 'db-1', 'db-2']
    await Promise.all(names.map((n) => create(sleeper(n, apart, { app: 'db' }))))
    expect(await placements(names)).toEqual({ 'node-1': 1, 'node-2': 1, 'node-3': 1 })
    await create(sleeper('db-3', apart, { app: 'db' }))
    const message = "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."
    await until('db-3 unschedulable', async () => (await getPod('db-3')).status?.conditions?.some((c) => c.message === message) === true)
  })

  it('gives a cordoned node nothing new', async () => {
    await patchNode('node-3', { spec: { unschedulable: true } })
    await until('the cordon seen', async () => {
      const node = (await cp.api.get(resourceRef(RESOURCES.nodes, undefined, 'node-3'), ctx)) as Node
      return node.spec?.unschedulable === true
    })
    await service('api', { app: 'api' })
    const names = Array.from({ length: 6 }, (_, i) => `api-${i}`)
    await Promise.all(names.map((n) => create(sleeper(n, {}, { app: 'api' }))))
    expect(await placements(names)).toEqual({ 'node-1': 3, 'node-2': 3 })
  })
})
