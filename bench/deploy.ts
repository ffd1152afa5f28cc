// A 30-replica Deployment on the lab against 30 bare pods, measured in the same run:
//
//   (1) deployment: create a Deployment of 30 replicas (busybox `sleep`); time until the
//       ReplicaSet controller has created all 30 pod objects, until all 30 are Running and Ready
//       (pod watch), and until the Deployment says so (availableReplicas 30);
//   (2) baseline: create 30 bare pods directly (also placed by the scheduler) and time until all
//       are Running and Ready.
//
// Both go through the same scheduler and node agents; the difference is what the Deployment and
// ReplicaSet controllers add. The control plane runs in this process (temporary data dir) and
// joins the lab's nodes as `serve --lab` does. 3 runs, alternating which goes first; after each,
// everything is deleted until its containers are gone from the nodes. The pipeline target (design:
// 30 replicas Running in ≤ 3.8 s on 3 nodes) is printed beside the figures.
//
//   npm run bench:deploy          (brings the lab up if needed; LAB_ID selects the lab)

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { labFilePath, readLabFile, type LabFile } from '../scripts/lab/lab-file.ts'
import type { Deployment, KubeObject, Node, Pod } from '../src-main/api/index.ts'
import { systemContext } from '../src-main/apiserver/api-server.ts'
import { RESOURCES, resourceRef } from '../src-main/apiserver/resources.ts'
import { ControlPlane } from '../src-main/controlplane.ts'
import { Informer } from '../src-main/controllers/informer.ts'
import { applyMachines, readLabMachines, readLabPodSyncOptions } from '../src-main/nodeagent/machines/lab-machines.ts'
import { MANAGED_LABEL, POD_NAMESPACE_LABEL } from '../src-main/nodeagent/pods/names.ts'
import { createLogger } from '../src-main/util/log.ts'

const settings = { runs: 3, replicas: 30, targetMs: 3800, readyTimeoutMs: 60_000, goneTimeoutMs: 60_000, nodesTimeoutMs: 30_000 }
const NS = 'bench-deploy'
const ctx = systemContext('bench')
const quiet = createLogger({}, () => {}, 'error')

const isReady = (p: Pod): boolean => p.status?.phase === 'Running' && (p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false)

