// Cluster networking against the lab's three real nodes: a control plane joins them through
// Machines and runs pods pinned to nodes; the pod network carries pod IPs across nodes without
// NAT, Services reach their ready pods through each node's iptables rules (ClusterIP from a pod,
// NodePort from this test runner on a node without a backend), a Service without endpoints refuses,
// and the rules outlive the control plane (a restart changes nothing on the nodes). Waits poll
// with deadlines; timings are the benchmark's business (bench/proxy.ts).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planNodes, settingsFromEnv } from '../../scripts/lab/config.ts'
import { injectFault } from '../../scripts/lab/faults.ts'
import { readLabFile, type LabFile } from '../../scripts/lab/lab-file.ts'
import type { Endpoints, Node, Service } from '../../src-main/api/types/core.ts'
import type { Pod } from '../../src-main/api/types/pod.ts'
import { makePod, makeService } from '../../src-main/api/testing/builders.ts'
import { systemContext } from '../../src-main/apiserver/api-server.ts'
import { ApiError } from '../../src-main/apiserver/errors.ts'
import { RESOURCES, resourceRef } from '../../src-main/apiserver/resources.ts'
import { ControlPlane } from '../../src-main/controlplane.ts'
import { labNetworkOptions } from '../../src-main/network/lab.ts'
import { applyMachines, labMachines } from '../../src-main/nodeagent/machines/lab-machines.ts'
import { MACHINES } from '../../src-main/nodeagent/machines/machine-controller.ts'
import { createLogger } from '../../src-main/util/log.ts'
import { httpGet, inPod as inPodOf, resetNodeNetworks, run, waitContainersGone, waitFor, WHO_SERVER, wget } from '../support/network-lab.ts'

const quiet = createLogger({}, () => {}, 'warn')
const ctx = systemContext('lab-test')
const NS = 'default'
let lab: LabFile
let dataDir: string
let cp: ControlPlane
/** Per node: passes of its network component, and how many of them replaced the rules. */
const passes = new Map<string, { syncs: number; ruleChanges: number }>()

function startControlPlane(): Promise<void> {
  cp = new ControlPlane({
    dataDir,
    log: quiet,
    podSync: { infraImage: lab.image, infraCommand: ['sleep', '2147483647'] },
    metrics: false,
    network: {
      ...labNetworkOptions(lab),
      onSynced: (node, changed) => {
        const p = passes.get(node) ?? { syncs: 0, ruleChanges: 0 }
        passes.set(node, { syncs: p.syncs + 1, ruleChanges: p.ruleChanges + (changed.rules ? 1 : 0) })
      },
    },
  })
  return cp.start()
}

const inPod = (node: string, pod: string, script: string) => inPodOf(lab, node, pod, script)

async function getPod(name: string): Promise<Pod | undefined> {
  try {
    return (await cp.api.get(resourceRef(RESOURCES.pods, NS, name), ctx)) as Pod
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined
    throw err
  }
}

const isReady = (p: Pod | undefined): boolean => p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false

async function runPod(name: string, node: string, labels: Record<string, string>, script: string): Promise<Pod> {
  const pod = makePod(name, NS)
    .withLabels(labels)
    .withContainer({ name: 'main', image: lab.image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], ports: [{ name: 'http', containerPort: 8080 }] })
    .withSpec({
      nodeName: node,
      terminationGracePeriodSeconds: 0,
      // The reboot test takes node-2 down for a few seconds: its pods wait for it rather than being evicted.
      tolerations: ['unreachable', 'not-ready'].map((t) => ({ key: `node.kubernetes.io/${t}`, operator: 'Exists' as const, effect: 'NoExecute' as const, tolerationSeconds: 300 })),
    })
    .obj()
  await cp.api.create(resourceRef(RESOURCES.pods, NS), pod, ctx)
  let last: Pod | undefined
  await waitFor(async () => isReady((last = await getPod(name))), 30_000, `pod ${name} Ready on ${node}`)
  if (!last) throw new Error(`pod ${name} vanished`)
  return last
}

