import { afterEach, describe, expect, it } from 'vitest'
import type { DaemonSet, Pod } from '../../api/index.ts'
import { admin, eventually, makeNode, ref } from '../../apiserver/testing.ts'
import type { ResourceRef } from '../../apiserver/types.ts'
import { autoReady, startControllers, type ControllerTestbed } from '../workloads/testing.ts'
import { daemonSetController } from './daemonset-controller.ts'

const daemonsets = (namespace?: string, name?: string): ResourceRef => ({ group: 'apps', version: 'v1', resource: 'daemonsets', namespace, name })

let bed: ControllerTestbed
let stopKubelet: (() => Promise<void>) | undefined
afterEach(async () => {
  await stopKubelet?.()
  stopKubelet = undefined
  await bed?.stop()
})

async function start(): Promise<void> {
  bed = await startControllers({ 'daemonset-controller': daemonSetController })
  stopKubelet = autoReady(bed)
}

function daemonSet(extra: Partial<NonNullable<DaemonSet['spec']>> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox:1' }] } },
      ...extra,
    },
  }
}

const pods = async (): Promise<Pod[]> => ((await bed.api.list(ref.pods('default'), {}, admin)).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp)
const nodesWithPods = async (): Promise<string[]> => (await pods()).map((p) => p.spec?.nodeName ?? '').sort()
const addNode = async (name: string, labels: Record<string, string> = {}): Promise<void> => {
  await bed.api.create(ref.nodes(), makeNode(name).withLabels(labels).obj(), admin)
}
const getDs = async (): Promise<DaemonSet> => (await bed.api.get(daemonsets('default', 'agent'), admin)) as DaemonSet

describe('DaemonSet controller', () => {
  it('runs one pod per node, pinned to it; a new node gets one, a removed node loses it', async () => {
    await start()
    await addNode('n1')
    await addNode('n2')
    await bed.api.create(daemonsets('default'), daemonSet(), admin)
    await eventually(async () => JSON.stringify(await nodesWithPods()) === '["n1","n2"]', 'pods on n1 and n2')
    await addNode('n3')
    await eventually(async () => JSON.stringify(await nodesWithPods()) === '["n1","n2","n3"]', 'a pod on n3')
    await bed.api.delete(ref.nodes('n1'), {}, admin)
    await eventually(async () => JSON.stringify(await nodesWithPods()) === '["n2","n3"]', 'n1’s pod gone')
    await eventually(async () => (await getDs()).status?.numberReady === 2, 'status')
    expect((await getDs()).status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0, updatedNumberScheduled: 2, numberAvailable: 2, numberUnavailable: 0 })
    const [pod] = await pods()
    expect(pod?.spec?.tolerations).toEqual(expect.arrayContaining([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]))
  })

  it('honours nodeSelector and taints, and follows label changes', async () => {
    await start()
    await addNode('n1', { disk: 'ssd' })
    await addNode('n2', { disk: 'hdd' })
    await bed.api.create(ref.nodes(), { ...makeNode('n3').withLabels({ disk: 'ssd' }).obj(), spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } }, admin)
    await bed.api.create(daemonsets('default'), daemonSet({ template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'agent', image: 'busybox:1' }] } } }), admin)
    await eventually(async () => JSON.stringify(await nodesWithPods()) === '["n1"]', 'only n1')
    await bed.api.patch(ref.nodes('n2'), 'application/merge-patch+json', { metadata: { labels: { disk: 'ssd' } } }, admin)
    await bed.api.patch(ref.nodes('n1'), 'application/merge-patch+json', { metadata: { labels: { disk: 'hdd' } } }, admin)
    await eventually(async () => JSON.stringify(await nodesWithPods()) === '["n2"]', 'moved to n2')
  })

  it('rolls a new template out one node at a time', async () => {
    await start()
    for (const n of ['n1', 'n2', 'n3', 'n4']) await addNode(n)
    await bed.api.create(daemonsets('default'), daemonSet(), admin)
    await eventually(async () => (await getDs()).status?.numberAvailable === 4, '4 available')
    await bed.api.patch(daemonsets('default', 'agent'), 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'busybox:2' }] } } } }, admin)
    let leastReady = 4
    await eventually(async () => {
      const now = await pods()
      leastReady = Math.min(leastReady, now.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length)
      return now.length === 4 && now.every((p) => p.spec?.containers[0]?.image === 'busybox:2' && p.status?.phase === 'Running')
    }, 'all updated')
    expect(leastReady).toBeGreaterThanOrEqual(3)
    await eventually(async () => (await getDs()).status?.updatedNumberScheduled === 4, 'status updated')
  })
})
