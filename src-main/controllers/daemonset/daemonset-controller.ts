// The DaemonSet controller, as pkg/controller/daemon: one pod per eligible node.
//
//   sync(key) ─▶ claim pods ─▶ per node: eligible & none → create (pinned to the node)
//                                        duplicates      → delete all but the oldest
//                                        not eligible / node gone / pod failed → delete
//             ─▶ RollingUpdate: pods of an older template go, at most maxUnavailable nodes at a
//                time without an available daemon (old pods that are not available go first), or
//                with maxSurge the new pod starts beside the old one, which goes once it is available
//             ─▶ status
//
// Pods are bound by setting spec.nodeName at creation, as DaemonSets did before they went through
// the scheduler: a daemon belongs on its node whether or not a scheduler runs. Template versions
// are told apart by the `controller-revision-hash` label (the template's hash); Coxswain keeps no
// ControllerRevision objects, so `kubectl rollout undo daemonset` is not supported.

import { KeyedController, NAMESPACE_INDEX, indexByNamespace, ownersSelecting, resolveControllerKey } from '../workloads/keyed-controller.ts'
import type { DaemonSet, DaemonSetStatus, Node, Pod } from '../../api/index.ts'
import { RESOURCES, resourceRef } from '../../apiserver/resources.ts'
import { objectKey, splitKey, type Informer } from '../informer.ts'
import type { ControllerContext } from '../manager.ts'
import { claimObjects, controllerOf, controllerReference } from '../workloads/controller-ref.ts'
import { Expectations } from '../workloads/expectations.ts'
import { scaledValue } from '../workloads/int-or-percent.ts'
import { availableAtMs, isPodActive, isPodAvailable, isPodReady } from '../workloads/pod-state.ts'
import { isApiCode, writeStatus } from '../workloads/status-writer.ts'
import { canonicalJson, computeTemplateHash } from '../workloads/template-hash.ts'
import { daemonTolerations, eligibility } from './node-eligibility.ts'

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash'

const isCurrent = (pod: Pod, hash: string): boolean => pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash

/**
 * The pods beyond one per node (podsShouldBeOnNode): the oldest stays. During a surge a node may
 * hold two — the new pod, and the old one only while the new is not ready and the old is.
 */
export function surplus(active: readonly Pod[], hash: string, surge: boolean): Pod[] {
  if (active.length <= 1) return []
  const oldestFirst = [...active].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1))
  if (!surge) return oldestFirst.slice(1)
  const current = oldestFirst.find((p) => isCurrent(p, hash))
  const old = oldestFirst.find((p) => !isCurrent(p, hash))
  const keep = !current ? [old] : old && !isPodReady(current) && isPodReady(old) ? [current, old] : [current]
  return oldestFirst.filter((p) => !keep.includes(p))
}

export class DaemonSetController extends KeyedController {
  private readonly daemonSets: Informer<DaemonSet>
  private readonly nodes: Informer<Node>
  private readonly pods: Informer<Pod>
  private readonly expectations: Expectations

  constructor(context: ControllerContext) {
    super(context, 'daemonset-controller')
    this.expectations = new Expectations(() => this.now().getTime())
    this.daemonSets = context.informers.informer<DaemonSet>(RESOURCES.daemonsets)
    this.nodes = context.informers.informer<Node>(RESOURCES.nodes)
    this.pods = context.informers.informer<Pod>(RESOURCES.pods)
    indexByNamespace(this.pods)
    indexByNamespace(this.daemonSets)
    this.daemonSets.addHandlers({
      add: (ds) => this.enqueue(ds),
      update: (_, ds) => this.enqueue(ds),
      delete: (ds) => {
        this.expectations.forget(objectKey(ds))
        this.enqueue(ds)
      },
    })
    this.nodes.addHandlers({
      add: () => this.enqueueAll(),
      update: (previous, node) => {
        const relevant = (n: Node): string => JSON.stringify([n.metadata.labels, n.spec?.taints, n.spec?.unschedulable])
        if (relevant(previous) !== relevant(node)) this.enqueueAll()
      },
      delete: () => this.enqueueAll(),
    })
    this.pods.addHandlers({
      add: (pod) => this.podChanged(pod, 'add'),
      update: (previous, pod) => {
        if (pod.metadata.deletionTimestamp && !previous.metadata.deletionTimestamp) this.podChanged(pod, 'delete')
        else this.podChanged(pod, 'update', previous)
      },
      delete: (pod) => this.podChanged(pod, 'delete'),
    })
  }

  private enqueueAll(): void {
    for (const ds of this.daemonSets.list()) this.enqueue(ds)
  }

  private ownerKey(pod: Pod): string | undefined {
    return resolveControllerKey(pod, 'DaemonSet', this.daemonSets)
  }

