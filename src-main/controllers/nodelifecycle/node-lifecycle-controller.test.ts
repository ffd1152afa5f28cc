import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Lease, Node, Pod, Taint, Toleration } from '../../api/index.ts'
import { DEFAULT_TOLERATION_SECONDS } from '../../api/defaults/tolerations.ts'
import { makePod } from '../../api/testing/builders.ts'
import { admin, eventually, newTestServer, quietLog, type TestServer } from '../../apiserver/testing.ts'
import { RESOURCES, resourceRef } from '../../apiserver/resources.ts'
import type { ResourceRef } from '../../apiserver/types.ts'
import { ControllerManager } from '../manager.ts'
import { NodeLifecycleController, suspendedFor } from './node-lifecycle-controller.ts'

const MACHINES: ResourceRef = { group: 'coxswain.dev', version: 'v1alpha1', resource: 'machines' }
const LEASES: ResourceRef = { ...RESOURCES.leases, namespace: 'kube-node-lease' }
const UNREACHABLE = 'node.kubernetes.io/unreachable'

/** Formats the test clock's time as the API does (seconds) and as a Lease does (microseconds). */
const seconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z')
const micro = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

describe('NodeLifecycleController', () => {
  let s: TestServer
  let manager: ControllerManager | undefined

  beforeEach(async () => {
    s = await newTestServer()
  })
  afterEach(async () => {
    await manager?.stop()
    manager = undefined
  })

  const start = async (gracePeriodMs = 8000): Promise<void> => {
    manager = new ControllerManager({
      api: s.api,
      log: quietLog,
      now: s.clock.now,
      controllers: { 'node-lifecycle-controller': (c) => new NodeLifecycleController({ ...c, settings: { gracePeriodMs, monitorPeriodMs: 20 } }) },
    })
    await manager.start()
  }

  /** A node as its agent keeps it: Machine connected, Ready posted, Lease renewed now. */
  const addNode = async (name: string): Promise<void> => {
    const now = s.clock.now()
    await s.api.create(MACHINES, { apiVersion: 'coxswain.dev/v1alpha1', kind: 'Machine', metadata: { name }, spec: { address: '192.0.2.1', user: 'root', trustOnFirstUse: true } }, admin)
    await setMachine(name, 'Connected')
    await s.api.create(RESOURCES.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name } }, admin)
    await postReady(name)
    const lease: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, renewTime: micro(now) } }
    await s.api.create(LEASES, lease, admin)
  }
  const setMachine = async (name: string, phase: 'Connected' | 'Unreachable'): Promise<void> => {
    const conditions = [{ type: 'Connected', status: phase === 'Connected' ? 'True' : 'False', reason: phase, lastTransitionTime: seconds(s.clock.now()) }]
    const status = { phase, reason: phase, ...(phase === 'Unreachable' ? { message: 'keepalive timeout' } : {}), conditions }
    await s.api.patch(resourceRef(MACHINES, undefined, name, 'status'), 'application/merge-patch+json', { status }, admin)
  }
  const postReady = async (name: string): Promise<void> => {
    const t = seconds(s.clock.now())
    const conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: t, lastTransitionTime: t }]
    await s.api.patch(resourceRef(RESOURCES.nodes, undefined, name, 'status'), 'application/merge-patch+json', { status: { conditions } }, admin)
  }
  const renewLease = async (name: string): Promise<void> => {
    await s.api.patch(resourceRef(LEASES, 'kube-node-lease', name), 'application/merge-patch+json', { spec: { renewTime: micro(s.clock.now()) } }, admin)
  }
  const runPod = async (name: string, node: string, tolerations?: Toleration[]): Promise<void> => {
    const pod = makePod(name).withContainer().withSpec({ nodeName: node, ...(tolerations ? { tolerations } : {}) }).obj()
    await s.api.create(resourceRef(RESOURCES.pods, 'default'), pod, admin)
    const t = seconds(s.clock.now())
    await s.api.patch(resourceRef(RESOURCES.pods, 'default', name, 'status'), 'application/merge-patch+json', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } }, admin)
  }
  const getNode = async (name: string): Promise<Node> => (await s.api.get(resourceRef(RESOURCES.nodes, undefined, name), admin)) as Node
  const getPod = async (name: string): Promise<Pod | undefined> => {
    try {
      return (await s.api.get(resourceRef(RESOURCES.pods, 'default', name), admin)) as Pod
    } catch {
      return undefined
    }
  }
  const taintKeys = (node: Node): string[] => (node.spec?.taints ?? []).map((t: Taint) => `${t.key}:${t.effect}`).sort()
  const ready = async (name: string): Promise<string | undefined> => (await getNode(name)).status?.conditions?.find((c) => c.type === 'Ready')?.status
  const deleting = async (name: string): Promise<boolean> => !!(await getPod(name))?.metadata.deletionTimestamp

  it('marks a node whose connection is lost Unknown at once and taints it unreachable', async () => {
    await addNode('n1')
    await addNode('n2')
    await start()
    await setMachine('n1', 'Unreachable')
    await eventually(async () => (await ready('n1')) === 'Unknown', 'n1 to be Ready=Unknown')
    await eventually(async () => taintKeys(await getNode('n1')).length === 2, 'n1 to be tainted')
    const n1 = await getNode('n1')
    expect(taintKeys(n1)).toEqual([`${UNREACHABLE}:NoExecute`, `${UNREACHABLE}:NoSchedule`])
    expect(n1.spec?.taints?.find((t) => t.effect === 'NoExecute')?.timeAdded).toBe(seconds(s.clock.now()))
    expect(n1.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Node agent lost its connection to the node: keepalive timeout' })
    expect(await ready('n2')).toBe('True')
    expect(taintKeys(await getNode('n2'))).toEqual([])
  })

  it('marks a node Unknown when its heartbeat stops for the grace period', async () => {
    await addNode('n1')
    await addNode('n2')
    await start(8000)
    s.clock.advance(5)
    await renewLease('n2')
    expect(await ready('n1')).toBe('True')
    s.clock.advance(4)
    await renewLease('n2')
    await eventually(async () => (await ready('n1')) === 'Unknown', 'n1 to be Ready=Unknown after 9 s without a heartbeat')
    expect(await ready('n2')).toBe('True')
  })

  it('evicts pods by their tolerations: 0 s at once, bounded after their seconds, unbounded never', async () => {
    await addNode('n1')
    await addNode('n2')
    await runPod('strict', 'n1', [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }])
    await runPod('patient', 'n1', [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }])
    await runPod('forever', 'n1', [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }])
    await runPod('elsewhere', 'n2')
    await start()
    await setMachine('n1', 'Unreachable')
    await eventually(() => deleting('strict'), 'the pod tolerating 0 s to be evicted at once')
    expect(await deleting('patient')).toBe(false)
    // The 1 s toleration runs on the controller's clock from the taint's timeAdded.
    s.clock.advance(1)
    await eventually(() => deleting('patient'), 'the pod tolerating 1 s to be evicted after it')
    expect(await deleting('forever')).toBe(false)
    expect(await deleting('elsewhere')).toBe(false)
  })

  it('gives a new pod the default tolerations, so it goes after the default unreachable toleration', async () => {
    await addNode('n1')
    await addNode('n2')
    await runPod('web', 'n1')
    const tolerations = (await getPod('web'))?.spec?.tolerations
    expect(tolerations).toContainEqual({ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS.unreachable })
    await start()
    await setMachine('n1', 'Unreachable')
    await eventually(async () => taintKeys(await getNode('n1')).length === 2, 'n1 to be tainted')
    s.clock.advance(DEFAULT_TOLERATION_SECONDS.unreachable)
    await eventually(() => deleting('web'), 'web to be evicted after the default toleration')
  })

  it('marks the pods of an unreachable node not Ready', async () => {
    await addNode('n1')
    await addNode('n2')
    await runPod('web', 'n1', [{ operator: 'Exists' }])
    await start()
    await setMachine('n1', 'Unreachable')
    await eventually(async () => (await getPod('web'))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False', 'web to be not Ready')
    expect((await getPod('web'))?.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('NodeNotReady')
  })

  it('evicts nothing while every node is unreachable (the control plane is the one cut off)', async () => {
    await addNode('n1')
    await addNode('n2')
    await runPod('a', 'n1')
    await runPod('b', 'n2')
    // Both before the controller looks: one at a time, the first would be judged with the other still heard.
    await setMachine('n1', 'Unreachable')
    await setMachine('n2', 'Unreachable')
    await start()
    await eventually(async () => (await ready('n1')) === 'Unknown' && (await ready('n2')) === 'Unknown', 'both nodes to be Unknown')
    await eventually(async () => taintKeys(await getNode('n1')).join() === `${UNREACHABLE}:NoSchedule`, 'n1 to have only the NoSchedule taint')
    s.clock.advance(30)
    await eventually(async () => taintKeys(await getNode('n2')).join() === `${UNREACHABLE}:NoSchedule`, 'n2 to have only the NoSchedule taint')
    expect(await deleting('a')).toBe(false)
    expect(await deleting('b')).toBe(false)
    for (const name of ['a', 'b']) expect((await getPod(name))?.status?.conditions?.find((c) => c.type === 'Ready')?.status, `${name} still Ready`).toBe('True')
  })

  it('takes its taints off when the agent posts Ready again, and cancels pending evictions', async () => {
    await addNode('n1')
    await addNode('n2')
    await runPod('web', 'n1', [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }])
    await start()
    await setMachine('n1', 'Unreachable')
    await eventually(async () => taintKeys(await getNode('n1')).length === 2, 'n1 to be tainted')
    s.clock.advance(1)
    await setMachine('n1', 'Connected')
    await renewLease('n1')
    await postReady('n1')
    await eventually(async () => taintKeys(await getNode('n1')).length === 0, 'the taints to be removed')
    s.clock.advance(120)
    await renewLease('n1')
    await postReady('n1')
    await renewLease('n2')
    await postReady('n2')
    // A barrier: once the cordon's taint is there, the controller has looked at n1 with the clock past the toleration.
    await s.api.patch(resourceRef(RESOURCES.nodes, undefined, 'n1'), 'application/merge-patch+json', { spec: { unschedulable: true } }, admin)
    await eventually(async () => taintKeys(await getNode('n1')).join() === 'node.kubernetes.io/unschedulable:NoSchedule', 'the unschedulable taint')
    expect(await deleting('web')).toBe(false)
  })

  it('taints a cordoned node unschedulable, and not after uncordon', async () => {
    await addNode('n1')
    await start()
    await s.api.patch(resourceRef(RESOURCES.nodes, undefined, 'n1'), 'application/merge-patch+json', { spec: { unschedulable: true } }, admin)
    await eventually(async () => taintKeys(await getNode('n1')).join() === 'node.kubernetes.io/unschedulable:NoSchedule', 'the unschedulable taint')
    await s.api.patch(resourceRef(RESOURCES.nodes, undefined, 'n1'), 'application/merge-patch+json', { spec: { unschedulable: null } }, admin)
    await eventually(async () => taintKeys(await getNode('n1')).length === 0, 'the taint to go')
  })

  it('keeps taints users set and evicts what does not tolerate their NoExecute ones', async () => {
    await addNode('n1')
    await addNode('n2')
    await runPod('web', 'n1')
    await runPod('db', 'n1', [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute' }])
    await start()
    await s.api.patch(resourceRef(RESOURCES.nodes, undefined, 'n1'), 'application/merge-patch+json', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] } }, admin)
    await eventually(() => deleting('web'), 'web to be evicted')
    expect(await deleting('db')).toBe(false)
    expect(taintKeys(await getNode('n1'))).toEqual(['dedicated:NoExecute'])
  })
})

describe('suspendedFor', () => {
  it.each([
    [500, undefined],
    [3_000, undefined],
    [5_499, undefined],
    [5_500, 5_000],
    [3_600_500, 3_600_000],
  ])('a tick %i ms after the last (period 500 ms): %s', (since, want) => {
    expect(suspendedFor(since, 500)).toBe(want)
  })
})
