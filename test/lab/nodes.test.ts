// The agentless kubelet against real lab nodes: a control plane joins the lab's machines through
// Machine objects; every node registers with the capacity its Docker engine reports, stays Ready
// and renews its Lease; a wrong host key is refused by name while the others carry on; a partitioned
// node is Unreachable within 5 s and stops renewing while the rest keep going; it comes back after
// healing; and a removed machine is drained before its node goes. Waits are on watches, never sleeps.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { injectFault } from '../../scripts/lab/faults.ts'
import { readLabFile, type LabFile, type LabNode } from '../../scripts/lab/lab-file.ts'
import type { KubeObject, Lease, Machine, Node, Pod } from '../../src-main/api/index.ts'
import { makePod } from '../../src-main/api/testing/builders.ts'
import { systemContext } from '../../src-main/apiserver/api-server.ts'
import type { ResourceRef } from '../../src-main/apiserver/types.ts'
import { ControlPlane } from '../../src-main/controlplane.ts'
import { applyMachines, labMachines } from '../../src-main/nodeagent/machines/lab-machines.ts'
import { MACHINES } from '../../src-main/nodeagent/machines/machine-controller.ts'
import type { DockerInfo } from '../../src-main/nodeagent/node/docker.ts'
import { createLogger } from '../../src-main/util/log.ts'

const log = createLogger({ suite: 'lab/nodes' })
const quiet = createLogger({}, () => {}, 'warn')
const ctx = systemContext('lab-test')
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' }
const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease' }
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' }
const PARTITIONED = 'node-3'
const REMOVED = 'node-2'

let lab: LabFile
let dataDir: string
let cp: ControlPlane

/** Resolves with the object once `predicate` holds for it (checked on every watch event), or fails after `timeoutMs`. */
async function waitForObject<T extends KubeObject>(ref: ResourceRef, name: string, predicate: (obj: T | undefined) => boolean, what: string, timeoutMs: number): Promise<T | undefined> {
  const watch = await cp.api.watch(ref, { fieldSelector: `metadata.name=${name}` }, ctx)
  const timer = setTimeout(() => watch.stop(), timeoutMs)
  let last: T | undefined
  try {
    const current = await cp.api.get({ ...ref, name }, ctx).then((o) => o as T, () => undefined)
    if (predicate(current)) return current
    for await (const event of watch) {
      if (event.type === 'BOOKMARK' || event.type === 'ERROR') continue
      last = event.type === 'DELETED' ? undefined : (event.object as T)
      if (predicate(last)) return last
    }
  } finally {
    clearTimeout(timer)
    watch.stop()
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last seen: ${JSON.stringify(last?.metadata.name ? (last as { status?: unknown }).status ?? last : last)?.slice(0, 600)})`)
}

const machineOf = (name: string) => cp.api.get({ ...MACHINES, name }, ctx) as Promise<Machine>
const nodeOf = (name: string) => cp.api.get({ ...NODES, name }, ctx) as Promise<Node>
const leaseOf = (name: string) => cp.api.get({ ...LEASES, name }, ctx) as Promise<Lease>
const isReady = (n: Node | undefined) => n?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
const phaseIs = (phase: string) => (m: Machine | undefined) => m?.status?.phase === phase
const renewedAfter = (time: string) => (l: Lease | undefined) => (l?.spec?.renewTime ?? '') > time
const waitLeaseRenewed = async (name: string, timeoutMs = 6000) => {
  const before = (await leaseOf(name)).spec?.renewTime ?? ''
  await waitForObject<Lease>(LEASES, name, renewedAfter(before), `${name}'s lease renewed`, timeoutMs)
}

function labNode(name: string): LabNode {
  const node = lab.nodes.find((n) => n.name === name)
  if (!node) throw new Error(`the lab has no ${name}`)
  return node
}

async function dockerInfoOf(node: LabNode): Promise<DockerInfo> {
  return (await new Docker({ socketPath: node.localDockerSocket }).info()) as DockerInfo
}

