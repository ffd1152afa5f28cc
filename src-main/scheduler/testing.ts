// Builders for the scheduler's tests and benchmark: nodes with allocatable resources, conditions,
// taints and images; pods with requests; snapshots from them.

import type { Node, NodeCondition, Pod, Taint } from '../api/index.ts'
import { makePod } from '../api/testing/builders.ts'
import type { ApiServerVerbs, RequestContext } from '../apiserver/types.ts'
import { RESOURCES, resourceRef } from '../apiserver/resources.ts'
import { CycleState, type Plugin } from './framework/types.ts'
import type { Snapshot } from './framework/snapshot.ts'
import { podInfo } from './framework/pod-info.ts'
import { POD_INFO_KEY } from './plugins/node-resources-fit.ts'
import { NodeInfo } from './framework/node-info.ts'

class NodeBuilder {
  private readonly node: Node

  constructor(name: string) {
    this.node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      spec: {},
      status: {
        allocatable: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
        capacity: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    }
  }

  withLabels(labels: Record<string, string>): this {
    this.node.metadata.labels = { ...this.node.metadata.labels, ...labels }
    return this
  }

  withAllocatable(allocatable: Record<string, string>): this {
    const status = (this.node.status ??= {})
    status.allocatable = { ...status.allocatable, ...allocatable }
    status.capacity = { ...status.allocatable }
    return this
  }

  withoutAllocatable(): this {
    if (this.node.status) delete this.node.status.allocatable
    return this
  }

  withTaint(key: string, value: string | undefined, effect: Taint['effect']): this {
    const spec = (this.node.spec ??= {})
    ;(spec.taints ??= []).push(value === undefined ? { key, effect } : { key, value, effect })
    return this
  }

  withCondition(type: string, status: NodeCondition['status']): this {
    const st = (this.node.status ??= {})
    st.conditions = [...(st.conditions ?? []).filter((c) => c.type !== type), { type, status }]
    return this
  }

  withoutConditions(): this {
    if (this.node.status) delete this.node.status.conditions
    return this
  }

  withImage(name: string, sizeBytes: number): this {
    const st = (this.node.status ??= {})
    ;(st.images ??= []).push({ names: [name], sizeBytes })
    return this
  }

  cordoned(): this {
    ;(this.node.spec ??= {}).unschedulable = true
    return this
  }

  obj(): Node {
    return structuredClone(this.node)
  }
}

export const makeNode = (name: string): NodeBuilder => new NodeBuilder(name)

/** A pod with one container requesting `requests` (cpu, memory, …). */
export function podRequesting(name: string, requests: Record<string, string>, namespace = 'default'): Pod {
  return makePod(name, namespace)
    .withContainer({ name: 'app', image: 'busybox', resources: { requests } })
    .obj()
}

/** A NodeInfo holding `pods` (their nodeName is ignored). */
export function nodeInfo(node: Node, pods: readonly Pod[] = []): NodeInfo {
  const info = new NodeInfo(node.metadata.name ?? '')
  info.setNode(node)
  pods.forEach((p, i) => info.addPod(podInfo({ ...p, metadata: { ...p.metadata, uid: p.metadata.uid ?? `${node.metadata.name ?? ''}-pod-${i}` } })))
  return info
}

/** A cycle state prepared as the framework prepares it for `pod`. */
export function cycleStateFor(pod: Pod): CycleState {
  const state = new CycleState()
  state.write(POD_INFO_KEY, podInfo(pod))
  return state
}

/** Creates a node through the API with its status (create resets status, as kube-apiserver does). */
export async function createNode(api: ApiServerVerbs, node: Node, ctx: RequestContext): Promise<Node> {
  const created = (await api.create(RESOURCES.nodes, { ...node, status: undefined }, ctx)).object as Node
  const withStatus = { ...created, status: node.status }
  return (await api.update(resourceRef(RESOURCES.nodes, undefined, node.metadata.name, 'status'), withStatus, ctx)).object as Node
}

/** Runs one plugin's PreFilter then Filter over every node of `snapshot`: node → first reason (null: fits). */
export function filterEach(plugin: Plugin, pod: Pod, snapshot: Snapshot): Record<string, string | null> {
  const state = cycleStateFor(pod)
  const refused = plugin.preFilter?.(state, pod, snapshot)
  return Object.fromEntries(snapshot.nodes().map((n) => [n.name, refused?.reasons[0] ?? plugin.filter?.(state, pod, n)?.reasons[0] ?? null]))
}

/** Runs one plugin's PreScore, Score and NormalizeScore over every node of `snapshot`: node → score. */
export function scoreEach(plugin: Plugin, pod: Pod, snapshot: Snapshot): Record<string, number> {
  const state = cycleStateFor(pod)
  const nodes = snapshot.nodes()
  plugin.preScore?.(state, pod, nodes, snapshot)
  const scores = nodes.map((n) => ({ name: n.name, score: plugin.score?.(state, pod, n) ?? 0 }))
  plugin.normalize?.(state, pod, scores)
  return Object.fromEntries(scores.map((s) => [s.name, s.score]))
}
