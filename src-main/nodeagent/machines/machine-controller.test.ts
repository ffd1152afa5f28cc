import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Lease, Machine, Node, Pod } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { ApiServer, systemContext } from '../../apiserver/api-server.ts'
import { eventually, newTestServer, quietLog, ref } from '../../apiserver/testing.ts'
import { FakeMachine } from '../node/testing.ts'
import { HostKeyUnknownError } from '../ssh/host-key-policy.ts'
import { PinnedHostKeys } from '../ssh/pinned-host-keys.ts'
import type { ConnectionStatus } from '../ssh/connection.ts'
import { MachineController, MACHINES } from './machine-controller.ts'
import { FORCE_REMOVE_ANNOTATION, MACHINE_FINALIZER } from './machine-worker.ts'
import { FakeHost } from './testing.ts'

const ctx = systemContext('test')
const A = 'SHA256:V5XqX/YJR246rKydSvRbU4gAUv+gUKkFDW5DtynjZps'
const B = 'SHA256:L6FvF91WYwvlvTsNnxoomxVv6g/N2zKnl7G+E0GRIvY'
const fast = { statusIntervalMs: 20, leaseRenewIntervalMs: 20, callTimeoutMs: 200, drainTimeoutMs: 300, statusReportIntervalMs: 60_000, authRetryMs: 50 }
const leaseRef = (name: string) => ({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease', name })

let api: ApiServer
let dir: string
let controller: MachineController
let machines: Map<string, FakeMachine>
let hosts: FakeHost[]
let connections: { name: string; state: string | null }[]

function start(timings: Partial<typeof fast> = {}): void {
  controller = new MachineController({
    api,
    log: quietLog,
    pins: new PinnedHostKeys(join(dir, 'known_hosts.json')),
    kubeletVersion: 'v1.33.0-coxswain.test',
    timings: { ...fast, ...timings },
    createHost: (m) => {
      const name = m.metadata.name ?? ''
      let machine = machines.get(name)
      if (!machine) machines.set(name, (machine = new FakeMachine(name)))
      const host = new FakeHost(machine, A)
      hosts.push(host)
      return host
    },
    onConnection: (name: string, status: ConnectionStatus | null) => connections.push({ name, state: status?.state ?? null }),
  })
  void controller.start()
}

beforeEach(async () => {
  api = (await newTestServer()).api
  dir = mkdtempSync(join(tmpdir(), 'coxswain-machines-'))
  machines = new Map()
  hosts = []
  connections = []
})
afterEach(async () => {
  await controller.stop()
  rmSync(dir, { recursive: true, force: true })
})

const machine = (name: string, spec: Machine['spec'] = {}): Machine => ({
  apiVersion: 'coxswain.dev/v1alpha1',
  kind: 'Machine',
  metadata: { name },
  spec: { address: `10.0.0.${name.length}`, user: 'root', hostKeyFingerprint: A, ...spec },
})
const addMachine = (m: Machine) => api.create(MACHINES, m, ctx)
const getMachine = async (name: string) => (await api.get({ ...MACHINES, name }, ctx)) as Machine
const getNode = async (name: string) => (await api.get(ref.nodes(name), ctx)) as Node
const getLease = async (name: string) => (await api.get(leaseRef(name), ctx)) as Lease
const exists = (p: Promise<unknown>) => p.then(() => true, () => false)
const hostOf = (name: string) => hosts.filter((h) => h.name === name).at(-1) as FakeHost
const phase = async (name: string) => (await getMachine(name)).status?.phase
const renewTime = async (name: string) => (await getLease(name)).spec?.renewTime ?? ''

describe('MachineController', () => {
  it('connects a new machine, registers its node and reports it Connected', async () => {
    start()
    await addMachine(machine('node-1'))
    await eventually(async () => (await getMachine('node-1')).status?.privilege === 'root' && (await getMachine('node-1')).status?.dockerVersion !== undefined, 'machine connected and probed')
    const m = await getMachine('node-1')
    expect(m.metadata.finalizers).toEqual([MACHINE_FINALIZER])
    expect(m.status).toMatchObject({ phase: 'Connected', reason: 'Connected', hostKeyFingerprint: A, privilege: 'root', dockerVersion: '20.10.24+dfsg1', observedGeneration: 1 })
    const node = await getNode('node-1')
    expect(node.metadata.ownerReferences).toEqual([{ apiVersion: 'coxswain.dev/v1alpha1', kind: 'Machine', name: 'node-1', uid: m.metadata.uid, controller: true }])
    expect(node.status?.conditions?.find((c) => c.type === 'NetworkUnavailable')).toMatchObject({ status: 'False', reason: 'PrivilegeAvailable' })
    await eventually(() => exists(getLease('node-1')), 'lease')
    expect(connections).toContainEqual({ name: 'node-1', state: 'connected' })
  })

  it('says Unreachable at once when the link drops, stops the heartbeat, and recovers', async () => {
    start()
    await addMachine(machine('node-1'))
    await eventually(async () => (await exists(getLease('node-1'))) && (await phase('node-1')) === 'Connected', 'connected with a lease')
    expect(controller.dockerFor('node-1')).toBe(hostOf('node-1').dockerode)
    hostOf('node-1').set('unreachable', 'no answer to 3 SSH keepalives sent 1000 ms apart')
    expect(controller.session('node-1')?.agent.running).toBe(false)
    expect(controller.dockerFor('node-1')).toBeUndefined()
    expect(controller.dockerFor('nowhere')).toBeUndefined()
    await eventually(async () => (await phase('node-1')) === 'Unreachable', 'unreachable')
    expect((await getMachine('node-1')).status).toMatchObject({ reason: 'KeepaliveTimeout', message: 'no answer to 3 SSH keepalives sent 1000 ms apart' })
    const frozen = await renewTime('node-1')
    hostOf('node-1').set('connected')
    await eventually(async () => (await phase('node-1')) === 'Connected' && (await renewTime('node-1')) > frozen, 'connected and renewing again')
  })

  it('refuses a machine whose host key does not match, naming both fingerprints', async () => {
    start()
    machines.set('node-3', new FakeMachine('node-3'))
    await addMachine(machine('node-3', { hostKeyFingerprint: A }))
    await eventually(() => hosts.some((h) => h.name === 'node-3'), 'host created')
    const host = hostOf('node-3')
    host.hostKeyFingerprint = B
    host.set('refused', 'mismatch', new HostKeyUnknownError('10.0.0.6:22', B, A))
    await eventually(async () => (await phase('node-3')) === 'Refused', 'refused')
    const status = (await getMachine('node-3')).status
    expect(status).toMatchObject({ reason: 'HostKeyMismatch', hostKeyFingerprint: B })
    expect(status?.message).toContain(`expected ${A} (spec.hostKeyFingerprint), but it presented ${B}`)
  })

  it('keeps a hung machine from delaying another one', async () => {
    const hung = new FakeMachine('slow')
    hung.hang = true
    machines.set('slow', hung)
    start({ callTimeoutMs: 3000 })
    await addMachine(machine('slow'))
    await eventually(() => hung.calls > 0, 'the slow machine being probed')
    const started = Date.now()
    await addMachine(machine('fast'))
    await eventually(async () => (await exists(getNode('fast'))) && (await exists(getLease('fast'))), 'the fast node registered', 1500)
    expect(Date.now() - started).toBeLessThan(1500)
    expect(await exists(getNode('slow'))).toBe(false)
    // The hung machine's heartbeat is the API's business, not the machine's: it keeps beating.
    const first = await renewTime('slow')
    await eventually(async () => (await renewTime('slow')) > first, 'the slow node still renewing its lease')
  })

  it('registers a cordoned node for an unschedulable machine, and uncordons it when the spec changes', async () => {
    start()
    await addMachine(machine('node-1', { unschedulable: true }))
    await eventually(() => exists(getNode('node-1')), 'node registered')
    expect((await getNode('node-1')).spec?.unschedulable).toBe(true)
    await api.patch({ ...MACHINES, name: 'node-1' }, 'application/merge-patch+json', { spec: { unschedulable: false } }, ctx)
    await eventually(async () => !(await getNode('node-1')).spec?.unschedulable, 'node uncordoned')
    await eventually(async () => (await getMachine('node-1')).status?.observedGeneration === 2, 'generation observed')
  })

  it('reconnects with a new host when the connection settings change', async () => {
    start()
    await addMachine(machine('node-1'))
    await eventually(async () => (await phase('node-1')) === 'Connected', 'connected')
    const first = hostOf('node-1')
    await api.patch({ ...MACHINES, name: 'node-1' }, 'application/merge-patch+json', { spec: { port: 2222 } }, ctx)
    await eventually(() => first.closed && hostOf('node-1') !== first, 'a new host')
    await eventually(async () => (await phase('node-1')) === 'Connected', 'connected again')
  })

  it('drains a removed machine: cordon, evict, force what stays, then delete the Node and Lease', async () => {
    start()
    await addMachine(machine('node-1'))
    await eventually(async () => (await exists(getNode('node-1'))) && (await exists(getLease('node-1'))), 'node and lease')
    await api.create(ref.pods('default'), makePod('quick').withContainer().onNode('node-1').withSpec({ terminationGracePeriodSeconds: 0 }).obj(), ctx)
    await api.create(ref.pods('default'), makePod('slow').withContainer().onNode('node-1').obj(), ctx)
    await api.create(ref.pods('default'), makePod('elsewhere').withContainer().onNode('node-2').obj(), ctx)
    const cordoned: boolean[] = []
    const watch = await api.watch(ref.nodes(), {}, ctx)
    void (async () => {
      for await (const e of watch) if (e.type === 'MODIFIED') cordoned.push((e.object as Node).spec?.unschedulable === true)
    })()
    await api.delete({ ...MACHINES, name: 'node-1' }, {}, ctx)
    await eventually(async () => !(await exists(getMachine('node-1'))), 'machine gone', 5000)
    watch.stop()
    expect(cordoned).toContain(true)
    expect(await exists(getNode('node-1'))).toBe(false)
    expect(await exists(getLease('node-1'))).toBe(false)
    const pods = (await api.list(ref.pods(), {}, ctx)).items as Pod[]
    expect(pods.map((p) => p.metadata.name)).toEqual(['elsewhere'])
    expect(hostOf('node-1').closed).toBe(true)
    expect(connections.at(-1)).toEqual({ name: 'node-1', state: null })
  })

  it('removes a machine without draining when forced', async () => {
    start({ drainTimeoutMs: 60_000 })
    await addMachine(machine('node-1'))
    await eventually(() => exists(getNode('node-1')), 'node registered')
    await api.create(ref.pods('default'), makePod('web').withContainer().onNode('node-1').obj(), ctx)
    await api.patch({ ...MACHINES, name: 'node-1' }, 'application/merge-patch+json', { metadata: { annotations: { [FORCE_REMOVE_ANNOTATION]: 'true' } } }, ctx)
    const started = Date.now()
    await api.delete({ ...MACHINES, name: 'node-1' }, {}, ctx)
    await eventually(async () => !(await exists(getMachine('node-1'))), 'machine gone')
    expect(Date.now() - started).toBeLessThan(2000)
    expect((await api.list(ref.pods(), {}, ctx)).items).toEqual([])
  })

  it('tries a machine that refused our key again after a while', async () => {
    start()
    machines.set('node-1', new FakeMachine('node-1'))
    await addMachine(machine('node-1'))
    await eventually(() => hosts.some((h) => h.name === 'node-1'), 'host created')
    const host = hostOf('node-1')
    const { SshAuthError } = await import('../ssh/connection.ts')
    await eventually(async () => (await phase('node-1')) === 'Connected', 'connected')
    const startsBefore = host.started
    host.set('refused', 'auth failed', new SshAuthError('authentication as root on 10.0.0.6:22 failed: install the key'))
    await eventually(async () => (await phase('node-1')) === 'Refused', 'refused')
    expect((await getMachine('node-1')).status?.reason).toBe('AuthenticationFailed')
    await eventually(() => host.started > startsBefore, 'retried')
    await eventually(async () => (await phase('node-1')) === 'Connected', 'connected after the retry')
  })
})