beforeAll(async () => {
  lab = readLabFile()
  dataDir = mkdtempSync(join(tmpdir(), 'coxswain-lab-nodes-'))
  cp = new ControlPlane({ dataDir, log: quiet, machines: { timings: { drainTimeoutMs: 5000 } } })
  await cp.start()
  await applyMachines(cp.api, labMachines(lab), ctx)
  await Promise.all(lab.nodes.map((n) => waitForObject<Node>(NODES, n.name, isReady, `${n.name} Ready`, 20_000)))
})

afterAll(async () => {
  await cp?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('lab nodes joined through Machines', () => {
  it('registers every node Ready, with the capacity its Docker engine reports', async () => {
    for (const labN of lab.nodes) {
      const [node, info] = await Promise.all([nodeOf(labN.name), dockerInfoOf(labN)])
      const df = execFileSync('df', ['-P', '-k', info.DockerRootDir], { encoding: 'utf8' }).trim().split('\n').at(-1)?.split(/\s+/) ?? []
      expect(node.status?.capacity, labN.name).toEqual({
        cpu: String(info.NCPU),
        memory: `${info.MemTotal / 1024}Ki`,
        'ephemeral-storage': `${df[1]}Ki`,
        pods: '110',
      })
      expect(node.status?.allocatable?.pods).toBe('110')
      expect(node.status?.nodeInfo, labN.name).toMatchObject({
        kernelVersion: info.KernelVersion,
        osImage: info.OperatingSystem,
        containerRuntimeVersion: `docker://${info.ServerVersion}`,
        operatingSystem: 'linux',
        architecture: 'amd64',
        kubeletVersion: expect.stringMatching(/^v1\.\d+\.0-coxswain\./),
      })
      expect(node.status?.addresses).toEqual([
        { type: 'InternalIP', address: labN.address },
        { type: 'Hostname', address: labN.name },
      ])
      expect(node.status?.images?.some((i) => i.names?.includes(lab.image)), `${labN.name} lists ${lab.image}`).toBe(true)
      expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': labN.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' })
      const conditions = Object.fromEntries((node.status?.conditions ?? []).map((c) => [c.type, c]))
      expect(conditions.Ready).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'coxswain node agent is posting ready status' })
      for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable']) expect(conditions[type]?.status, `${labN.name} ${type}`).toBe('False')
    }
  })

  it('records each machine Connected, with its host key, root privilege and Docker version', async () => {
    for (const labN of lab.nodes) {
      const [machine, info] = await Promise.all([machineOf(labN.name), dockerInfoOf(labN)])
      expect(machine.status).toMatchObject({ phase: 'Connected', hostKeyFingerprint: labN.hostKeyFingerprint, privilege: 'root', dockerVersion: info.ServerVersion })
    }
  })

  it('renews every node Lease', async () => {
    await Promise.all(lab.nodes.map((n) => waitLeaseRenewed(n.name)))
    for (const labN of lab.nodes) {
      const lease = await leaseOf(labN.name)
      expect(lease.spec).toMatchObject({ holderIdentity: labN.name, leaseDurationSeconds: 40 })
      expect(lease.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: labN.name })
    }
  })
})

describe('a wrong expected host key', () => {
  afterEach(async () => {
    await applyMachines(cp.api, labMachines(lab), ctx)
    await waitForObject<Machine>(MACHINES, PARTITIONED, phaseIs('Connected'), `${PARTITIONED} connected again`, 20_000)
  })

  it('is refused with both fingerprints, and the other nodes carry on', async () => {
    const node = labNode(PARTITIONED)
    const wrong = lab.nodes.find((n) => n.name !== node.name)?.hostKeyFingerprint ?? ''
    await cp.api.patch({ ...MACHINES, name: node.name }, 'application/merge-patch+json', { spec: { hostKeyFingerprint: wrong } }, ctx)
    const refused = await waitForObject<Machine>(MACHINES, node.name, phaseIs('Refused'), `${node.name} refused`, 10_000)
    expect(refused?.status?.reason).toBe('HostKeyMismatch')
    expect(refused?.status?.message).toContain(`expected ${wrong} (spec.hostKeyFingerprint), but it presented ${node.hostKeyFingerprint}`)
    expect(refused?.status?.hostKeyFingerprint).toBe(node.hostKeyFingerprint)
    for (const other of lab.nodes.filter((n) => n.name !== node.name)) {
      expect((await machineOf(other.name)).status?.phase).toBe('Connected')
      await waitLeaseRenewed(other.name)
    }
  })
})

