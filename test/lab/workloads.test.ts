// Workload controllers on the lab's real nodes: a control plane in this process joins the 3 lab
// nodes through Machines (as `serve --lab` does) and serves the Kubernetes API on loopback, so the
// real kubectl drives rollouts. A 6-replica Deployment is scaled to 10 and 2; a new image rolls
// out within maxSurge/maxUnavailable (sampled from the API throughout); an image that cannot start
// stalls with ProgressDeadlineExceeded while the old pods keep running, and resizing it then grows
// both ReplicaSets in proportion; `kubectl rollout undo` restores the previous template. A
// DaemonSet puts one pod on every node, loses the pod of a removed node, gets one on a node that
// joins, and rolls a new template out node by node. The scheduler places the Deployment's pods.
// Waits poll with deadlines; nothing sleeps.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labFilePath, readLabFile, type LabFile } from '../../scripts/lab/lab-file.ts'
import type { DaemonSet, Deployment, Machine, Node, Pod, ReplicaSet } from '../../src-main/api/index.ts'
import { systemContext } from '../../src-main/apiserver/api-server.ts'
import { RESOURCES, resourceRef } from '../../src-main/apiserver/resources.ts'
import { ControlPlane } from '../../src-main/controlplane.ts'
import { MACHINES } from '../../src-main/nodeagent/machines/machine-controller.ts'
import { applyMachines, readLabMachines, readLabPodSyncOptions } from '../../src-main/nodeagent/machines/lab-machines.ts'
import { startHttpServer, type RunningHttpServer } from '../../src-main/server/http-server.ts'
import { loadOrCreateToken, READONLY_TOKEN_FILE } from '../../src-main/server/token.ts'
import { createLogger } from '../../src-main/util/log.ts'
import { equalIgnoringHash } from '../../src-main/controllers/workloads/template-hash.ts'
import { Kubectl } from '../kubectl/support/kubectl.ts'

const NS = 'default'
const ctx = systemContext('lab-test')
const quiet = createLogger({}, (line) => process.stderr.write(line + '\n'), (process.env.COXSWAIN_LOG_LEVEL as 'debug' | undefined) ?? 'error')

let lab: LabFile
let dataDir: string
let cp: ControlPlane
let http: RunningHttpServer
let kubectl: Kubectl

async function until<T>(check: () => Promise<T | false | undefined>, what: string, timeoutMs = 30_000, describe?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const result = await check()
    if (result !== false && result !== undefined) return result
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? ` (${await describe()})` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const isReady = (p: Pod): boolean => p.status?.phase === 'Running' && (p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false)
const listPods = async (labelSelector: string): Promise<Pod[]> => (await cp.api.list(resourceRef(RESOURCES.pods, NS), { labelSelector }, ctx)).items as Pod[]
const activePods = async (labelSelector: string): Promise<Pod[]> => (await listPods(labelSelector)).filter((p) => !p.metadata.deletionTimestamp)
const getDeployment = async (name: string): Promise<Deployment> => (await cp.api.get(resourceRef(RESOURCES.deployments, NS, name), ctx)) as Deployment
const image = (p: Pod): string => p.spec?.containers[0]?.image ?? ''

async function describePods(labelSelector: string): Promise<string> {
  const pods = await listPods(labelSelector)
  return pods.map((p) => `${p.metadata.name}:${p.spec?.nodeName ?? '-'}:${p.metadata.deletionTimestamp ? 'Terminating' : isReady(p) ? 'Ready' : (p.status?.phase ?? '?')}`).join(' ')
}

/** All `replicas` pods of the Deployment updated, Ready, and nothing else left (kubectl rollout status's notion, plus the pods themselves). */
async function rolledOut(name: string, replicas: number, wantImage?: string): Promise<boolean> {
  const d = await getDeployment(name)
  const s = d.status ?? {}
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0) || s.updatedReplicas !== replicas || s.replicas !== replicas || s.availableReplicas !== replicas) return false
  const pods = await listPods(`app=${name}`)
  return pods.length === replicas && pods.every((p) => !p.metadata.deletionTimestamp && isReady(p) && (!wantImage || image(p) === wantImage))
}

function deployment(name: string, replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'app', image: lab.image, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
        },
      },
    },
  }
}

