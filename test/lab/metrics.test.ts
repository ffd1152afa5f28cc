// `kubectl top` against the lab: an in-process control plane joins the lab's machines (node agents,
// pod sync and the metrics samplers over SSH), one busy pod runs on node-1, and the real kubectl
// 1.33 prints NodeMetrics for all three nodes and PodMetrics for the pod with CPU above zero,
// through metrics.k8s.io on the REST door. Waits poll the condition, never a fixed sleep.

import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLabFile, type LabFile } from '../../scripts/lab/lab-file.ts'
import { waitFor } from '../../scripts/lab/run.ts'
import type { Node, Pod } from '../../src-main/api/index.ts'
import { container, makePod } from '../../src-main/api/testing/builders.ts'
import { systemContext } from '../../src-main/apiserver/api-server.ts'
import type { ResourceRef } from '../../src-main/apiserver/types.ts'
import { ControlPlane } from '../../src-main/controlplane.ts'
import { applyMachines, labMachines } from '../../src-main/nodeagent/machines/lab-machines.ts'
import { POD_UID_LABEL } from '../../src-main/nodeagent/pods/names.ts'
import { startHttpServer, type RunningHttpServer } from '../../src-main/server/http-server.ts'
import { loadOrCreateToken, READONLY_TOKEN_FILE } from '../../src-main/server/token.ts'
import { createLogger } from '../../src-main/util/log.ts'
import { Kubectl, kubectlAvailable } from '../kubectl/support/kubectl.ts'

const quiet = createLogger({}, () => {}, 'warn')
const ctx = systemContext('lab-test')
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' }
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespace: 'default' }
const NODE = 'node-1'
const POD = `busy-${randomBytes(3).toString('hex')}`

let lab: LabFile
let dir: string
let cp: ControlPlane
let http: RunningHttpServer
let kubectl: Kubectl
let podUid = ''

const isReady = (n: Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
/** `kubectl top` rows without the header, split on whitespace. */
const rows = (out: string): string[][] => out.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/))
/** A CPU column such as "123m" or "0m" in millicores. */
const millicores = (cpu: string | undefined): number => Number(/^(\d+)m$/.exec(cpu ?? '')?.[1] ?? NaN)

beforeAll(async () => {
  lab = readLabFile()
  dir = mkdtempSync(join(tmpdir(), 'coxswain-lab-metrics-'))
  const dataDir = join(dir, 'data')
  cp = new ControlPlane({ dataDir, log: quiet })
  await cp.start()
  const token = loadOrCreateToken(dataDir)
  const readOnlyToken = loadOrCreateToken(dataDir, undefined, READONLY_TOKEN_FILE)
  mkdirSync(join(dir, 'renderer'))
  http = await startHttpServer({ controlPlane: cp, token, readOnlyToken, rendererDir: join(dir, 'renderer'), log: quiet, listen: '127.0.0.1', port: 0 })
  kubectl = new Kubectl('1.33', http.kubeconfigPath, join(dir, 'home'))
  await applyMachines(cp.api, labMachines(lab), ctx)
  await waitFor('every lab node Ready', async () => (await cp.api.list(NODES, {}, ctx)).items.filter((n) => isReady(n as Node)).length === lab.nodes.length, 30_000, 200)
  const pod = makePod(POD, 'default')
    .withContainer(container('spin', lab.image, { command: ['sh', '-c', 'while :; do :; done'], imagePullPolicy: 'IfNotPresent' }))
    .withSpec({ nodeName: NODE, hostNetwork: true, dnsPolicy: 'Default', terminationGracePeriodSeconds: 0 })
    .obj()
  podUid = (await cp.api.create(PODS, pod, ctx)).object.metadata.uid ?? ''
})

afterAll(async () => {
  // Delete the busy pod through the API and let pod sync remove its container; force it off the node anyway.
  await cp?.api.delete({ ...PODS, name: POD }, { gracePeriodSeconds: 0 }, ctx).catch(() => {})
  await waitFor(`${POD} gone`, () => cp.api.get({ ...PODS, name: POD }, ctx).then(() => false, () => true), 20_000, 200).catch(() => {})
  const node = lab?.nodes.find((n) => n.name === NODE)
  if (node && podUid) {
    const docker = new Docker({ socketPath: node.localDockerSocket })
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${POD_UID_LABEL}=${podUid}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {})
  }
  await http?.close()
  await cp?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!kubectlAvailable('1.33'))('kubectl top against the lab', () => {
  it('top nodes prints every lab node with its CPU and memory', async () => {
    let out = ''
    await waitFor(
      'kubectl top nodes to list every node',
      async () => {
        const r = await kubectl.run(['top', 'nodes'])
        out = r.stdout
        return r.code === 0 && lab.nodes.every((n) => rows(out).some((row) => row[0] === n.name))
      },
      40_000,
      1000,
    )
    const [header] = out.trim().split('\n')
    expect(header?.trim().split(/\s+/)).toEqual(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'])
    for (const n of lab.nodes) {
      const row = rows(out).find((r) => r[0] === n.name)
      expect(row?.[1], `${n.name} CPU`).toMatch(/^\d+m$/)
      expect(row?.[3], `${n.name} memory`).toMatch(/^[1-9]\d*Mi$/)
    }
    // The busy loop alone keeps node-1 (and the host it shares) above 0.5 CPU.
    expect(millicores(rows(out).find((r) => r[0] === NODE)?.[1])).toBeGreaterThan(0)
  })

  it('top pods prints the busy pod with CPU above zero', async () => {
    await waitFor(`${POD} Running`, async () => ((await cp.api.get({ ...PODS, name: POD }, ctx)) as Pod).status?.phase === 'Running', 45_000, 200).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(((await cp.api.get({ ...PODS, name: POD }, ctx)) as Pod).status)}`)
    })
    let out = ''
    await waitFor(
      `kubectl top pods to show ${POD} busy`,
      async () => {
        const r = await kubectl.run(['top', 'pods', '-n', 'default'])
        out = r.stdout
        return r.code === 0 && millicores(rows(out).find((row) => row[0] === POD)?.[1]) > 0
      },
      30_000,
      1000,
    )
    const row = rows(out).find((r) => r[0] === POD)
    expect(out.trim().split('\n')[0]?.trim().split(/\s+/)).toEqual(['NAME', 'CPU(cores)', 'MEMORY(bytes)'])
    // A core's worth of spinning, give or take scheduling on a shared host.
    expect(millicores(row?.[1])).toBeGreaterThan(100)
    expect(row?.[2]).toMatch(/^\d+Mi$/)

    const containers = await kubectl.ok(['top', 'pod', POD, '-n', 'default', '--containers'])
    expect(rows(containers).map((r) => r.slice(0, 2))).toEqual([[POD, 'spin']])
  }, 90_000)

  it('serves the group in discovery, and PodMetrics as metrics-server shapes them', async () => {
    expect(await kubectl.ok(['api-resources', '--api-group', 'metrics.k8s.io'])).toMatch(/^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m)
    const pm = JSON.parse(await kubectl.ok(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/${POD}`])) as Record<string, unknown>
    expect(pm).toMatchObject({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: { name: POD, namespace: 'default' }, containers: [{ name: 'spin' }] })
    expect(pm.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(pm.window).toMatch(/^\d+(\.\d+)?m?s$/)
  })
})

