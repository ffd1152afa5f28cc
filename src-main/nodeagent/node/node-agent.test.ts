import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Lease, Node } from '../../api/index.ts'
import { ApiServer, systemContext } from '../../apiserver/api-server.ts'
import { eventually, makeNode, newTestServer, quietLog, ref } from '../../apiserver/testing.ts'
import { NodeAgent, type NodeAgentOptions, type ProbeOutcome } from './node-agent.ts'
import { FakeMachine } from './testing.ts'

const ctx = systemContext('node-agent')
const fast = { statusIntervalMs: 20, statusReportIntervalMs: 60_000, leaseRenewIntervalMs: 20, callTimeoutMs: 200 }
const leaseRef = (name: string) => ({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease', name })
const machineOwner = { apiVersion: 'coxswain.dev/v1alpha1', kind: 'Machine', name: 'node-1', uid: 'machine-uid', controller: true }

let api: ApiServer
const agents: NodeAgent[] = []
beforeEach(async () => {
  api = (await newTestServer()).api
})
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()))
})

function agentFor(machine: FakeMachine, overrides: Partial<NodeAgentOptions> = {}): NodeAgent {
  const agent = new NodeAgent({
    nodeName: machine.hostname,
    host: { name: machine.hostname, exec: (argv, o) => machine.exec(argv, o), docker: machine },
    api,
    ctx,
    log: quietLog,
    kubeletVersion: 'v1.33.0-coxswain.0.1.0',
    owner: machineOwner,
    privilege: () => 'root',
    timings: fast,
    ...overrides,
  })
  agents.push(agent)
  return agent
}

const getNode = async (name: string) => (await api.get(ref.nodes(name), ctx)) as Node
const getLease = async (name: string) => (await api.get(leaseRef(name), ctx)) as Lease
const exists = (p: Promise<unknown>) => p.then(() => true, () => false)
const ready = (node: Node) => node.status?.conditions?.find((c) => c.type === 'Ready')