describe(`a partition of ${PARTITIONED}`, () => {
  afterEach(async () => {
    await injectFault(PARTITIONED, 'heal')
  })

  it('is Unreachable within 5 s and stops its heartbeat, while the others keep theirs; it comes back after healing', async () => {
    await waitForObject<Machine>(MACHINES, PARTITIONED, phaseIs('Connected'), `${PARTITIONED} connected`, 20_000)
    const faultAt = performance.now()
    await injectFault(PARTITIONED, 'partition')
    const unreachable = await waitForObject<Machine>(MACHINES, PARTITIONED, phaseIs('Unreachable'), `${PARTITIONED} unreachable`, 6000)
    const detectedMs = performance.now() - faultAt
    log.info('partition seen in Machine.status', { node: PARTITIONED, detectedMs: Math.round(detectedMs), reason: unreachable?.status?.reason })
    expect(detectedMs).toBeLessThan(5000)
    expect(unreachable?.status?.reason).toBe('KeepaliveTimeout')
    expect(cp.machines?.session(PARTITIONED)?.agent.running).toBe(false)

    // The other nodes renew twice more while the partitioned node's lease does not move.
    const frozen = (await leaseOf(PARTITIONED)).metadata.resourceVersion
    for (let i = 0; i < 2; i++) await Promise.all(lab.nodes.filter((n) => n.name !== PARTITIONED).map((n) => waitLeaseRenewed(n.name)))
    expect((await leaseOf(PARTITIONED)).metadata.resourceVersion).toBe(frozen)

    const healAt = performance.now()
    await injectFault(PARTITIONED, 'heal')
    await waitForObject<Machine>(MACHINES, PARTITIONED, phaseIs('Connected'), `${PARTITIONED} connected after healing`, 15_000)
    log.info('reconnected after heal', { node: PARTITIONED, reconnectMs: Math.round(performance.now() - healAt) })
    await waitLeaseRenewed(PARTITIONED)
  })
})

describe(`removing ${REMOVED}`, () => {
  it('drains the node (cordon, evict, bounded wait) before deleting it, its Lease and the Machine', async () => {
    const pods = [
      makePod('drain-quick').withContainer().onNode(REMOVED).withSpec({ terminationGracePeriodSeconds: 0 }).obj(),
      makePod('drain-slow').withContainer().onNode(REMOVED).withSpec({ terminationGracePeriodSeconds: 1 }).obj(),
    ]
    for (const pod of pods) await cp.api.create({ ...PODS, namespace: 'default' }, pod, ctx)
    const cordoned = waitForObject<Node>(NODES, REMOVED, (n) => n?.spec?.unschedulable === true, `${REMOVED} cordoned`, 10_000)
    const started = performance.now()
    await cp.api.delete({ ...MACHINES, name: REMOVED }, {}, ctx)
    await cordoned
    await waitForObject<Machine>(MACHINES, REMOVED, (m) => m === undefined, `${REMOVED}'s Machine gone`, 15_000)
    log.info('machine removed', { node: REMOVED, ms: Math.round(performance.now() - started) })
    expect(await nodeOf(REMOVED).then(() => 'present', () => 'gone')).toBe('gone')
    expect(await leaseOf(REMOVED).then(() => 'present', () => 'gone')).toBe('gone')
    const left = (await cp.api.list(PODS, { fieldSelector: `spec.nodeName=${REMOVED}` }, ctx)).items as Pod[]
    expect(left).toEqual([])
    expect(cp.machines?.session(REMOVED)).toBeUndefined()
    for (const other of lab.nodes.filter((n) => n.name !== REMOVED)) {
      expect(isReady(await nodeOf(other.name))).toBe(true)
      await waitLeaseRenewed(other.name)
    }
  })
})
