// The ReplicaSet controller, as pkg/controller/replicaset: keeps `spec.replicas` active pods that
// match the selector. Event handlers only enqueue the owning ReplicaSet's key; sync(key) reads the
// informer caches, claims pods (adopting orphans that match, releasing those that no longer do),
// and — once the expectations of its last creates and deletes are met — creates missing pods in
// slow-start batches or deletes the least valuable surplus ones; it always writes status.
//
//   pod/replicaset events ─▶ queue(ns/name) ─▶ sync: claim ─▶ manage (expectations) ─▶ status

import { KeyedController, NAMESPACE_INDEX, indexByNamespace, ownersSelecting, resolveControllerKey } from '../workloads/keyed-controller.ts'
import type { Pod, ReplicaSet, ReplicaSetStatus, WorkloadCondition } from '../../api/index.ts'
import { RESOURCES, resourceRef } from '../../apiserver/resources.ts'
import { objectKey, splitKey, type Informer } from '../informer.ts'
import type { ControllerContext } from '../manager.ts'
import { claimObjects, controllerOf, controllerReference } from '../workloads/controller-ref.ts'
import { Expectations } from '../workloads/expectations.ts'
import { availableAtMs, isPodActive, isPodAvailable, isPodReady, isPodTerminating } from '../workloads/pod-state.ts'
import { podsToDelete } from '../workloads/pod-ranking.ts'
import { slowStartBatch } from '../workloads/slow-start.ts'
import { isApiCode, writeStatus } from '../workloads/status-writer.ts'
import { canonicalJson } from '../workloads/template-hash.ts'

/** Most pods created or deleted by one sync (kube-controller-manager's burstReplicas). */
export const BURST_REPLICAS = 500
const SLOW_START_INITIAL_BATCH = 1

export class ReplicaSetController extends KeyedController {
  private readonly pods: Informer<Pod>
  private readonly replicaSets: Informer<ReplicaSet>
  private readonly expectations: Expectations

  constructor(context: ControllerContext) {
    super(context, 'replicaset-controller')
    this.expectations = new Expectations(() => this.now().getTime())
    this.replicaSets = context.informers.informer<ReplicaSet>(RESOURCES.replicasets)
    this.pods = context.informers.informer<Pod>(RESOURCES.pods)
    indexByNamespace(this.pods)
    indexByNamespace(this.replicaSets)
    this.replicaSets.addHandlers({
      add: (rs) => this.enqueue(rs),
      update: (_, rs) => this.enqueue(rs),
      delete: (rs) => {
        this.expectations.forget(objectKey(rs))
        this.enqueue(rs)
      },
    })
    this.pods.addHandlers({
      add: (pod) => this.podAdded(pod),
      update: (previous, pod) => this.podUpdated(previous, pod),
      delete: (pod) => this.podDeleted(pod),
    })
  }

  /** The ReplicaSet (by key) controlling `pod`, if it is one we know. */
  private ownerKey(pod: Pod): string | undefined {
    return resolveControllerKey(pod, 'ReplicaSet', this.replicaSets)
  }

  /** An orphan: every ReplicaSet whose selector matches may want to adopt it. */
  private enqueueMatching(pod: Pod): void {
    for (const rs of ownersSelecting(this.replicaSets, pod)) this.enqueue(rs)
  }


  private podAdded(pod: Pod): void {
    const owner = this.ownerKey(pod)
    if (pod.metadata.deletionTimestamp) {
      // Seen for the first time already deleting (a relist): it counts as a delete observed.
      if (owner) {
        this.expectations.deletionObserved(owner, objectKey(pod))
        this.queue.add(owner)
      }
      return
    }
    if (owner) {
      this.expectations.creationObserved(owner)
      this.queue.add(owner)
    } else if (!controllerOf(pod)) this.enqueueMatching(pod)
  }

  private podUpdated(previous: Pod, pod: Pod): void {
    const owner = this.ownerKey(pod)
    if (pod.metadata.deletionTimestamp && !previous.metadata.deletionTimestamp && owner) this.expectations.deletionObserved(owner, objectKey(pod))
    const previousOwner = this.ownerKey(previous)
    if (previousOwner && previousOwner !== owner) this.queue.add(previousOwner)
    if (owner) {
      this.queue.add(owner)
      // A pod that just became ready becomes available minReadySeconds later: look again then.
      const rs = this.replicaSets.get(owner)
      const at = availableAtMs(pod, rs?.spec?.minReadySeconds ?? 0)
      if (at !== undefined && !isPodReady(previous)) this.queue.addAfter(owner, Math.max(0, at - this.now().getTime()) + 1)
    } else if (!controllerOf(pod)) this.enqueueMatching(pod)
  }

  private podDeleted(pod: Pod): void {
    const owner = this.ownerKey(pod)
    if (!owner) return
    this.expectations.deletionObserved(owner, objectKey(pod))
    this.queue.add(owner)
  }