describe('NodeAgent', () => {
  it('registers the Node as kubelet would, owned by its Machine', async () => {
    agentFor(new FakeMachine('node-1')).start()
    await eventually(() => exists(getNode('node-1')), 'node registered')
    const node = await getNode('node-1')
    expect(node.metadata.labels).toEqual({ 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux' })
    expect(node.metadata.ownerReferences).toEqual([machineOwner])
    expect(node.status?.capacity).toEqual({ cpu: '2', 'ephemeral-storage': '61611820Ki', memory: '24684092Ki', pods: '110' })
    expect(node.status?.addresses).toEqual([
      { type: 'InternalIP', address: '192.168.213.11' },
      { type: 'Hostname', address: 'node-1' },
    ])
    expect(node.status?.nodeInfo).toMatchObject({ containerRuntimeVersion: 'docker://20.10.24+dfsg1', kubeletVersion: 'v1.33.0-coxswain.0.1.0', architecture: 'amd64' })
    expect(ready(node)).toMatchObject({ status: 'True', reason: 'KubeletReady' })
    expect(node.status?.images).toEqual([{ names: ['coxswain-test/busybox:latest'], sizeBytes: 1984250 }])
  })

  it('registers a cordoned node when the machine says so', async () => {
    agentFor(new FakeMachine('node-1'), { registerUnschedulable: () => true }).start()
    await eventually(() => exists(getNode('node-1')), 'node registered')
    expect((await getNode('node-1')).spec?.unschedulable).toBe(true)
  })

  it('keeps a heartbeat Lease owned by the Node, and stops renewing at once when stopped', async () => {
    const agent = agentFor(new FakeMachine('node-1'))
    agent.start()
    await eventually(async () => (await exists(getLease('node-1'))) && !!(await getLease('node-1')).metadata.ownerReferences, 'lease owned by the node')
    const lease = await getLease('node-1')
    const node = await getNode('node-1')
    expect(lease.spec).toMatchObject({ holderIdentity: 'node-1', leaseDurationSeconds: 40, leaseTransitions: 0 })
    expect(lease.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: node.metadata.uid }])
    const first = lease.spec?.renewTime ?? ''
    await eventually(async () => ((await getLease('node-1')).spec?.renewTime ?? '') > first, 'lease renewed')

    const stopping = agent.stop()
    expect(agent.running).toBe(false)
    await stopping // both loops have returned: nothing can renew any more
    const last = (await getLease('node-1')).metadata.resourceVersion
    agent.probeSoon()
    expect(agent.running).toBe(false)
    expect((await getLease('node-1')).metadata.resourceVersion).toBe(last)
  })

  it('keeps renewing the Lease while the node hangs on docker info', async () => {
    const machine = new FakeMachine('node-1')
    machine.hang = true
    agentFor(machine).start()
    await eventually(() => exists(getLease('node-1')), 'lease created')
    const first = (await getLease('node-1')).spec?.renewTime ?? ''
    await eventually(async () => ((await getLease('node-1')).spec?.renewTime ?? '') > first, 'lease renewed despite the hung probe')
    expect(await exists(getNode('node-1'))).toBe(false)
  })

  it('says NotReady with the reason when Docker is down but the node answers', async () => {
    const machine = new FakeMachine('node-1')
    const outcomes: ProbeOutcome[] = []
    agentFor(machine, { onProbe: (o) => outcomes.push(o) }).start()
    await eventually(() => exists(getNode('node-1')), 'node registered')
    machine.dockerDown = true
    await eventually(async () => ready(await getNode('node-1'))?.status === 'False', 'node not ready')
    expect(ready(await getNode('node-1'))).toMatchObject({ reason: 'KubeletNotReady', message: 'container runtime is down: connect ENOENT /var/run/docker.sock' })
    expect(outcomes.at(-1)).toMatchObject({ ok: false, stage: 'docker' })
    machine.dockerDown = false
    await eventually(async () => ready(await getNode('node-1'))?.status === 'True', 'node ready again')
  })

  it('holds its status (not its heartbeat) while told to, and reports Ready once released', async () => {
    let hold = true
    const agent = agentFor(new FakeMachine('node-1'), { holdStatus: () => hold })
    agent.start()
    await eventually(() => exists(getLease('node-1')), 'the lease, renewed while the status is held')
    const renewed = (await getLease('node-1')).spec?.renewTime ?? ''
    await eventually(async () => ((await getLease('node-1')).spec?.renewTime ?? '') > renewed, 'another renewal')
    expect(await exists(getNode('node-1'))).toBe(false)
    hold = false
    agent.probeSoon()
    await eventually(async () => (await exists(getNode('node-1'))) && ready(await getNode('node-1'))?.status === 'True', 'the node Ready once released')
  })

  it('writes nothing while nothing changes, and writes a change at once', async () => {
    const machine = new FakeMachine('node-1')
    let probes = 0
    agentFor(machine, { onProbe: () => probes++ }).start()
    await eventually(() => exists(getNode('node-1')), 'node registered')
    const version = (await getNode('node-1')).metadata.resourceVersion
    const seen = probes
    await eventually(() => probes >= seen + 3, 'three more probes')
    expect((await getNode('node-1')).metadata.resourceVersion).toBe(version)
    machine.images = []
    await eventually(async () => (await getNode('node-1')).status?.images?.length === 0, 'images change written')
  })

  it('takes over an existing Node, keeping its other labels, and registers again if it is deleted', async () => {
    await api.create(ref.nodes(), makeNode('node-1').withLabels({ zone: 'attic' }).obj(), ctx)
    agentFor(new FakeMachine('node-1')).start()
    await eventually(async () => (await getNode('node-1')).status?.capacity !== undefined, 'status on the existing node')
    expect((await getNode('node-1')).metadata.labels).toMatchObject({ zone: 'attic', 'kubernetes.io/hostname': 'node-1' })
    expect((await getNode('node-1')).metadata.ownerReferences).toEqual([machineOwner])
    await api.delete(ref.nodes('node-1'), {}, ctx)
    await eventually(() => exists(getNode('node-1')), 'node registered again')
  })
})