async function deletePod(name: string): Promise<void> {
  await cp.api.delete(resourceRef(RESOURCES.pods, NS, name), { gracePeriodSeconds: 0 }, ctx).catch(() => {})
}

beforeAll(async () => {
  lab = readLabFile()
  dataDir = mkdtempSync(join(tmpdir(), 'coxswain-lab-network-'))
  await startControlPlane()
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
    const names = ['client', 'server', 'web-a', 'web-b']
    for (const p of names) await deletePod(p)
    await waitFor(async () => (await cp.api.list(RESOURCES.pods, {}, ctx)).items.length === 0, 20_000, 'pods gone').catch(() => {})
    // The agents remove the containers after the objects are gone: let them finish before stopping.
    await waitContainersGone(lab, names).catch(() => {})
    for (const s of ['web', 'web-headless']) await cp.api.delete(resourceRef(RESOURCES.services, NS, s), {}, ctx).catch(() => {})
    await cp.stop()
  }
  if (lab) {
    const plans = planNodes(settingsFromEnv())
    await resetNodeNetworks(lab, (node) => plans.find((n) => n.name === node)?.netns ?? '').catch(() => {})
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}, 60_000)

describe('the pod network', () => {
  it('carries a pod on node-1 to a pod on node-2 by pod IP, and the server sees the client pod IP', async () => {
    const [client, server] = await Promise.all([runPod('client', 'node-1', { role: 'client' }, 'exec sleep 3600'), runPod('server', 'node-2', { role: 'server' }, WHO_SERVER)])
    const clientIP = client.status?.podIP ?? ''
    const serverIP = server.status?.podIP ?? ''
    expect(clientIP).not.toBe(serverIP)
    let answer = ''
    await waitFor(async () => (answer = (await inPod('node-1', 'client', wget(`http://${serverIP}:8080/cgi-bin/who`))).out).includes(' '), 10_000, 'server answers')
    // busybox httpd writes the peer as an IPv4-mapped IPv6 address.
    expect(answer.trim().replace('[::ffff:', '').replace(']', '')).toBe(`server ${clientIP}`)
  }, 60_000)
})

