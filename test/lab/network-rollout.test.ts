// A rolling update through a Service with zero failed requests, on the lab: a 2-replica Deployment
// (readiness probe; preStop sleep so a pod keeps serving while every node drops it from its rules)
// behind a NodePort Service; while a pod on node-1 loops on the cluster IP and this runner loops on
// a node port, the template changes and the Deployment rolls both pods over. Every request must
// succeed: new pods take traffic only once Ready, old ones leave the Endpoints the moment they
// start terminating, before their server stops.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLabFile, type LabFile } from '../../scripts/lab/lab-file.ts'
import type { Deployment } from '../../src-main/api/types/apps.ts'
import type { Endpoints, Node, Service } from '../../src-main/api/types/core.ts'
import type { Pod } from '../../src-main/api/types/pod.ts'
import { makeDeployment, makePod, makeService } from '../../src-main/api/testing/builders.ts'
import { systemContext } from '../../src-main/apiserver/api-server.ts'
import { RESOURCES, resourceRef } from '../../src-main/apiserver/resources.ts'
import { ControlPlane } from '../../src-main/controlplane.ts'
import { labNetworkOptions } from '../../src-main/network/lab.ts'
import { applyMachines, labMachines } from '../../src-main/nodeagent/machines/lab-machines.ts'
import { createLogger } from '../../src-main/util/log.ts'
import { httpGet, inPod, resetNodeNetworks, waitContainersGone, waitFor, WHO_SERVER } from '../support/network-lab.ts'
import { planNodes, settingsFromEnv } from '../../scripts/lab/config.ts'

const quiet = createLogger({}, () => {}, 'warn')
const ctx = systemContext('lab-test')
const NS = 'default'
const isReady = (p: Pod | undefined): boolean => p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false

let lab: LabFile
let dataDir: string
let cp: ControlPlane

const pods = async (selector: string) => (await cp.api.list(resourceRef(RESOURCES.pods, NS), { labelSelector: selector }, ctx)).items as Pod[]