/** Resolves when `check()` holds, re-checked on every change an informer reports. */
function when(informers: Informer[], check: () => boolean, timeoutMs: number, what: string, describe: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = false
    const finish = (err?: Error): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      if (err) reject(err)
      else resolve(performance.now())
    }
    const test = (): void => {
      if (!done && check()) finish()
    }
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${describe()})`)), timeoutMs)
    for (const informer of informers) informer.addHandlers({ add: test, update: test, delete: test })
    test()
  })
}

function podTemplate(lab: LabFile): Pod['spec'] {
  // busybox's sleep ignores SIGTERM: no grace period, so clean-up between runs is quick.
  return { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: lab.image, imagePullPolicy: 'Never', command: ['sleep', '3600'] }] }
}

async function containersLeft(lab: LabFile): Promise<number> {
  const lists = await Promise.all(lab.nodes.map((n) => new Docker({ socketPath: n.localDockerSocket }).listContainers({ all: true, filters: { label: [MANAGED_LABEL, `${POD_NAMESPACE_LABEL}=${NS}`] } })))
  return lists.flat().length
}

async function main(): Promise<void> {
  const lab = readLabFile()
  const dataDir = mkdtempSync(join(tmpdir(), 'coxswain-bench-deploy-'))
  const cp = new ControlPlane({ dataDir, log: quiet, podSync: readLabPodSyncOptions(labFilePath()) })
  const informer = <T extends KubeObject>(ref: typeof RESOURCES.pods): Informer<T> => new Informer<T>({ api: cp.api, ref, ctx, log: quiet })
  console.log(`bench:deploy on ${lab.nodes.length} lab nodes: ${settings.runs} runs of a ${settings.replicas}-replica Deployment vs ${settings.replicas} bare pods`)
  await cp.start()
  const nodes = informer<Node>(RESOURCES.nodes)
  const pods = informer<Pod>(resourceRef(RESOURCES.pods, NS))
  const deployments = informer<Deployment>(resourceRef(RESOURCES.deployments, NS))
  for (const i of [nodes, pods, deployments]) i.start()
  try {
    await cp.api.create(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, ctx).catch(() => undefined)
    const names = await applyMachines(cp.api, readLabMachines(labFilePath()), ctx)
    await when([nodes], () => names.every((n) => nodes.get(n)?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !!nodes.get(n)?.spec?.podCIDR), settings.nodesTimeoutMs, 'nodes Ready', () => `${nodes.size} nodes`)
    const describePods = (): string => {
      const all = pods.list()
      return `${all.length} pods, ${all.filter(isReady).length} Ready, ${all.filter((p) => p.metadata.deletionTimestamp).length} terminating`
    }
    const allGone = async (): Promise<void> => {
      await when([pods], () => pods.size === 0, settings.goneTimeoutMs, 'pods gone', describePods)
      const deadline = performance.now() + settings.goneTimeoutMs
      while ((await containersLeft(lab)) > 0) {
        if (performance.now() > deadline) throw new Error('containers still on the nodes')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }

    const runDeployment = async (replicas: number): Promise<{ createdMs: number; podsReadyMs: number; readyMs: number }> => {
      const d: Deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'bench', namespace: NS },
        spec: { replicas, selector: { matchLabels: { app: 'bench' } }, template: { metadata: { labels: { app: 'bench' } }, spec: podTemplate(lab) } },
      }
      const started = performance.now()
      const created = when([pods], () => pods.size >= replicas, settings.readyTimeoutMs, 'pod objects created', describePods)
      const podsReady = when([pods], () => pods.list().filter(isReady).length === replicas, settings.readyTimeoutMs, 'pods Ready', describePods)
      const ready = when([pods, deployments], () => deployments.get(`${NS}/bench`)?.status?.availableReplicas === replicas && pods.list().filter(isReady).length === replicas, settings.readyTimeoutMs, 'all Ready', describePods)
      await cp.api.create(resourceRef(RESOURCES.deployments, NS), d, ctx)
      const [createdAt, podsReadyAt, readyAt] = await Promise.all([created, podsReady, ready])
      await cp.api.delete(resourceRef(RESOURCES.deployments, NS, 'bench'), {}, ctx)
      await allGone()
      return { createdMs: createdAt - started, podsReadyMs: podsReadyAt - started, readyMs: readyAt - started }
    }

    const runBarePods = async (count: number): Promise<number> => {
      const started = performance.now()
      const ready = when([pods], () => pods.list().filter(isReady).length === count, settings.readyTimeoutMs, 'all Ready', describePods)
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          cp.api.create(resourceRef(RESOURCES.pods, NS), { apiVersion: 'v1', kind: 'Pod', metadata: { name: `bare-${i}`, labels: { app: 'bare' } }, spec: podTemplate(lab) }, ctx),
        ),
      )
      const readyAt = await ready
      await cp.api.deleteCollection(resourceRef(RESOURCES.pods, NS), { labelSelector: 'app=bare' }, {}, ctx)
      await allGone()
      return readyAt - started
    }

    // Warm-up, not counted: a pod per node (first pod network on each node, image lookups, channels).
    await runDeployment(lab.nodes.length)
    await runBarePods(lab.nodes.length)
    console.log('  warm-up done')

    const results = { created: [] as number[], podsReady: [] as number[], deployReady: [] as number[], bareReady: [] as number[] }
    for (let run = 1; run <= settings.runs; run++) {
      const order = run % 2 ? ['deployment', 'bare'] : ['bare', 'deployment']
      for (const which of order) {
        if (which === 'deployment') {
          const r = await runDeployment(settings.replicas)
          results.created.push(r.createdMs)
          results.podsReady.push(r.podsReadyMs)
          results.deployReady.push(r.readyMs)
        } else {
          results.bareReady.push(await runBarePods(settings.replicas))
        }
      }
      console.log(`  run ${run}: deployment ${(results.deployReady.at(-1) ?? 0).toFixed(0)} ms, bare pods ${(results.bareReady.at(-1) ?? 0).toFixed(0)} ms`)
    }

    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
    const fmt = (ms: number): string => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`)
    const base = median(results.bareReady)
    const rows = [
      [`baseline: ${settings.replicas} bare pods created → all Ready`, ...results.bareReady.map(fmt), fmt(base), '1.00×'],
      [`deployment: create → ${settings.replicas} pod objects exist`, ...results.created.map(fmt), fmt(median(results.created)), ''],
      [`deployment: create → ${settings.replicas} pods Ready (pod watch)`, ...results.podsReady.map(fmt), fmt(median(results.podsReady)), `${(median(results.podsReady) / base).toFixed(2)}×`],
      [`deployment: create → ${settings.replicas} replicas Ready (availableReplicas)`, ...results.deployReady.map(fmt), fmt(median(results.deployReady)), `${(median(results.deployReady) / base).toFixed(2)}×`],
      ['target: 30 replicas Running (design.md, Swarm on this lab)', '', '', '', fmt(settings.targetMs), `${(settings.targetMs / base).toFixed(2)}×`],
    ]
    const header = ['work', ...Array.from({ length: settings.runs }, (_, i) => `run ${i + 1}`), 'median', 'vs baseline']
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
    console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}`)
    const ready = median(results.deployReady)
    console.log(`\nDeployment overhead over bare pods: ${fmt(ready - base)} (median); vs the ${fmt(settings.targetMs)} target: ${ready <= settings.targetMs ? 'met' : 'NOT met'}`)
  } finally {
    await cp.api.delete(resourceRef(RESOURCES.namespaces, undefined, NS), {}, ctx).catch(() => undefined)
    await when([pods], () => pods.size === 0, settings.goneTimeoutMs, 'pods gone', () => `${pods.size} pods`).catch(() => undefined)
    for (const i of [nodes, pods, deployments]) await i.stop()
    await cp.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(1)
})
