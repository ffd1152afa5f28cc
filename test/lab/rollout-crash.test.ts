// SIGKILL the control plane in the middle of a rollout: `serve --lab` (run from the sources) drives
// the lab's nodes; a 6-replica Deployment is halfway from one image to another (maxSurge 1,
// maxUnavailable 0, so the rollout takes several steps) when the server is killed with SIGKILL.
// Restarted on the same data dir, it must finish the rollout correctly: one new ReplicaSet (no
// twin made by a controller that forgot what it had done), 6 Ready pods of the new image, no old
// pod left, and on the nodes exactly one running container per pod.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labFilePath, readLabFile, type LabFile } from '../../scripts/lab/lab-file.ts'
import type { Deployment, KubeList, Node, Pod, ReplicaSet } from '../../src-main/api/index.ts'
import { MANAGED_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL, ROLE_LABEL } from '../../src-main/nodeagent/pods/names.ts'
import { KubeRest } from '../e2e/support/rest.ts'
import { killServe, root, startServe, type RunningServe } from '../e2e/support/serve.ts'

const NS = 'rollout-crash'
const SERVE_SOURCES = join(root, 'src-main/serve.ts')
let lab: LabFile
let dataDir: string
let serve: RunningServe | undefined
let rest: KubeRest

async function until<T>(check: () => Promise<T | false | undefined>, what: string, timeoutMs: number, describe?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const result = await check().catch(() => undefined)
    if (result !== false && result !== undefined) return result
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? ` (${await describe()})` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function get<T>(path: string): Promise<T> {
  const answer = await rest.request('GET', path)
  if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.text.slice(0, 300)}`)
  return answer.json as T
}

const deploymentPath = `/apis/apps/v1/namespaces/${NS}/deployments`
const pods = async (): Promise<Pod[]> => (await get<KubeList<Pod>>(`/api/v1/namespaces/${NS}/pods`)).items
const replicaSets = async (): Promise<ReplicaSet[]> => (await get<KubeList<ReplicaSet>>(`/apis/apps/v1/namespaces/${NS}/replicasets`)).items
const deployment = (): Promise<Deployment> => get<Deployment>(`${deploymentPath}/web`)
const isReady = (p: Pod): boolean => p.status?.phase === 'Running' && (p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false)
const describePods = async (): Promise<string> =>
  (await pods()).map((p) => `${p.metadata.name}:${p.spec?.containers[0]?.image ?? ''}:${p.metadata.deletionTimestamp ? 'Terminating' : isReady(p) ? 'Ready' : (p.status?.phase ?? '?')}`).join(' ')

async function start(): Promise<void> {
  serve = await startServe(dataDir, SERVE_SOURCES, ['--lab', labFilePath()])
  rest = KubeRest.forDataDir(serve.baseUrl, dataDir)
  await until(
    async () => {
      const nodes = (await get<KubeList<Node>>('/api/v1/nodes')).items
      return lab.nodes.every((n) => nodes.some((node) => node.metadata.name === n.name && node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')))
    },
    'every lab node Ready',
    30_000,
  )
}

async function rolledOut(image: string): Promise<boolean> {
  const d = await deployment()
  const s = d.status ?? {}
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0) || s.updatedReplicas !== 6 || s.replicas !== 6 || s.availableReplicas !== 6) return false
  const all = await pods()
  return all.length === 6 && all.every((p) => isReady(p) && p.spec?.containers[0]?.image === image)
}

beforeAll(async () => {
  lab = readLabFile()
  dataDir = mkdtempSync(join(tmpdir(), 'coxswain-lab-rollout-crash-'))
  // A second tag of the lab image on every node: a real template change without a registry.
  for (const n of lab.nodes) await new Docker({ socketPath: n.localDockerSocket }).getImage(lab.image).tag({ repo: 'coxswain-test/busybox', tag: 'crash-v2' })
  await start()
})

afterAll(async () => {
  if (serve && serve.child.exitCode === null) {
    await rest.request('DELETE', `/api/v1/namespaces/${NS}`)
    await until(async () => (await pods()).length === 0, 'the test’s pods gone', 60_000).catch(() => undefined)
    serve.child.kill('SIGTERM')
    await serve.exited
  }
  await killServe(serve)
  for (const n of lab?.nodes ?? []) await new Docker({ socketPath: n.localDockerSocket }).getImage('coxswain-test/busybox:crash-v2').remove().catch(() => undefined)
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('a rollout survives SIGKILL of the control plane', () => {
  it('finishes correctly after a restart on the same data dir', async () => {
    expect((await rest.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } })).status).toBe(201)
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 6,
        minReadySeconds: 1,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: lab.image, imagePullPolicy: 'Never', command: ['sleep', '3600'] }] },
        },
      },
    }
    expect((await rest.request('POST', deploymentPath, { body: d })).status).toBe(201)
    await until(() => rolledOut(lab.image), 'the first rollout', 60_000, describePods)

    const newImage = 'coxswain-test/busybox:crash-v2'
    const patch = { spec: { template: { spec: { containers: [{ name: 'app', image: newImage }] } } } }
    expect((await rest.request('PATCH', `${deploymentPath}/web`, { body: patch, contentType: 'application/strategic-merge-patch+json' })).status).toBe(200)
    // Halfway: some new pods Ready, some old ones still there.
    await until(
      async () => {
        const all = (await pods()).filter((p) => !p.metadata.deletionTimestamp)
        const fresh = all.filter((p) => p.spec?.containers[0]?.image === newImage && isReady(p)).length
        const old = all.filter((p) => p.spec?.containers[0]?.image === lab.image).length
        return fresh >= 2 && old >= 2
      },
      'the rollout halfway',
      60_000,
      describePods,
    )
    await killServe(serve)
    await start()

    await until(() => rolledOut(newImage), 'the rollout finished after the restart', 90_000, describePods)
    const sets = await replicaSets()
    expect(sets).toHaveLength(2)
    expect(sets.map((rs) => [rs.spec?.template?.spec?.containers[0]?.image, rs.spec?.replicas, rs.metadata.annotations?.['deployment.kubernetes.io/revision']]).sort()).toEqual([
      [newImage, 6, '2'],
      [lab.image, 0, '1'],
    ])
    const progressing = (await deployment()).status?.conditions?.find((c) => c.type === 'Progressing')
    expect(progressing?.reason).toBe('NewReplicaSetAvailable')

    // On the nodes: one running app container per pod, none for a pod that is gone.
    const uids = new Set((await pods()).map((p) => p.metadata.uid))
    await until(
      async () => {
        const containers = (
          await Promise.all(lab.nodes.map((n) => new Docker({ socketPath: n.localDockerSocket }).listContainers({ all: true, filters: { label: [MANAGED_LABEL, `${POD_NAMESPACE_LABEL}=${NS}`] } })))
        ).flat()
        const apps = containers.filter((c) => c.Labels[ROLE_LABEL] !== 'infra')
        return apps.length === 6 && apps.every((c) => uids.has(c.Labels[POD_UID_LABEL]) && c.State === 'running') && new Set(apps.map((c) => c.Labels[POD_UID_LABEL])).size === 6
      },
      'exactly one running container per pod on the nodes',
      30_000,
    )
  })
})
