// Node failure against the real lab: a control plane joins the three lab nodes through Machines and
// runs pods pinned to them (the node-lifecycle controller with its default settings and the pods'
// default tolerations). A node is failed the way real machines fail — a silent power-off, a
// network partition — and the test checks what Kubernetes promises, faster: the node is
// Ready=Unknown with the unreachable taints, its pods are not Ready and are evicted, pods elsewhere
// are untouched; when the node returns its evicted pods' containers are gone before it is Ready
// again (and before a new pod starts there), their objects are gone, no pod runs twice, the
// taints are off. Also for a crash (connections reset), a freeze (every process stopped) and a
// stopped Docker engine (Ready=False, not-ready: evicted after 10 s; cleaned up before Ready again). Cordon and drain go through the REST door with the real kubectl binaries.
// Waits poll with deadlines; no timing is asserted (bench/failover.ts measures).

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { injectFault } from '../../scripts/lab/faults.ts'
import { readLabFile, type LabFile, type LabNode } from '../../scripts/lab/lab-file.ts'
import { waitFor } from '../../scripts/lab/run.ts'
import type { Node, Pod } from '../../src-main/api/index.ts'
import { container, makePod } from '../../src-main/api/testing/builders.ts'
import { systemContext } from '../../src-main/apiserver/api-server.ts'
import { RESOURCES, resourceRef } from '../../src-main/apiserver/resources.ts'
import { ControlPlane } from '../../src-main/controlplane.ts'
import { CLUSTER_CONTROLLERS } from '../../src-main/controllers/manager.ts'
import { applyMachines, labMachines, readLabPodSyncOptions } from '../../src-main/nodeagent/machines/lab-machines.ts'
import { POD_UID_LABEL } from '../../src-main/nodeagent/pods/names.ts'
import { startHttpServer, type RunningHttpServer } from '../../src-main/server/http-server.ts'
import { loadOrCreateToken, READONLY_TOKEN_FILE } from '../../src-main/server/token.ts'
import { createLogger } from '../../src-main/util/log.ts'
import { Kubectl, KUBECTL_VERSIONS, kubectlAvailable } from '../kubectl/support/kubectl.ts'

const quiet = createLogger({ suite: 'lab/node-failure' }, (line) => process.stderr.write(line + '\n'), (process.env.COXSWAIN_LOG_LEVEL as 'info' | undefined) ?? 'warn')
const ctx = systemContext('lab-test')
const NS = 'default'
const UNREACHABLE = 'node.kubernetes.io/unreachable'
const NOT_READY = 'node.kubernetes.io/not-ready'

let lab: LabFile
let dataDir: string
let cp: ControlPlane
let http: RunningHttpServer