beforeAll(async () => {
  lab = readLabFile()
  dataDir = mkdtempSync(join(tmpdir(), 'coxswain-lab-workloads-'))
  loadOrCreateToken(dataDir)
  cp = new ControlPlane({ dataDir, log: quiet, podSync: readLabPodSyncOptions(labFilePath()) })
  await cp.start()
  const token = loadOrCreateToken(dataDir)
  const readOnlyToken = loadOrCreateToken(dataDir, undefined, READONLY_TOKEN_FILE)
  http = await startHttpServer({ controlPlane: cp, token, readOnlyToken, rendererDir: dataDir, log: quiet, listen: '127.0.0.1', port: 0 })
  kubectl = new Kubectl('1.33', http.kubeconfigPath, mkdtempSync(join(dataDir, 'kubectl-')))
  await applyMachines(cp.api, readLabMachines(labFilePath()), ctx)
  await until(
    async () => {
      const nodes = (await cp.api.list(RESOURCES.nodes, {}, ctx)).items as Node[]
      return lab.nodes.every((n) => nodes.some((node) => node.metadata.name === n.name && node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')))
    },
    'every lab node Ready',
  )
})

afterAll(async () => {
  if (cp?.running) {
    for (const ref of [RESOURCES.deployments, RESOURCES.daemonsets]) await cp.api.deleteCollection(resourceRef(ref, NS), {}, {}, ctx).catch(() => undefined)
    // Leave the nodes as found: no pod of ours, so no container of ours.
    await until(async () => (await cp.api.list(resourceRef(RESOURCES.pods, NS), {}, ctx)).items.length === 0, 'pods gone', 60_000).catch(() => undefined)
  }
  await http?.close()
  await cp?.stop()
  // The second tag made for the rollout (the image itself stays, under its own tag).
  const { default: Docker } = await import('dockerode')
  for (const n of lab?.nodes ?? []) await new Docker({ socketPath: n.localDockerSocket }).getImage(`${lab.image.split(':')[0] ?? ''}:v2`).remove().catch(() => undefined)
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('Deployment on the lab', () => {
  it('runs 6 replicas, scales to 10 and to 2', async () => {
    await cp.api.create(resourceRef(RESOURCES.deployments, NS), deployment('web', 6), ctx)
    await until(() => rolledOut('web', 6), '6 replicas Ready', 60_000, () => describePods('app=web'))
    expect(new Set((await activePods('app=web')).map((p) => p.spec?.nodeName)).size).toBeGreaterThan(1)
    await kubectl.ok(['scale', 'deployment/web', '--replicas=10', '-n', NS])
    await until(() => rolledOut('web', 10), '10 replicas Ready', 60_000, () => describePods('app=web'))
    await kubectl.ok(['scale', 'deployment/web', '--replicas=2', '-n', NS])
    await until(() => rolledOut('web', 2), '2 replicas', 60_000, () => describePods('app=web'))
    await kubectl.ok(['scale', 'deployment/web', '--replicas=6', '-n', NS])
    await until(() => rolledOut('web', 6), '6 replicas again', 60_000, () => describePods('app=web'))
  })

  it('rolls a new image out within maxSurge 2 and maxUnavailable 1, sampled throughout', async () => {
    const newImage = `${lab.image.split(':')[0] ?? ''}:v2`
    // The same image under a second tag on every node: a real template change, no registry.
    for (const n of lab.nodes) {
      const { default: Docker } = await import('dockerode')
      await new Docker({ socketPath: n.localDockerSocket }).getImage(lab.image).tag({ repo: newImage.split(':')[0] ?? '', tag: 'v2' })
    }
    await kubectl.ok(['set', 'image', 'deployment/web', `app=${newImage}`, '-n', NS])
    const samples: { active: number; ready: number }[] = []
    const status = kubectl.start(['rollout', 'status', 'deployment/web', '-n', NS, '--timeout=90s'])
    await until(
      async () => {
        const pods = await activePods('app=web')
        samples.push({ active: pods.length, ready: pods.filter(isReady).length })
        return rolledOut('web', 6, newImage)
      },
      'the new image rolled out',
      90_000,
      () => describePods('app=web'),
    )
    await status.waitFor((out) => out.includes('deployment "web" successfully rolled out'), 30_000)
    await status.stop()
    expect(samples.length).toBeGreaterThan(5)
    expect(Math.max(...samples.map((s) => s.active))).toBeLessThanOrEqual(8)
    expect(Math.min(...samples.map((s) => s.ready))).toBeGreaterThanOrEqual(5)
    const history = await kubectl.ok(['rollout', 'history', 'deployment/web', '-n', NS])
    expect(history).toMatch(/^1\s/m)
    expect(history).toMatch(/^2\s/m)
  })

  it('stalls a broken image with ProgressDeadlineExceeded while the old pods keep running; scales in proportion; rollout undo restores the template', async () => {
    const before = (await getDeployment('web')).spec?.template
    const goodImage = image((await activePods('app=web'))[0] ?? ({} as Pod))
    await cp.api.patch(resourceRef(RESOURCES.deployments, NS, 'web'), 'application/strategic-merge-patch+json', { spec: { progressDeadlineSeconds: 8 } }, ctx)
    await kubectl.ok(['set', 'image', 'deployment/web', 'app=coxswain-test/not-here:1', '-n', NS])
    let leastOldReady = Infinity
    await until(
      async () => {
        const pods = await activePods('app=web')
        leastOldReady = Math.min(leastOldReady, pods.filter((p) => image(p) === goodImage && isReady(p)).length)
        const progressing = (await getDeployment('web')).status?.conditions?.find((c) => c.type === 'Progressing')
        return progressing?.reason === 'ProgressDeadlineExceeded' && progressing.status === 'False'
      },
      'ProgressDeadlineExceeded',
      45_000,
      () => describePods('app=web'),
    )
    expect(leastOldReady).toBeGreaterThanOrEqual(5)
    const status = await kubectl.run(['rollout', 'status', 'deployment/web', '-n', NS, '--timeout=10s'])
    expect(status.code).not.toBe(0)
    expect(status.stderr).toContain('deployment "web" exceeded its progress deadline')

    // Resized while stalled (old 5, new 3 of 6 + surge 2): both ReplicaSets grow in proportion to 9 + 2.
    await kubectl.ok(['scale', 'deployment/web', '--replicas=9', '-n', NS])
    const sizes = async (): Promise<string> =>
      ((await cp.api.list(resourceRef(RESOURCES.replicasets, NS), { labelSelector: 'app=web' }, ctx)).items as ReplicaSet[])
        .map((rs) => `${rs.spec?.template?.spec?.containers[0]?.image === goodImage ? 'old' : rs.spec?.template?.spec?.containers[0]?.image === 'coxswain-test/not-here:1' ? 'new' : 'other'}=${rs.spec?.replicas ?? 0}`)
        .filter((entry) => !entry.endsWith('=0'))
        .sort()
        .join(',')
    await until(async () => (await sizes()) === 'new=4,old=7', 'proportional sizes new=4, old=7', 30_000, sizes)

    await kubectl.ok(['rollout', 'undo', 'deployment/web', '-n', NS])
    await until(() => rolledOut('web', 9, goodImage), 'the previous template back', 60_000, () => describePods('app=web'))
    expect(equalIgnoringHash((await getDeployment('web')).spec?.template, before)).toBe(true)
    const progressing = (await getDeployment('web')).status?.conditions?.find((c) => c.type === 'Progressing')
    expect(progressing?.reason).toBe('NewReplicaSetAvailable')
    const sets = (await cp.api.list(resourceRef(RESOURCES.replicasets, NS), { labelSelector: 'app=web' }, ctx)).items as ReplicaSet[]
    expect(sets.filter((rs) => (rs.spec?.replicas ?? 0) > 0)).toHaveLength(1)
    // The undo reused revision 2's ReplicaSet (now revision 4), rather than making a twin of it.
    expect(sets.filter((rs) => equalIgnoringHash(rs.spec?.template, before))).toHaveLength(1)
  })
})

describe('DaemonSet on the lab', () => {
  const daemonSet: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NS },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'agent', image: '', imagePullPolicy: 'Never', command: ['sleep', '3600'] }] },
      },
    },
  }
  const readyNodes = async (): Promise<string> =>
    (await activePods('app=agent'))
      .filter(isReady)
      .map((p) => p.spec?.nodeName ?? '')
      .sort()
      .join(',')

  it('runs one pod per node; a removed node loses it, a node that joins gets one', async () => {
    const ds = structuredClone(daemonSet)
    const container = ds.spec?.template.spec?.containers[0]
    if (container) container.image = lab.image
    await cp.api.create(resourceRef(RESOURCES.daemonsets, NS), ds, ctx)
    await until(async () => (await readyNodes()) === 'node-1,node-2,node-3', 'a Ready pod on each node', 60_000, () => describePods('app=agent'))
    expect(await kubectl.ok(['rollout', 'status', 'daemonset/agent', '-n', NS, '--timeout=30s'])).toContain('daemon set "agent" successfully rolled out')

    const machine = (await cp.api.get({ ...MACHINES, name: 'node-3' }, ctx)) as Machine
    await cp.api.delete({ ...MACHINES, name: 'node-3' }, {}, ctx)
    await until(async () => (await listPods('app=agent')).every((p) => p.spec?.nodeName !== 'node-3'), 'node-3’s daemon pod gone', 60_000, () => describePods('app=agent'))
    expect(await readyNodes()).toBe('node-1,node-2')

    await applyMachines(cp.api, readLabMachines(labFilePath()).filter((m) => m.metadata.name === machine.metadata.name), ctx)
    await until(async () => (await readyNodes()) === 'node-1,node-2,node-3', 'a daemon pod on node-3 again', 60_000, () => describePods('app=agent'))
  })
  it('rolls a new template out node by node; kubectl rollout status follows it', async () => {
    const newImage = `${lab.image.split(':')[0] ?? ''}:v2`
    const oldUids = new Set((await activePods('app=agent')).map((p) => p.metadata.uid))
    await kubectl.ok(['set', 'image', 'daemonset/agent', `agent=${newImage}`, '-n', NS])
    let leastReady = Infinity
    const status = kubectl.start(['rollout', 'status', 'daemonset/agent', '-n', NS, '--timeout=90s'])
    await until(
      async () => {
        const pods = await activePods('app=agent')
        leastReady = Math.min(leastReady, pods.filter(isReady).length)
        return pods.length === 3 && pods.every((p) => isReady(p) && image(p) === newImage && !oldUids.has(p.metadata.uid))
      },
      'every daemon pod replaced',
      90_000,
      () => describePods('app=agent'),
    )
    await status.waitFor((out) => out.includes('daemon set "agent" successfully rolled out'), 30_000)
    await status.stop()
    // maxUnavailable 1 (the default): never more than one node without a Ready daemon.
    expect(leastReady).toBeGreaterThanOrEqual(2)
  })
})