  protected async sync(key: string): Promise<void> {
    const rs = this.replicaSets.get(key)
    if (!rs) {
      this.expectations.forget(key)
      return
    }
    const { namespace = '' } = splitKey(key)
    const needsSync = this.expectations.satisfied(key)
    const inNamespace = this.pods.byIndex(NAMESPACE_INDEX, namespace)
    const active = inNamespace.filter(isPodActive)
    const owned = await claimObjects(
      {
        api: this.api,
        ctx: this.ctx,
        resource: RESOURCES.pods,
        owner: rs,
        selector: rs.spec?.selector,
        recheckOwner: () => this.api.get(resourceRef(RESOURCES.replicasets, namespace, rs.metadata.name), this.ctx).catch(() => undefined),
      },
      active,
    )
    let failure: unknown
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, rs, owned)
      } catch (err) {
        failure = err
      }
    }
    const terminating = inNamespace.filter((p) => isPodTerminating(p) && controllerOf(p)?.uid === rs.metadata.uid).length
    const status = this.calculateStatus(rs, owned, terminating, failure)
    const ref = resourceRef(RESOURCES.replicasets, namespace, rs.metadata.name)
    if (canonicalJson(status) !== canonicalJson(rs.status ?? {})) await writeStatus(this.api, this.ctx, ref, rs, status)
    if (failure) throw failure
    const minReady = rs.spec?.minReadySeconds ?? 0
    if (minReady > 0 && status.readyReplicas === (rs.spec?.replicas ?? 1) && status.availableReplicas !== status.readyReplicas) {
      this.queue.addAfter(key, minReady * 1000)
    }
  }

  /** Creates or deletes pods to reach spec.replicas. Does not modify `pods`. */
  private async manageReplicas(key: string, rs: ReplicaSet, pods: readonly Pod[]): Promise<void> {
    const diff = pods.length - (rs.spec?.replicas ?? 1)
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS)
      this.expectations.expectCreations(key, count)
      const { succeeded, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH, () => this.createPod(rs))
      // Creates never sent, or refused, will never be observed.
      for (let i = succeeded; i < count; i++) this.expectations.creationObserved(key)
      if (error) throw error
    } else if (diff > 0) {
      const victims = podsToDelete(pods, this.relatedPods(rs, pods), Math.min(diff, BURST_REPLICAS))
      this.expectations.expectDeletions(key, victims.map(objectKey))
      const results = await Promise.allSettled(victims.map((pod) => this.deletePod(rs, pod)))
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      results.forEach((r, i) => {
        const victim = victims[i]
        if (r.status === 'rejected' && victim) this.expectations.deletionObserved(key, objectKey(victim))
      })
      if (failed) throw failed.reason
    }
  }

  /**
   * The active pods of every ReplicaSet sharing this one's controller (a Deployment's old and new
   * ReplicaSets), so scaling down prefers nodes the whole family crowds (getIndirectlyRelatedPods).
   */
  private relatedPods(rs: ReplicaSet, own: readonly Pod[]): readonly Pod[] {
    const owner = controllerOf(rs)?.uid
    if (!owner) return own
    const siblings = new Set(
      this.replicaSets
        .byIndex(NAMESPACE_INDEX, rs.metadata.namespace ?? '')
        .filter((other) => controllerOf(other)?.uid === owner)
        .map((other) => other.metadata.uid),
    )
    return this.pods.byIndex(NAMESPACE_INDEX, rs.metadata.namespace ?? '').filter((p) => isPodActive(p) && siblings.has(controllerOf(p)?.uid))
  }

  private async createPod(rs: ReplicaSet): Promise<void> {
    const template = rs.spec?.template ?? {}
    const namespace = rs.metadata.namespace ?? ''
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${rs.metadata.name ?? ''}-`,
        namespace,
        ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
        ownerReferences: [controllerReference({ ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' })],
      },
      spec: structuredClone(template.spec ?? { containers: [] }),
    }
    try {
      const { object } = await this.api.create(resourceRef(RESOURCES.pods, namespace), pod, this.ctx)
      this.events.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${object.metadata.name ?? ''}`)
    } catch (err) {
      this.events.event(rs, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`)
      throw err
    }
  }

  private async deletePod(rs: ReplicaSet, pod: Pod): Promise<void> {
    try {
      await this.api.delete(resourceRef(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name), { preconditions: { uid: pod.metadata.uid } }, this.ctx)
      this.events.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`)
    } catch (err) {
      if (isApiCode(err, 404)) return
      this.events.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${err instanceof Error ? err.message : String(err)}`)
      throw err
    }
  }

  private calculateStatus(rs: ReplicaSet, pods: readonly Pod[], terminating: number, failure: unknown): ReplicaSetStatus {
    const templateLabels = rs.spec?.template?.metadata?.labels ?? {}
    const now = this.now()
    const minReady = rs.spec?.minReadySeconds ?? 0
    const status: ReplicaSetStatus = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
      terminatingReplicas: terminating,
      observedGeneration: rs.metadata.generation ?? 0,
    }
    const conditions = (rs.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure')
    const previous = rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure')
    if (failure) {
      const reason = pods.length < (rs.spec?.replicas ?? 1) ? 'FailedCreate' : 'FailedDelete'
      const condition: WorkloadCondition = {
        type: 'ReplicaFailure',
        status: 'True',
        reason,
        message: failure instanceof Error ? failure.message : String(failure),
        lastTransitionTime: previous?.lastTransitionTime ?? now.toISOString().replace(/\.\d+Z$/, 'Z'),
      }
      conditions.push(condition)
    }
    if (conditions.length > 0) status.conditions = conditions
    return status
  }
}

export const replicaSetController = (context: ControllerContext): ReplicaSetController => new ReplicaSetController(context)