const labNode = (name: string): LabNode => {
  const node = lab.nodes.find((n) => n.name === name)
  if (!node) throw new Error(`the lab has no ${name}`)
  return node
}
const dockerOf = (name: string): Docker => new Docker({ socketPath: labNode(name).localDockerSocket })
const nodeOf = async (name: string): Promise<Node> => (await cp.api.get(resourceRef(RESOURCES.nodes, undefined, name), ctx)) as Node
const podOf = async (name: string): Promise<Pod | undefined> => (await cp.api.get(resourceRef(RESOURCES.pods, NS, name), ctx).catch(() => undefined)) as Pod | undefined
const readyOf = (node: Node): string | undefined => node.status?.conditions?.find((c) => c.type === 'Ready')?.status
const podReady = (pod: Pod | undefined): boolean => pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
const taintsOf = (node: Node): string[] => (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort()

/** Containers on `nodeName` (every state) that belong to the pod with this UID. */
async function containersOf(nodeName: string, uid: string): Promise<Docker.ContainerInfo[]> {
  return dockerOf(nodeName).listContainers({ all: true, filters: { label: [`${POD_UID_LABEL}=${uid}`] } })
}
async function runningContainersOf(nodeName: string, uid: string): Promise<number> {
  return (await containersOf(nodeName, uid)).filter((c) => c.State === 'running').length
}

async function runPod(name: string, nodeName: string): Promise<Pod> {
  const pod = makePod(name, NS)
    .withContainer(container('main', lab.image, { command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'], imagePullPolicy: 'IfNotPresent' }))
    .withSpec({ nodeName, terminationGracePeriodSeconds: 2 })
    .obj()
  const created = (await cp.api.create(resourceRef(RESOURCES.pods, NS), pod, ctx)).object as Pod
  await waitFor(`${name} Ready on ${nodeName}`, async () => podReady(await podOf(name)), 30_000)
  return created
}

async function deleteAllPods(): Promise<void> {
  const pods = (await cp.api.list(resourceRef(RESOURCES.pods, NS), {}, ctx)).items as Pod[]
  await Promise.all(pods.map((p) => cp.api.delete(resourceRef(RESOURCES.pods, NS, p.metadata.name), { gracePeriodSeconds: 0 }, ctx).catch(() => undefined)))
}

async function allNodesReady(): Promise<void> {
  await waitFor('every lab node Ready and untainted', async () => {
    for (const n of lab.nodes) {
      const node = await nodeOf(n.name).catch(() => undefined)
      if (!node || readyOf(node) !== 'True' || taintsOf(node).length) return false
    }
    return true
  }, 60_000)
}

beforeAll(async () => {
  lab = readLabFile()
  dataDir = mkdtempSync(join(tmpdir(), 'coxswain-lab-node-failure-'))
  cp = new ControlPlane({ dataDir, log: quiet, podSync: readLabPodSyncOptions(join(process.cwd(), '.lab', 'nodes.json')) })
  await cp.start()
  const rendererDir = join(dataDir, 'renderer')
  mkdirSync(rendererDir, { recursive: true })
  const token = loadOrCreateToken(dataDir)
  const readOnlyToken = loadOrCreateToken(dataDir, undefined, READONLY_TOKEN_FILE)
  http = await startHttpServer({ controlPlane: cp, token, readOnlyToken, rendererDir, log: quiet, listen: '127.0.0.1', port: 0 })
  await applyMachines(cp.api, labMachines(lab), ctx)
  await allNodesReady()
}, 90_000)

afterEach(async () => {
  for (const n of lab.nodes) {
    await injectFault(n.name, 'heal').catch(() => undefined)
    await injectFault(n.name, 'poweron').catch(() => undefined)
    await injectFault(n.name, 'thaw').catch(() => undefined)
    await injectFault(n.name, 'start-docker').catch(() => undefined)
    await cp.api.patch(resourceRef(RESOURCES.nodes, undefined, n.name), 'application/merge-patch+json', { spec: { unschedulable: null } }, ctx).catch(() => undefined)
  }
  await deleteAllPods()
  await allNodesReady()
}, 90_000)

afterAll(async () => {
  await http?.close()
  await cp?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('a node that fails', () => {
  // Nobody hears the node (Ready=Unknown, unreachable), or it answers without a container runtime (Ready=False, not-ready).
  const faults = [
    ['poweroff', 'poweron', 'Unknown', UNREACHABLE],
    ['partition', 'heal', 'Unknown', UNREACHABLE],
    ['crash', 'poweron', 'Unknown', UNREACHABLE],
    ['freeze', 'thaw', 'Unknown', UNREACHABLE],
    ['stop-docker', 'start-docker', 'False', NOT_READY],
  ] as const
  for (const [fault, restore, ready, taint] of faults) {
    it(`${fault}: Ready=${ready}, tainted ${taint}, its pods evicted; back: old containers gone before Ready, nothing twice`, async () => {
      const [a, b, elsewhere] = await Promise.all([runPod('victim-a', 'node-2'), runPod('victim-b', 'node-2'), runPod('bystander', 'node-1')])

      await injectFault('node-2', fault)
      // Docker's absence is seen by the agent's next probe (every 10 s), the others within about 4 s.
      await waitFor(`node-2 Ready=${ready} with the ${taint} taints`, async () => {
        const node = await nodeOf('node-2')
        return readyOf(node) === ready && taintsOf(node).join() === `${taint}:NoExecute,${taint}:NoSchedule`
      }, 20_000)
      // Evicted after the default toleration (unreachable 0 s, not-ready 10 s): Terminating, since
      // nobody can stop their containers yet.
      await waitFor('node-2’s pods evicted', async () => {
        const pods = await Promise.all([podOf('victim-a'), podOf('victim-b')])
        return pods.every((p) => p === undefined || p.metadata.deletionTimestamp !== undefined)
      }, 30_000)
      if (ready === 'Unknown') for (const name of ['victim-a', 'victim-b']) expect(podReady(await podOf(name)), `${name} not Ready`).toBe(false)
      const bystander = await podOf('bystander')
      expect(bystander?.metadata.deletionTimestamp, 'a pod on a healthy node stays').toBeUndefined()
      expect(podReady(bystander)).toBe(true)
      expect(await runningContainersOf('node-1', elsewhere.metadata.uid ?? '')).toBe(1)
      expect(readyOf(await nodeOf('node-1'))).toBe('True')

      // A new pod for node-2 while it is away: it must not start before the old containers are gone.
      const late = makePod('late', NS)
        .withContainer(container('main', lab.image, { command: ['sleep', '3600'], imagePullPolicy: 'IfNotPresent' }))
        .withSpec({ nodeName: 'node-2', terminationGracePeriodSeconds: 1, tolerations: [{ operator: 'Exists' }] })
        .obj()
      const lateUid = ((await cp.api.create(resourceRef(RESOURCES.pods, NS), late, ctx)).object as Pod).metadata.uid ?? ''

      await injectFault('node-2', restore)
      // Sample while the node returns: whenever it is Ready, or the late pod runs, no old container may be running.
      const violations: string[] = []
      let oldGone = false
      await waitFor('node-2 Ready again with the old pods gone', async () => {
        const [node, oldRunning, lateRunning] = await Promise.all([
          nodeOf('node-2'),
          Promise.all([a, b].map((p) => runningContainersOf('node-2', p.metadata.uid ?? ''))).catch(() => [-1]),
          runningContainersOf('node-2', lateUid).catch(() => 0),
        ])
        const old = oldRunning.reduce((x, y) => x + y, 0)
        if (old > 0 && readyOf(node) === 'True') violations.push(`Ready with ${old} old container(s) running`)
        if (old > 0 && lateRunning > 0) violations.push(`the new pod ran beside ${old} old container(s)`)
        oldGone ||= old === 0
        return oldGone && readyOf(node) === 'True' && taintsOf(node).length === 0
      }, 60_000, 20)
      expect(violations).toEqual([])

      await waitFor('the evicted pods’ objects and containers gone', async () => {
        const objects = await Promise.all([podOf('victim-a'), podOf('victim-b')])
        const left = await Promise.all([a, b].map((p) => containersOf('node-2', p.metadata.uid ?? '')))
        return objects.every((o) => o === undefined) && left.every((l) => l.length === 0)
      }, 30_000)
      await waitFor('the late pod Ready on node-2', async () => podReady(await podOf('late')), 30_000)
      // Never two copies: every pod object runs on exactly its own node, once.
      for (const pod of [elsewhere, { metadata: { uid: lateUid } }]) {
        const uid = pod.metadata.uid ?? ''
        const running = await Promise.all(lab.nodes.map((n) => runningContainersOf(n.name, uid)))
        expect(running.reduce((x, y) => x + y, 0), `pod ${uid} runs once`).toBe(1)
      }
    }, 180_000)
  }
})

describe('replacements', () => {
  it('a powered-off node’s replicas run Ready on the other nodes, none scheduled onto it while it is away', async () => {
    const replicas = 6
    const template = {
      metadata: { labels: { app: 'moving' } },
      spec: { terminationGracePeriodSeconds: 1, containers: [container('main', lab.image, { command: ['sleep', '3600'], imagePullPolicy: 'IfNotPresent' })] },
    }
    const active = async (): Promise<Pod[]> =>
      ((await cp.api.list(resourceRef(RESOURCES.pods, NS), { labelSelector: 'app=moving' }, ctx)).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp)
    // The owner: a ReplicaSet once its controller is in the build, until then a loop that recreates what is deleted.
    let owner: NodeJS.Timeout | undefined
    if ('replicaset-controller' in CLUSTER_CONTROLLERS) {
      const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'moving', namespace: NS }, spec: { replicas, selector: { matchLabels: { app: 'moving' } }, template } }
      await cp.api.create(resourceRef(RESOURCES.replicasets, NS), rs, ctx)
    } else {
      let busy = false
      owner = setInterval(() => {
        if (busy) return
        busy = true
        void active()
          .then(async (pods) => {
            for (let i = pods.length; i < replicas; i++) {
              await cp.api.create(resourceRef(RESOURCES.pods, NS), { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'moving-', namespace: NS, labels: template.metadata.labels }, spec: template.spec }, ctx)
            }
          })
          .finally(() => (busy = false))
      }, 25)
    }
    try {
      await waitFor(`${replicas} replicas Ready`, async () => (await active()).filter(podReady).length === replicas, 60_000)
      const counts = new Map<string, number>()
      for (const p of await active()) counts.set(p.spec?.nodeName ?? '', (counts.get(p.spec?.nodeName ?? '') ?? 0) + 1)
      const victim = [...counts.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? 'node-2'

      await injectFault(victim, 'poweroff')
      await waitFor(`${replicas} replicas Ready off ${victim}`, async () => {
        const pods = (await active()).filter((p) => p.spec?.nodeName !== victim)
        return pods.filter(podReady).length === replicas
      }, 30_000)
      expect((await active()).filter((p) => p.spec?.nodeName === victim)).toEqual([])

      await injectFault(victim, 'poweron')
      await allNodesReady()
      const pods = await active()
      expect(pods.filter(podReady)).toHaveLength(replicas)
      for (const pod of pods) {
        const running = await Promise.all(lab.nodes.map((n) => runningContainersOf(n.name, pod.metadata.uid ?? '')))
        expect(running.reduce((x, y) => x + y, 0), `${pod.metadata.name} runs once`).toBe(1)
      }
    } finally {
      clearInterval(owner)
      await cp.api.delete(resourceRef(RESOURCES.replicasets, NS, 'moving'), {}, ctx).catch(() => undefined)
    }
  }, 180_000)
})

describe('cordon and drain with kubectl', () => {
  for (const version of KUBECTL_VERSIONS) {
    it.skipIf(!kubectlAvailable(version))(`kubectl ${version}: cordon taints the node, drain evicts its pods and their containers go, uncordon undoes it`, async () => {
      const kubectl = new Kubectl(version, http.kubeconfigPath, mkdtempSync(join(dataDir, 'kubectl-')))
      const pods = await Promise.all([runPod(`drain-a-${version.replace('.', '')}`, 'node-3'), runPod(`drain-b-${version.replace('.', '')}`, 'node-3')])

      expect(await kubectl.ok(['cordon', 'node-3'])).toContain('node/node-3 cordoned')
      await waitFor('the unschedulable taint', async () => taintsOf(await nodeOf('node-3')).join() === 'node.kubernetes.io/unschedulable:NoSchedule', 10_000)
      expect(await kubectl.ok(['get', 'node', 'node-3', '--no-headers'])).toMatch(/^node-3\s+Ready,SchedulingDisabled\s/)

      // Bare pods need --force, as in Kubernetes; the eviction goes through pods/eviction.
      const refused = await kubectl.run(['drain', 'node-3', '--timeout=60s'])
      expect(refused.code).not.toBe(0)
      expect(refused.stderr, refused.stderr).toMatch(/cannot delete Pods (that )?declare no controller \(use --force to override\)/)
      const drained = await kubectl.ok(['drain', 'node-3', '--force', '--grace-period=1', '--timeout=60s'], { timeoutMs: 90_000 })
      expect(drained).toContain('node/node-3 drained')
      for (const pod of pods) {
        expect(await podOf(pod.metadata.name ?? '')).toBeUndefined()
        await waitFor(`${pod.metadata.name} containers removed`, async () => (await containersOf('node-3', pod.metadata.uid ?? '')).length === 0, 20_000)
      }

      expect(await kubectl.ok(['uncordon', 'node-3'])).toContain('node/node-3 uncordoned')
      await waitFor('node-3 schedulable and untainted', async () => {
        const node = await nodeOf('node-3')
        return !node.spec?.unschedulable && taintsOf(node).length === 0
      }, 10_000)
    }, 120_000)
  }
})