  private podChanged(pod: Pod, change: 'add' | 'update' | 'delete', previous?: Pod): void {
    const owner = this.ownerKey(pod)
    if (!owner) {
      if (controllerOf(pod) || change === 'delete') return
      for (const ds of ownersSelecting(this.daemonSets, pod)) this.enqueue(ds)
      return
    }
    if (change === 'add' && !pod.metadata.deletionTimestamp) this.expectations.creationObserved(owner)
    if (change === 'delete' || (change === 'add' && pod.metadata.deletionTimestamp)) this.expectations.deletionObserved(owner, objectKey(pod))
    this.queue.add(owner)
    const ds = this.daemonSets.get(owner)
    const at = availableAtMs(pod, ds?.spec?.minReadySeconds ?? 0)
    if (change === 'update' && at !== undefined && previous && !isPodReady(previous)) this.queue.addAfter(owner, Math.max(0, at - this.now().getTime()) + 1)
  }

  protected async sync(key: string): Promise<void> {
    const ds = this.daemonSets.get(key)
    if (!ds) {
      this.expectations.forget(key)
      return
    }
    const { namespace = '' } = splitKey(key)
    const owned = await claimObjects(
      {
        api: this.api,
        ctx: this.ctx,
        resource: RESOURCES.pods,
        owner: ds,
        selector: ds.spec?.selector,
        recheckOwner: () => this.api.get(resourceRef(RESOURCES.daemonsets, namespace, ds.metadata.name), this.ctx).catch(() => undefined),
      },
      this.pods.byIndex(NAMESPACE_INDEX, namespace).filter((p) => !p.metadata.deletionTimestamp),
    )
    const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount)
    const nodes = this.nodes.list()
    const byNode = new Map<string, Pod[]>()
    for (const pod of owned) {
      const node = pod.spec?.nodeName ?? ''
      byNode.set(node, [...(byNode.get(node) ?? []), pod])
    }
    if (this.expectations.satisfied(key) && !ds.metadata.deletionTimestamp) await this.manage(key, ds, nodes, byNode, hash)
    await this.updateStatus(ds, nodes, byNode, hash)
  }

  /** Creates and deletes daemon pods so each eligible node has exactly one of the current template. */
  private async manage(key: string, ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, Pod[]>, hash: string): Promise<void> {
    const create: string[] = []
    const remove: Pod[] = []
    const known = new Set<string>()
    const surge = this.maxSurge(ds, nodes) > 0
    for (const node of nodes) {
      const name = node.metadata.name ?? ''
      known.add(name)
      const { shouldRun, shouldContinueRunning } = eligibility(ds.spec?.template.spec, node)
      const pods = byNode.get(name) ?? []
      const failed = pods.filter((p) => p.status?.phase === 'Failed')
      const active = pods.filter(isPodActive)
      for (const pod of failed) this.events.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} on node ${name}, will try to kill it`)
      remove.push(...failed)
      if (!shouldContinueRunning) {
        remove.push(...active)
        continue
      }
      if (active.length === 0) {
        if (shouldRun) create.push(name)
        continue
      }
      remove.push(...surplus(active, hash, surge))
    }
    // Pods never bound to a node (not made by us), and pods of nodes that are gone — those no agent
    // will ever finish deleting, so they go at once, as Kubernetes' pod GC does (terminating ones too).
    remove.push(...(byNode.get('') ?? []))
    const stranded = this.pods
      .byIndex(NAMESPACE_INDEX, ds.metadata.namespace ?? '')
      .filter((p) => controllerOf(p)?.uid === ds.metadata.uid && p.spec?.nodeName && !known.has(p.spec.nodeName))
    if (remove.length === 0 && create.length === 0 && stranded.length === 0) {
      const step = this.rollingUpdate(ds, nodes, byNode, hash)
      remove.push(...step.remove)
      create.push(...step.createOn)
    }

    this.expectations.expectCreations(key, create.length)
    this.expectations.expectDeletions(key, remove.map(objectKey))
    const results = await Promise.allSettled([
      ...create.map((node) =>
        this.createPod(ds, node, hash).catch((err: unknown) => {
          this.expectations.creationObserved(key)
          throw err
        }),
      ),
      ...stranded.map((pod) => this.deletePod(ds, pod, 0)),
      ...remove.map((pod) =>
        this.deletePod(ds, pod).catch((err: unknown) => {
          this.expectations.deletionObserved(key, objectKey(pod))
          throw err
        }),
      ),
    ])
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }

  private eligibleNodes(ds: DaemonSet, nodes: readonly Node[]): Node[] {
    return nodes.filter((n) => eligibility(ds.spec?.template.spec, n).shouldContinueRunning)
  }

  /** maxSurge in pods, of the eligible nodes (0 unless RollingUpdate asks for a surge). */
  private maxSurge(ds: DaemonSet, nodes: readonly Node[]): number {
    const strategy = ds.spec?.updateStrategy
    if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate' || strategy?.rollingUpdate?.maxSurge === undefined) return 0
    return scaledValue(strategy.rollingUpdate.maxSurge, this.eligibleNodes(ds, nodes).length, true, 0)
  }

  /**
   * One step of a RollingUpdate (daemon update.go). With maxSurge: a node gets its new pod while
   * the old one runs, on at most maxSurge nodes at a time, and the old pod goes once the new one is
   * available (an old pod that is not available goes at once). Without: old pods that are not
   * available go at once; available ones go while fewer than maxUnavailable eligible nodes lack an
   * available daemon.
   */
  private rollingUpdate(ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, Pod[]>, hash: string): { remove: Pod[]; createOn: string[] } {
    const strategy = ds.spec?.updateStrategy
    if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return { remove: [], createOn: [] }
    const minReady = ds.spec?.minReadySeconds ?? 0
    const now = this.now()
    const eligible = this.eligibleNodes(ds, nodes)
    const available = (pod: Pod): boolean => isPodAvailable(pod, minReady, now)
    const onNode = (node: Node): { current?: Pod; old?: Pod } => {
      const active = (byNode.get(node.metadata.name ?? '') ?? []).filter(isPodActive)
      return { current: active.find((p) => isCurrent(p, hash)), old: active.find((p) => !isCurrent(p, hash)) }
    }
    const remove: Pod[] = []
    const surge = this.maxSurge(ds, nodes)
    if (surge > 0) {
      let surging = 0
      const waiting: string[] = []
      for (const node of eligible) {
        const { current, old } = onNode(node)
        if (!old) continue
        if (current) {
          surging++
          if (available(current)) remove.push(old)
        } else if (!available(old)) remove.push(old)
        else waiting.push(node.metadata.name ?? '')
      }
      return { remove, createOn: waiting.slice(0, Math.max(0, surge - surging)) }
    }
    const maxUnavailable = Math.max(1, scaledValue(strategy?.rollingUpdate?.maxUnavailable, eligible.length, true, 1))
    let unavailable = 0
    const oldAvailable: Pod[] = []
    for (const node of eligible) {
      const { current, old } = onNode(node)
      const pod = current ?? old
      if (!pod || !available(pod)) unavailable++
      if (current || !old) continue
      if (available(old)) oldAvailable.push(old)
      else remove.push(old)
    }
    return { remove: [...remove, ...oldAvailable.slice(0, Math.max(0, maxUnavailable - unavailable))], createOn: [] }
  }

  private async createPod(ds: DaemonSet, nodeName: string, hash: string): Promise<void> {
    const template = ds.spec?.template
    const namespace = ds.metadata.namespace ?? ''
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${ds.metadata.name ?? ''}-`,
        namespace,
        labels: { ...template?.metadata?.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash },
        ...(template?.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [controllerReference({ ...ds, apiVersion: 'apps/v1', kind: 'DaemonSet' })],
      },
      spec: { ...structuredClone(template?.spec ?? { containers: [] }), nodeName, tolerations: daemonTolerations(template?.spec) },
    }
    try {
      const { object } = await this.api.create(resourceRef(RESOURCES.pods, namespace), pod, this.ctx)
      this.events.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${object.metadata.name ?? ''}`)
    } catch (err) {
      this.events.event(ds, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`)
      throw err
    }
  }

  private async deletePod(ds: DaemonSet, pod: Pod, gracePeriodSeconds?: number): Promise<void> {
    try {
      const options = { preconditions: { uid: pod.metadata.uid }, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) }
      await this.api.delete(resourceRef(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name), options, this.ctx)
      this.events.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`)
    } catch (err) {
      if (isApiCode(err, 404)) return
      throw err
    }
  }

  private async updateStatus(ds: DaemonSet, nodes: readonly Node[], byNode: ReadonlyMap<string, Pod[]>, hash: string): Promise<void> {
    const now = this.now()
    const minReady = ds.spec?.minReadySeconds ?? 0
    const status: DaemonSetStatus = {
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
      observedGeneration: ds.metadata.generation ?? 0,
      updatedNumberScheduled: 0,
      numberAvailable: 0,
      numberUnavailable: 0,
    }
    let available = 0
    for (const node of nodes) {
      const { shouldRun, shouldContinueRunning } = eligibility(ds.spec?.template.spec, node)
      const wanted = shouldRun || shouldContinueRunning
      const active = (byNode.get(node.metadata.name ?? '') ?? []).filter(isPodActive)
      const pod = active.find((p) => isCurrent(p, hash)) ?? active[0]
      if (wanted) status.desiredNumberScheduled++
      if (!pod) continue
      if (!wanted) {
        status.numberMisscheduled++
        continue
      }
      status.currentNumberScheduled++
      if (isPodReady(pod)) status.numberReady++
      if (isPodAvailable(pod, minReady, now)) available++
      if (isCurrent(pod, hash)) status.updatedNumberScheduled = (status.updatedNumberScheduled ?? 0) + 1
    }
    status.numberAvailable = available
    status.numberUnavailable = status.desiredNumberScheduled - available
    if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount
    if (canonicalJson(status) === canonicalJson(ds.status ?? {})) return
    await writeStatus(this.api, this.ctx, resourceRef(RESOURCES.daemonsets, ds.metadata.namespace, ds.metadata.name), ds, status)
  }
}

export const daemonSetController = (context: ControllerContext): DaemonSetController => new DaemonSetController(context)
