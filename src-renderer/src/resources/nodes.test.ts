import { describe, expect, it } from 'vitest'
import { container, makePod } from '../../../src-main/api/testing/builders.ts'
import type { Node } from '../../../src-main/api/types/core.ts'
import type { Pod } from '../../../src-main/api/types/pod.ts'
import { groupPodsByNode } from './columns.ts'
import { formatBytes, formatCpu, nodeColumns, nodeTone, nodeUsage, podRequest, usageText } from './nodes.ts'

const requesting = (name: string, cpu: string, memory: string, node = 'node-1'): Pod =>
  makePod(name)
    .withContainer(container('app', 'busybox', { resources: { requests: { cpu, memory } } }))
    .onNode(node)
    .obj()

function makeNode(name: string, extra: Partial<Node> = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'node-role.kubernetes.io/worker': '' } },
    status: {
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
      nodeInfo: { containerRuntimeVersion: 'docker://27.5.1' } as NonNullable<Node['status']>['nodeInfo'],
    },
    ...extra,
  }
}

describe('podRequest', () => {
  it.each([
    ['one container', requesting('a', '250m', '64Mi'), 250, 64 * 1024 ** 2],
    ['no requests', makePod('b').withContainer(container('app')).obj(), 0, 0],
    [
      'an init container larger than the app containers',
      makePod('c')
        .withContainer(container('app', 'x', { resources: { requests: { cpu: '100m' } } }))
        .withInitContainer(container('init', 'x', { resources: { requests: { cpu: '1' } } }))
        .obj(),
      1000,
      0,
    ],
    ['a finished pod', { ...requesting('d', '1', '1Gi'), status: { phase: 'Succeeded' } } as Pod, 0, 0],
    ['a malformed quantity counts as nothing', requesting('e', 'lots', '1Gi'), 0, 1024 ** 3],
  ])('%s', (_name, pod, cpu, memory) => {
    expect(podRequest(pod, 'cpu')).toBe(cpu)
    expect(podRequest(pod, 'memory')).toBe(memory)
  })
})

describe('node usage', () => {
  const pods = [requesting('a', '500m', '1Gi'), requesting('b', '500m', '1Gi'), requesting('c', '2', '1Gi', 'node-2')]
  const ctx = { now: Date.now(), podsByNode: groupPodsByNode(pods) }

  it('sums the requests of the pods on the node against allocatable', () => {
    const usage = nodeUsage(makeNode('node-1'), ctx.podsByNode.get('node-1') ?? [], 'cpu')
    expect(usage).toEqual({ requested: 1000, allocatable: 4000, fraction: 0.25 })
  })

  it.each([
    ['cpu', '1 / 4 (25%)'],
    ['memory', '2Gi / 8Gi (25%)'],
    ['pods', '2/110'],
    ['roles', 'worker'],
    ['docker', '27.5.1'],
    ['status', 'Ready'],
  ])('column %s shows %s', (id, expected) => {
    const column = nodeColumns.find((c) => c.id === id)
    expect(column?.text(makeNode('node-1'), ctx)).toBe(expected)
  })

  it('says so when the node reports no capacity', () => {
    expect(usageText({ requested: 0, allocatable: 0, fraction: 0 }, 'cpu')).toBe('—')
    expect(usageText({ requested: 500, allocatable: 0, fraction: 0 }, 'cpu')).toBe('500m / ?')
  })
})

describe('formatting', () => {
  it.each([
    [0, '0'],
    [250, '250m'],
    [1000, '1'],
    [1500, '1.5'],
    [16000, '16'],
  ])('cpu %d millicores is %s', (milli, text) => expect(formatCpu(milli)).toBe(text))

  it.each([
    [512, '512'],
    [64 * 1024 ** 2, '64Mi'],
    [7.8 * 1024 ** 3, '7.8Gi'],
    [12 * 1024 ** 3, '12Gi'],
  ])('%d bytes is %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text))
})

describe('nodeTone', () => {
  it.each([
    ['ready', makeNode('n'), 'ok'],
    ['cordoned', makeNode('n', { spec: { unschedulable: true } }), 'warning'],
    ['not ready', { ...makeNode('n'), status: { conditions: [{ type: 'Ready', status: 'False' }] } } as Node, 'error'],
    ['never reported', { ...makeNode('n'), status: {} } as Node, 'warning'],
  ])('%s', (_name, node, tone) => expect(nodeTone(node)).toBe(tone))
})
