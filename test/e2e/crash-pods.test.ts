// End to end: SIGKILL the built headless server while it starts 20 pods on the lab's three nodes,
// restart it on the same data dir, and check the nodes hold exactly the 20 pods' containers: one
// running container per pod, none for a pod the cluster does not know, none that never ran. Then
// the same for deletion: kill it while the 20 pods are being deleted, restart, and nothing remains.
// This is the agent's adoption promise (src-main/nodeagent/podsync/README.md): labels and
// deterministic names make a restarted control plane adopt, never duplicate.
//
// Needs the lab (`npm run lab:up`) and a build (`npx electron-vite build`).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLabFile, type LabFile } from '../../scripts/lab/lab-file.ts'
import { KubeRest } from './support/rest.ts'
import { killServe, requireBuiltServe, startServe, type RunningServe } from './support/serve.ts'

const NAMESPACE = 'crash-pods'
const PODS = 20
const MANAGED = 'io.coxswain.managed=true'
const POD_UID_LABEL = 'io.kubernetes.pod.uid'

interface PodAnswer {
  metadata: { name: string; uid: string }
  spec: { nodeName?: string }
  status?: { phase?: string; conditions?: { type: string; status: string }[] }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

describe('SIGKILL of the control plane while pods start and stop', () => {
  let lab: LabFile
  let dataDir: string
  let serve: RunningServe | undefined
  let rest: KubeRest
  let dockers: { node: string; docker: Docker }[]

  const start = async (): Promise<void> => {
    serve = await startServe(dataDir, undefined, ['--lab', join(process.cwd(), '.lab', 'nodes.json')])
    rest = KubeRest.forDataDir(serve.baseUrl, dataDir)
  }
  const containers = async (): Promise<{ node: string; info: Docker.ContainerInfo }[]> => {
    const all = await Promise.all(
      dockers.map(async ({ node, docker }) => (await docker.listContainers({ all: true, filters: { label: [MANAGED] } })).map((info) => ({ node, info }))),
    )
    return all.flat().filter(({ info }) => info.Labels[`io.kubernetes.pod.namespace`] === NAMESPACE)
  }
  const pods = async (): Promise<PodAnswer[]> =>
    ((await rest.get<{ items: PodAnswer[] }>(`/api/v1/namespaces/${NAMESPACE}/pods`)).items)
  const ready = (pod: PodAnswer): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false

  beforeAll(async () => {
    requireBuiltServe()
    lab = readLabFile()
    dockers = lab.nodes.map((n) => ({ node: n.name, docker: new Docker({ socketPath: n.localDockerSocket }) }))
    // Whatever an earlier crashed run of this test left on the nodes would count as an orphan here.
    for (const { node, info } of await containers()) {
      await dockers.find((d) => d.node === node)?.docker.getContainer(info.Id).remove({ force: true })
    }
    dataDir = mkdtempSync(join(tmpdir(), 'coxswain-crash-pods-'))
    await start()
    await until('three Ready nodes', async () => {
      const nodes = await rest.get<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>('/api/v1/nodes')
      const readyNodes = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      return readyNodes.length === lab.nodes.length ? true : undefined
    })
    const ns = await rest.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } } })
    expect(ns.status).toBe(201)
  }, 120_000)

  afterAll(async () => {
    await killServe(serve)
    for (const { node, info } of (await containers().catch(() => [])) ?? []) {
      await dockers.find((d) => d.node === node)?.docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined)
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('restarted mid-start, it runs exactly the 20 pods: one container each, no orphans, none duplicated', async () => {
    const creates = Array.from({ length: PODS }, (_, i) =>
      rest.request('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, {
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `p-${i}` },
          spec: {
            nodeName: lab.nodes[i % lab.nodes.length]?.name,
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'app', image: lab.image, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
          },
        },
      }),
    )
    expect((await Promise.all(creates)).map((a) => a.status)).toEqual(Array(PODS).fill(201))
    // Kill once the first containers exist and before all of them do: the middle of the start.
    const atKill = await until('the first pod containers', async () => {
      const n = (await containers()).length
      return n >= 3 ? n : undefined
    }, 60_000, 5)
    await killServe(serve)
    expect(atKill, 'all 20 containers existed before the kill: it did not land mid-start').toBeLessThan(PODS)

    await start()
    const running = await until('20 Ready pods', async () => {
      const list = await pods()
      return list.length === PODS && list.every(ready) ? list : undefined
    }, 90_000, 100)

    // The nodes agree with the API: exactly one running container per pod, on the pod's node.
    const byUid = new Map(running.map((p) => [p.metadata.uid, p]))
    const found = await containers()
    const orphans = found.filter(({ info }) => !byUid.has(info.Labels[POD_UID_LABEL] ?? ''))
    expect(orphans.map(({ node, info }) => `${node} ${info.Names[0] ?? info.Id}`)).toEqual([])
    const neverRan = found.filter(({ info }) => info.State === 'created')
    expect(neverRan.map(({ node, info }) => `${node} ${info.Names[0] ?? info.Id}`)).toEqual([])
    for (const pod of running) {
      const mine = found.filter(({ info }) => info.Labels[POD_UID_LABEL] === pod.metadata.uid && info.State === 'running')
      expect(mine.map(({ node }) => node), `running containers of ${pod.metadata.name}`).toEqual([pod.spec.nodeName])
    }
  }, 240_000)

  // The built bundle carries the DNS server's sources (out/main/dns-server): every node runs it.
  it('runs the cluster DNS server on every node from the built bundle', async () => {
    await until('the cluster DNS container running on every node', async () => {
      const running = await Promise.all(
        dockers.map(async ({ docker }) => (await docker.listContainers({ filters: { name: ['coxswain-cluster-dns'], status: ['running'] } })).length > 0),
      )
      return running.every(Boolean) ? true : undefined
    }, 120_000, 250)
  }, 150_000)

  it('restarted mid-deletion, it finishes deleting: no pod object and no container remain', async () => {
    const del = await rest.request('DELETE', `/api/v1/namespaces/${NAMESPACE}/pods`)
    expect(del.status).toBe(200)
    const before = (await containers()).length
    await until('the first containers to go', async () => ((await containers()).length < before ? true : undefined), 60_000, 5)
    await killServe(serve)
    await start()
    await until('every pod object and container gone', async () => {
      const [list, left] = await Promise.all([pods(), containers()])
      return list.length === 0 && left.length === 0 ? true : undefined
    }, 90_000, 100)
    expect(await containers()).toEqual([])
    expect(await pods()).toEqual([])
  }, 240_000)
})