beforeAll(async () => {
  lab = readLabFile()
  dataDir = mkdtempSync(join(tmpdir(), 'coxswain-lab-rollout-'))
  cp = new ControlPlane({ dataDir, log: quiet, podSync: { infraImage: lab.image, infraCommand: ['sleep', '2147483647'] }, metrics: false, network: labNetworkOptions(lab) })
  await cp.start()
  await applyMachines(cp.api, labMachines(lab), ctx)
  await waitFor(
    async () => {
      const nodes = (await cp.api.list(RESOURCES.nodes, {}, ctx)).items as Node[]
      return nodes.length === lab.nodes.length && nodes.every((n) => n.spec?.podCIDR && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    },
    30_000,
    'every lab node Ready with a pod CIDR',
  )
}, 60_000)

afterAll(async () => {
  if (cp?.running) {
    await cp.api.delete(resourceRef(RESOURCES.deployments, NS, 'roll'), {}, ctx).catch(() => {})
    await cp.api.delete(resourceRef(RESOURCES.services, NS, 'roll'), {}, ctx).catch(() => {})
    await cp.api.delete(resourceRef(RESOURCES.pods, NS, 'roll-client'), { gracePeriodSeconds: 0 }, ctx).catch(() => {})
    await waitFor(async () => (await cp.api.list(RESOURCES.pods, {}, ctx)).items.length === 0, 30_000, 'pods gone').catch(() => {})
    const left = (await cp.api.list(RESOURCES.pods, {}, ctx)).items.map((p) => p.metadata.name ?? '')
    await waitContainersGone(lab, ['roll-client', ...left]).catch(() => {})
    await cp.stop()
  }
  if (lab) {
    const plans = planNodes(settingsFromEnv())
    await resetNodeNetworks(lab, (node) => plans.find((n) => n.name === node)?.netns ?? '').catch(() => {})
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}, 60_000)

describe('a rolling update behind a Service', () => {
  it('fails no request through the cluster IP or the node port', async () => {
    const client = makePod('roll-client', NS)
      .withContainer({ name: 'main', image: lab.image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'exec sleep 3600'] })
      .withSpec({ nodeName: 'node-1', terminationGracePeriodSeconds: 0 })
      .obj()
    await cp.api.create(resourceRef(RESOURCES.pods, NS), client, ctx)
    const deployment = makeDeployment('roll', NS)
      .withReplicas(2)
      .withSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } })
      .withPodSpec({
        terminationGracePeriodSeconds: 10,
        containers: [
          {
            name: 'main',
            image: lab.image,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', WHO_SERVER],
            env: [{ name: 'VERSION', value: '1' }],
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/cgi-bin/who', port: 'http' }, periodSeconds: 1 },
            // Serve on while every node takes the pod out of its rules (tens of ms; see bench:proxy).
            lifecycle: { preStop: { sleep: { seconds: 2 } } },
          },
        ],
      })
      .obj()
    await cp.api.create(resourceRef(RESOURCES.deployments, NS), deployment, ctx)
    const svc = (await cp.api.create(resourceRef(RESOURCES.services, NS), makeService('roll').withSpec({ type: 'NodePort', selector: { app: 'roll' } }).withPorts({ port: 80, targetPort: 'http' }).obj(), ctx))
      .object as Service
    await waitFor(async () => isReady((await pods('app!=roll')).find((p) => p.metadata.name === 'roll-client')), 30_000, 'the client pod Ready')
    await waitFor(
      async () => {
        const ep = (await cp.api.get(resourceRef(RESOURCES.endpoints, NS, 'roll'), ctx).catch(() => undefined)) as Endpoints | undefined
        return ep?.subsets?.[0]?.addresses?.length === 2
      },
      60_000,
      'two ready backends',
    ).catch(async (err: unknown) => {
      const seen = (await pods('app=roll')).map((p) => `${p.metadata.name} on ${p.spec?.nodeName ?? '-'}: ${p.status?.phase ?? '-'} ${JSON.stringify(p.status?.conditions ?? [])} ${JSON.stringify(p.status?.containerStatuses?.[0]?.state ?? {})}`)
      throw new Error(`${(err as Error).message}; pods: ${seen.join(' | ')}`)
    })
    const url = `http://${svc.spec?.clusterIP}/cgi-bin/who`
    await waitFor(async () => (await inPod(lab, 'node-1', 'roll-client', `timeout 3 wget -q -O - ${url}`)).ok, 10_000, 'the cluster IP answering')

    // Bounded loops: until told to stop, at most 90 s.
    const loop = `rm -f /tmp/stop; end=$(($(date +%s) + 90)); n=0; f=0; while [ ! -f /tmp/stop ] && [ $(date +%s) -lt $end ]; do if timeout 3 wget -q -O /dev/null ${url}; then n=$((n+1)); else f=$((f+1)); fi; done; echo "$n $f"`
    const inside = inPod(lab, 'node-1', 'roll-client', loop)
    const node3 = lab.nodes.find((n) => n.name === 'node-3')?.address ?? ''
    const nodePort = svc.spec?.ports?.[0]?.nodePort ?? 0
    const outside = { ok: 0, failed: [] as string[], stop: false }
    const outsideLoop = (async () => {
      while (!outside.stop) {
        try {
          if ((await httpGet(node3, nodePort, '/cgi-bin/who')).startsWith('roll-')) outside.ok++
          else outside.failed.push('unexpected answer')
        } catch (err) {
          outside.failed.push((err as Error).message)
        }
      }
    })()

    await waitFor(async () => (await inPod(lab, 'node-1', 'roll-client', 'true')).ok, 5000, 'the loop running')
    const before = new Set((await pods('app=roll')).map((p) => p.metadata.name))
    await cp.api.patch(resourceRef(RESOURCES.deployments, NS, 'roll'), 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'VERSION', value: '2' }] }] } } } }, ctx)
    await waitFor(
      async () => {
        const d = (await cp.api.get(resourceRef(RESOURCES.deployments, NS, 'roll'), ctx)) as Deployment
        const current = await pods('app=roll')
        return (
          d.status?.updatedReplicas === 2 &&
          d.status.readyReplicas === 2 &&
          current.length === 2 &&
          current.every((p) => !before.has(p.metadata.name) && isReady(p) && !p.metadata.deletionTimestamp)
        )
      },
      90_000,
      'the rollout done and the old pods gone',
    )
    await inPod(lab, 'node-1', 'roll-client', 'touch /tmp/stop')
    outside.stop = true
    const [counts] = await Promise.all([inside, outsideLoop])
    const [ok = 0, failed = -1] = counts.out.trim().split(' ').map(Number)
    expect({ failed, failures: outside.failed }).toEqual({ failed: 0, failures: [] })
    expect(ok).toBeGreaterThan(50)
    expect(outside.ok).toBeGreaterThan(50)
  }, 180_000)
})
