// The node IPAM controller: gives every Node a pod subnet of its own from the cluster CIDR
// (spec.podCIDR and spec.podCIDRs), as kube-controller-manager's range allocator does. A node's
// subnet never changes once given (the API refuses that); a deleted node's subnet is free again.
//
//   Node added without podCIDR → lowest free /24 of 10.244.0.0/16 → PATCH spec.podCIDR(s)
//   cluster CIDR full          → Warning CIDRNotAvailable on the Node, retried with backoff
//
// Level-triggered: the subnets in use are those of the nodes in the cache, which the node watch
// keeps current; one worker allocates, so two nodes never get the same subnet.

import { RESOURCES } from '../../apiserver/resources.ts'
import type { KubeObject, Node } from '../../api/index.ts'
import { systemContext } from '../../apiserver/api-server.ts'
import { ApiError } from '../../apiserver/errors.ts'
import type { EventRecorder } from '../../apiserver/events.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'
import { log as rootLog, type Logger } from '../../util/log.ts'
import { ListWatch } from '../list-watch.ts'
import { ControllerLoop } from '../controller-loop.ts'
import { RetryQueue } from '../queue.ts'
import { DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_MASK_SIZE, nextFreeSubnet } from './cidr-allocator.ts'

export interface NodeIpamControllerOptions {
  api: ApiServerVerbs
  log?: Logger
  /** Default 10.244.0.0/16. */
  clusterCIDR?: string
  /** Prefix length of each node's subnet; default 24. */
  nodeMaskSize?: number
  /** For `CIDRNotAvailable` events; none recorded without it. */
  recorder?: EventRecorder
}

export const REASON_CIDR_NOT_AVAILABLE = 'CIDRNotAvailable'

const NODES: ResourceRef = RESOURCES.nodes

/** The node's pod CIDRs (podCIDRs, else podCIDR). */
export function podCIDRsOf(node: Node): string[] {
  const cidrs = node.spec?.podCIDRs ?? []
  if (cidrs.length) return cidrs
  return node.spec?.podCIDR ? [node.spec.podCIDR] : []
}

export class NodeIpamController {
  private readonly api: ApiServerVerbs
  private readonly log: Logger
  private readonly clusterCIDR: string
  private readonly nodeMaskSize: number
  private readonly recorder: EventRecorder | undefined
  private readonly ctx: RequestContext = systemContext('node-ipam-controller')
  private readonly nodes = new Map<string, Node>()
  private readonly queue: RetryQueue
  private readonly loop: ControllerLoop
  private readonly watch: ListWatch

  constructor(options: NodeIpamControllerOptions) {
    this.api = options.api
    this.log = (options.log ?? rootLog).child({ component: 'node-ipam-controller' })
    this.clusterCIDR = options.clusterCIDR ?? DEFAULT_CLUSTER_CIDR
    this.nodeMaskSize = options.nodeMaskSize ?? DEFAULT_NODE_MASK_SIZE
    this.recorder = options.recorder
    // Fail at construction, not at the first node, on a configuration that cannot work.
    nextFreeSubnet(this.clusterCIDR, this.nodeMaskSize, [])
    this.queue = new RetryQueue({ handle: (name) => this.sync(name), log: this.log, baseDelayMs: 200, maxDelayMs: 30_000 })
    this.watch = new ListWatch({
      api: this.api,
      ref: NODES,
      ctx: this.ctx,
      log: this.log,
      handlers: {
        replace: (objects) => {
          this.nodes.clear()
          for (const node of objects) this.observe(node)
        },
        change: (type, node) => {
          const name = node.metadata.name ?? ''
          if (type !== 'DELETED') {
            this.observe(node)
            return
          }
          this.nodes.delete(name)
          // Its subnet is free now: a node waiting for one need not wait for its next retry.
          for (const [waiting, n] of this.nodes) if (podCIDRsOf(n).length === 0) this.queue.add(waiting)
        },
      },
    })
    this.loop = new ControllerLoop(this.queue, [this.watch])
  }

  start(): Promise<void> {
    return this.loop.start()
  }

  stop(): Promise<void> {
    return this.loop.stop()
  }

  get idle(): boolean {
    return this.loop.idle
  }

  private observe(obj: KubeObject): void {
    const node = obj as Node
    const name = node.metadata.name
    if (!name) return
    this.nodes.set(name, node)
    if (podCIDRsOf(node).length === 0) this.queue.add(name)
  }

  /** Never called concurrently (one worker), so an allocation always sees the one before it. */
  private async sync(name: string): Promise<void> {
    let node: Node
    try {
      node = (await this.api.get({ ...NODES, name }, this.ctx)) as Node
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return
      throw err
    }
    if (podCIDRsOf(node).length > 0) return
    const used = [...this.nodes.values()].filter((n) => n.metadata.name !== name).flatMap(podCIDRsOf)
    const cidr = nextFreeSubnet(this.clusterCIDR, this.nodeMaskSize, used)
    if (!cidr) {
      const message = `Node ${name} status is now: CIDRNotAvailable (no /${this.nodeMaskSize} left in cluster CIDR ${this.clusterCIDR})`
      this.recorder?.event(node, 'Warning', REASON_CIDR_NOT_AVAILABLE, message)
      throw new Error(message)
    }
    // The resourceVersion makes this a compare-and-swap: a node changed meanwhile is looked at again.
    const result = await this.api.patch(
      { ...NODES, name },
      'application/merge-patch+json',
      { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { podCIDR: cidr, podCIDRs: [cidr] } },
      this.ctx,
    )
    this.nodes.set(name, result.object as Node)
    this.log.info('pod CIDR assigned', { node: name, podCIDR: cidr })
  }
}