describe('Services', () => {
  let svc: Service

  it('gives a NodePort Service a cluster IP and a node port, and Endpoints of its ready pods', async () => {
    await Promise.all([runPod('web-a', 'node-2', { app: 'web' }, WHO_SERVER), runPod('web-b', 'node-3', { app: 'web' }, WHO_SERVER)])
    const created = await cp.api.create(
      resourceRef(RESOURCES.services, NS),
      makeService('web').withSpec({ type: 'NodePort' }).withPorts({ name: 'http', port: 80, targetPort: 'http' }).obj(),
      ctx,
    )
    svc = created.object as Service
    expect(svc.spec?.clusterIP).toMatch(/^10\.(9[6-9]|1[01][0-9])\./)
    expect(svc.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000)
    await waitFor(
      async () => {
        const ep = (await cp.api.get(resourceRef(RESOURCES.endpoints, NS, 'web'), ctx).catch(() => undefined)) as Endpoints | undefined
        return ep?.subsets?.[0]?.addresses?.length === 2 && ep.subsets[0].ports?.[0]?.port === 8080
      },
      5000,
      'Endpoints with both pods on port 8080',
    )
  }, 60_000)

  it('balances 40 requests to the cluster IP from a pod on node-1 over both backends', async () => {
    const url = `http://${svc.spec?.clusterIP}/cgi-bin/who`
    await waitFor(async () => (await inPod('node-1', 'client', wget(url))).ok, 10_000, 'cluster IP answers')
    const loop = `for i in $(seq 40); do ${wget(url)} || echo FAILED; done`
    const { out } = await inPod('node-1', 'client', loop)
    const lines = out.trim().split('\n')
    expect(lines).toHaveLength(40)
    expect(lines.filter((l) => l.includes('FAILED'))).toEqual([])
    expect(new Set(lines.map((l) => l.split(' ')[0]))).toEqual(new Set(['web-a', 'web-b']))
  }, 60_000)

  it('answers on the node port of a node without a backend, from the test runner', async () => {
    const node1 = lab.nodes.find((n) => n.name === 'node-1')?.address ?? ''
    const port = svc.spec?.ports?.[0]?.nodePort ?? 0
    const seen = new Set<string>()
    await waitFor(
      async () => {
        const body = await httpGet(node1, port, '/cgi-bin/who').catch(() => '')
        if (body) seen.add(body.split(' ')[0] ?? '')
        return seen.size === 2
      },
      10_000,
      'both backends through node-1s node port',
    )
    expect(seen).toEqual(new Set(['web-a', 'web-b']))
  }, 30_000)

  it('with externalTrafficPolicy Local, answers only on nodes with a backend and keeps the client address', async () => {
    const local = (await cp.api.create(
      resourceRef(RESOURCES.services, NS),
      makeService('web-local').withSpec({ type: 'NodePort', externalTrafficPolicy: 'Local', selector: { app: 'web' } }).withPorts({ port: 80, targetPort: 8080 }).obj(),
      ctx,
    )).object as Service
    const port = local.spec?.ports?.[0]?.nodePort ?? 0
    const address = (node: string) => lab.nodes.find((n) => n.name === node)?.address ?? ''
    let body = ''
    await waitFor(async () => (body = await httpGet(address('node-2'), port, '/cgi-bin/who').catch(() => '')).startsWith('web-a '), 10_000, "node-2's local backend")
    expect(body.trim().replace('[::ffff:', '').replace(']', '')).toBe(`web-a ${lab.bridge.address}`)
    await expect(httpGet(address('node-1'), port, '/cgi-bin/who')).rejects.toThrow(/ECONNREFUSED/)
    await cp.api.delete(resourceRef(RESOURCES.services, NS, 'web-local'), {}, ctx)
  }, 30_000)

  it('resolves Service names in pods through libc and nslookup, headless ones to pod IPs', async () => {
    const ip = svc.spec?.clusterIP ?? ''
    // The first pass on a node imports the DNS image (or replaces an older server): wait for it.
    await waitFor(async () => (await inPod('node-1', 'client', 'nslookup web.default')).out.includes(`Address: ${ip}`), 20_000, 'the cluster DNS answering on node-1')
    for (const name of ['web', 'web.default', 'web.default.svc', 'web.default.svc.cluster.local']) {
      const looked = await inPod('node-1', 'client', `nslookup ${name}`)
      expect(looked.out, name).toContain(`Address: ${ip}`)
      expect((await inPod('node-1', 'client', wget(`http://${name}/cgi-bin/who`))).out, name).toMatch(/^web-[ab] /)
    }
    const byName = await inPod('node-1', 'client', `for i in $(seq 40); do ${wget('http://web/cgi-bin/who')} || echo FAILED; done`)
    const answers = byName.out.trim().split('\n')
    expect(answers.filter((l) => l.includes('FAILED'))).toEqual([])
    expect(new Set(answers.map((l) => l.split(' ')[0]))).toEqual(new Set(['web-a', 'web-b']))
    const srv = await inPod('node-1', 'client', 'nslookup -type=SRV _http._tcp.web.default.svc.cluster.local')
    expect(srv.out).toContain('web.default.svc.cluster.local')
    expect((await inPod('node-1', 'client', 'nslookup nothere.default.svc.cluster.local')).ok).toBe(false)

    await cp.api.create(resourceRef(RESOURCES.services, NS), makeService('web-headless').withSpec({ clusterIP: 'None', selector: { app: 'web' } }).withPorts({ port: 8080 }).obj(), ctx)
    const podIP = (await getPod('web-a'))?.status?.podIP ?? ''
    await waitFor(async () => (await inPod('node-1', 'client', 'nslookup web-headless')).out.includes(`Address: ${podIP}`), 10_000, 'the headless Service resolving to its pod')
  }, 60_000)

  it('keeps a client on one backend with sessionAffinity ClientIP', async () => {
    const sticky = (await cp.api.create(
      resourceRef(RESOURCES.services, NS),
      makeService('sticky').withSpec({ selector: { app: 'web' }, sessionAffinity: 'ClientIP' }).withPorts({ port: 80, targetPort: 8080 }).obj(),
      ctx,
    )).object as Service
    const url = `http://${sticky.spec?.clusterIP}/cgi-bin/who`
    await waitFor(async () => (await inPod('node-1', 'client', wget(url))).ok, 10_000, 'the sticky Service answering')
    const { out } = await inPod('node-1', 'client', `for i in $(seq 20); do ${wget(url)} || echo FAILED; done`)
    const backends = new Set(out.trim().split('\n').map((l) => l.split(' ')[0]))
    expect(backends.size).toBe(1)
    expect([...backends][0]).toMatch(/^web-[ab]$/)
    await cp.api.delete(resourceRef(RESOURCES.services, NS, 'sticky'), {}, ctx)
  }, 30_000)

  it('refuses when no pod is left, and answers again once one is back', async () => {
    const url = `http://${svc.spec?.clusterIP}/cgi-bin/who`
    await Promise.all([deletePod('web-a'), deletePod('web-b')])
    await waitFor(async () => !(await inPod('node-1', 'client', wget(url))).ok, 10_000, 'cluster IP refuses')
    const refused = await inPod('node-1', 'client', `${wget(url)}; echo "exit=$?"`)
    // A REJECT answers at once: wget fails without waiting out its 3 s (timeout's exit 143 would say it hung).
    expect(refused.out).toMatch(/exit=1\b/)
    const node1 = lab.nodes.find((n) => n.name === 'node-1')?.address ?? ''
    await expect(httpGet(node1, svc.spec?.ports?.[0]?.nodePort ?? 0, '/cgi-bin/who')).rejects.toThrow(/ECONNREFUSED/)
    await runPod('web-a', 'node-2', { app: 'web' }, WHO_SERVER)
    await waitFor(async () => (await inPod('node-1', 'client', wget(url))).out.startsWith('web-a '), 10_000, 'cluster IP answers again')
  }, 60_000)

  it('keeps Services working while the control plane is down, and a restart changes no rules', async () => {
    const url = `http://${svc.spec?.clusterIP}/cgi-bin/who`
    // Every node has caught up with the last change (web-a back) before the control plane goes.
    const webA = (await getPod('web-a'))?.status?.podIP ?? ''
    const plans = planNodes(settingsFromEnv())
    await waitFor(
      async () => {
        for (const plan of plans) {
          const { stdout } = await run('nsenter', [`--net=/run/netns/${plan.netns}`, 'iptables-save', '-t', 'nat'])
          if (!stdout.includes(`--to-destination ${webA}:8080`)) return false
        }
        return true
      },
      10_000,
      'every node routing the Service to web-a',
    )
    await cp.stop()
    const down = await inPod('node-1', 'client', wget(url))
    expect(down.out.slice(-300)).toMatch(/^web-a /)
    expect((await inPod('node-1', 'client', wget('http://web/cgi-bin/who'))).out).toMatch(/^web-a /)
    passes.clear()
    await startControlPlane()
    await waitFor(
      async () => {
        const ep = (await cp.api.get(resourceRef(RESOURCES.endpoints, NS, 'web'), ctx).catch(() => undefined)) as Endpoints | undefined
        const nodes = (await cp.api.list(RESOURCES.nodes, {}, ctx)).items as Node[]
        return ep?.subsets?.[0]?.addresses?.length === 1 && nodes.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      },
      20_000,
      'nodes Ready and Endpoints again after the restart',
    )
    // Every node's state was read and compared with the rules the restarted control plane renders.
    await waitFor(() => lab.nodes.every((n) => (passes.get(n.name)?.syncs ?? 0) > 0), 10_000, 'a network pass on every node')
    expect(lab.nodes.map((n) => passes.get(n.name)?.ruleChanges)).toEqual(lab.nodes.map(() => 0))
    expect((await inPod('node-1', 'client', wget(url))).out.startsWith('web-a ')).toBe(true)
  }, 60_000)

  it('repairs a rebooted node: routes, rules and DNS come back when it reconnects', async () => {
    const netns = planNodes(settingsFromEnv()).find((n) => n.name === 'node-2')?.netns
    if (!netns) throw new Error('no plan for node-2')
    const inNode2 = (script: string) => run('nsenter', [`--net=/run/netns/${netns}`, 'sh', '-c', script])
    await injectFault('node-2', 'crash')
    // What a reboot loses: every route we added and every iptables rule (Docker's own included).
    await inNode2('ip -4 route show | grep " via " | while read -r r; do ip route del $r; done; ip route del 10.96.0.0/12 2>/dev/null; for t in nat filter; do iptables -t $t -F; iptables -t $t -X; done; true')
    expect((await inNode2('iptables-save -t nat')).stdout).not.toContain('COXSWAIN')
    await injectFault('node-2', 'poweron')
    const webA = (await getPod('web-a'))?.status?.podIP ?? ''
    await waitFor(async () => (await inPod('node-1', 'client', wget(`http://${webA}:8080/cgi-bin/who`))).out.startsWith('web-a '), 60_000, 'web-a on the rebooted node reachable by pod IP')
    await waitFor(async () => (await inPod('node-1', 'client', wget('http://web/cgi-bin/who'))).out.startsWith('web-a '), 30_000, 'the Service by name again')
    const node2 = lab.nodes.find((n) => n.name === 'node-2')?.address ?? ''
    await waitFor(async () => (await httpGet(node2, svc.spec?.ports?.[0]?.nodePort ?? 0, '/cgi-bin/who').catch(() => '')).startsWith('web-a '), 30_000, 'the node port of the rebooted node')
    const ip = svc.spec?.clusterIP ?? ''
    await waitFor(async () => (await inPod('node-2', 'web-a', 'nslookup web')).out.includes(`Address: ${ip}`), 30_000, 'the rebooted node resolving names')
    const routes = (await inNode2('ip -4 route show')).stdout
    const peers = ((await cp.api.list(RESOURCES.nodes, {}, ctx)).items as Node[]).filter((n) => n.metadata.name !== 'node-2')
    for (const peer of peers) expect(routes).toContain(`${peer.spec?.podCIDR} via`)
  }, 120_000)
  // Last: node-3 leaves the cluster for the rest of this file.
  it('takes its routes, rules and DNS server off a node that leaves the cluster; the others drop their route to it', async () => {
    const plans = planNodes(settingsFromEnv())
    const inNode = (name: string, script: string) => run('nsenter', [`--net=/run/netns/${plans.find((n) => n.name === name)?.netns ?? ''}`, 'sh', '-c', script])
    const node3 = ((await cp.api.get(resourceRef(RESOURCES.nodes, undefined, 'node-3'), ctx)) as Node).spec?.podCIDR ?? ''
    expect((await inNode('node-3', 'iptables-save')).stdout).toContain('COXSWAIN-SERVICES')
    await cp.api.delete({ ...MACHINES, name: 'node-3' }, {}, ctx)
    await waitFor(async () => !(await cp.api.list(RESOURCES.nodes, {}, ctx)).items.some((n) => n.metadata.name === 'node-3'), 60_000, 'node-3 drained and removed')
    const rules = (await inNode('node-3', 'iptables-save')).stdout
    expect(rules).not.toMatch(/COXSWAIN-|CXSW-/)
    const routes = (await inNode('node-3', 'ip -4 route show')).stdout
    expect(routes).not.toMatch(/^10\.244\.\S+ via /m)
    expect(routes).not.toContain('10.96.0.0/12')
    const local = lab.nodes.find((n) => n.name === 'node-3')?.localDockerSocket ?? ''
    expect((await run('docker', ['-H', `unix://${local}`, 'ps', '-aq', '--filter', 'name=coxswain-cluster-dns'])).stdout.trim()).toBe('')
    await waitFor(async () => !(await inNode('node-1', 'ip -4 route show')).stdout.includes(`${node3} via`), 10_000, "node-1's route to node-3's pods gone")
  }, 90_000)
})
