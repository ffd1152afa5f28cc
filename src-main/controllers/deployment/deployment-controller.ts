// The Deployment controller, as pkg/controller/deployment: a Deployment owns ReplicaSets, one per
// pod template it has had (named `<deployment>-<pod-template-hash>`), and moves replicas from the
// old ones to the new one.
//
//   sync(key) ─▶ claim ReplicaSets ─▶ deleting?        status only
//                                   ─▶ paused/resized?  scale: proportional over active RSs
//                                   ─▶ Recreate         old → 0, wait for their pods to end, new → N
//                                   ─▶ RollingUpdate    new up within maxSurge, old down within
//                                                       maxUnavailable (unhealthy old pods first)
//             ─▶ status: counts, Available, Progressing (ProgressDeadlineExceeded), revision history
//
// The revision lives in the `deployment.kubernetes.io/revision` annotation of each ReplicaSet and
// of the Deployment, so `kubectl rollout history/undo` work from the ReplicaSets alone. Every write
// carries the cached resourceVersion; a sync does not act on a ReplicaSet it has written until the
// cache has seen that write (its own form of expectations), so it never acts twice on one view.
// All state is in the API objects: a restarted controller picks a rollout up where it stood.

import { KeyedController, NAMESPACE_INDEX, indexByNamespace, resolveControllerKey } from '../workloads/keyed-controller.ts'
import type { Deployment, DeploymentStatus, KubeObject, Pod, ReplicaSet } from '../../api/index.ts'
import { labelSelectorAsSelector, matchesLabels } from '../../api/selectors/labels.ts'
import { RESOURCES, resourceRef } from '../../apiserver/resources.ts'
import { objectKey, type Informer } from '../informer.ts'
import type { ControllerContext } from '../manager.ts'
import { claimObjects, controllerOf, controllerReference, type ClaimOptions } from '../workloads/controller-ref.ts'
import { isApiCode, writeStatus } from '../workloads/status-writer.ts'
import { canonicalJson, computeTemplateHash, equalIgnoringHash, POD_TEMPLATE_HASH_LABEL } from '../workloads/template-hash.ts'
import {
  calculateStatus,
  getCondition,
  isComplete,
  PROGRESSING,
  REASON_FOUND_NEW_RS,
  REASON_NEW_RS_CREATED,
  REASON_PAUSED,
  REASON_RESUMED,
  REASON_TIMED_OUT,
  setCondition,
  updateProgressing,
  hasProgressDeadline,
} from './conditions.ts'
import { DESIRED_REPLICAS_ANNOTATION, maxRevision, replicasAnnotation, REVISION_ANNOTATION, revisionOf, setNewReplicaSetAnnotations, setReplicasAnnotations } from './revisions.ts'
import {
  activeOrLatest,
  activeReplicaSets,
  byCreation,
  cleanupUnhealthy,
  desiredReplicas,
  historyToDelete,
  isRollingUpdate,
  isSaturated,
  maxScaledDown,
  maxSurge,
  newReplicaSetReplicas,
  proportionalSizes,
  scaleDownOld,
  specReplicas,
  totalReplicas,
} from './rollout-math.ts'

const CONTROLLER_UID_INDEX = 'controller-uid'

interface Family {
  newRS: ReplicaSet | undefined
  oldRSs: ReplicaSet[]
}

export class DeploymentController extends KeyedController {
  private readonly deployments: Informer<Deployment>
  private readonly replicaSets: Informer<ReplicaSet>
  private readonly pods: Informer<Pod>
  /** uid → resourceVersion of our last write, until the cache shows it. */
  private readonly written = new Map<string, number>()

  constructor(context: ControllerContext) {
    super(context, 'deployment-controller')
    this.deployments = context.informers.informer<Deployment>(RESOURCES.deployments)
    this.replicaSets = context.informers.informer<ReplicaSet>(RESOURCES.replicasets)
    this.pods = context.informers.informer<Pod>(RESOURCES.pods)
    indexByNamespace(this.deployments)
    indexByNamespace(this.replicaSets)
    this.pods.addIndex(CONTROLLER_UID_INDEX, (pod) => {
      const uid = controllerOf(pod)?.uid
      return uid ? [uid] : []
    })
    this.deployments.addHandlers({
      add: (d) => this.enqueue(d),
      update: (_, d) => this.enqueue(d),
      delete: (d) => {
        this.written.delete(d.metadata.uid ?? '')
        this.enqueue(d)
      },
    })
    this.replicaSets.addHandlers({
      add: (rs) => this.replicaSetChanged(rs),
      update: (previous, rs) => {
        if (controllerOf(previous)?.uid !== controllerOf(rs)?.uid) this.replicaSetChanged(previous)
        this.replicaSetChanged(rs)
      },
      delete: (rs) => {
        this.written.delete(rs.metadata.uid ?? '')
        this.replicaSetChanged(rs)
      },
    })
    // Recreate waits for the old pods to be gone: their deletion is what lets it go on.
    this.pods.addHandlers({ delete: (pod) => this.podDeleted(pod) })
  }

  private ownerOf(rs: ReplicaSet): Deployment | undefined {
    const key = resolveControllerKey(rs, 'Deployment', this.deployments)
    return key === undefined ? undefined : this.deployments.get(key)
  }

  private replicaSetChanged(rs: ReplicaSet): void {
    const owner = this.ownerOf(rs)
    if (owner) {
      this.enqueue(owner)
      return
    }
    if (controllerOf(rs)) return
    for (const d of this.deployments.byIndex(NAMESPACE_INDEX, rs.metadata.namespace ?? '')) {
      if (d.spec?.selector && matchesLabels(labelSelectorAsSelector(d.spec.selector), rs.metadata.labels)) this.enqueue(d)
    }
  }

  private podDeleted(pod: Pod): void {
    const ref = controllerOf(pod)
    if (ref?.kind !== 'ReplicaSet') return
    const rs = this.replicaSets.get(`${pod.metadata.namespace ?? ''}/${ref.name}`)
    const owner = rs && this.ownerOf(rs)
    if (owner && owner.spec?.strategy?.type === 'Recreate') this.enqueue(owner)
  }

  /** True when the cache still shows `obj` older than our last write to it. */
  private stale(obj: KubeObject): boolean {
    const uid = obj.metadata.uid ?? ''
    const wrote = this.written.get(uid)
    if (wrote === undefined) return false
    if (Number(obj.metadata.resourceVersion) >= wrote) {
      this.written.delete(uid)
      return false
    }
    return true
  }

  private remember(obj: KubeObject): void {
    const rv = Number(obj.metadata.resourceVersion)
    if (obj.metadata.uid && Number.isFinite(rv)) this.written.set(obj.metadata.uid, rv)
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.deployments.get(key)
    if (!cached) return
    const namespace = cached.metadata.namespace ?? ''
    const inNamespace = this.replicaSets.byIndex(NAMESPACE_INDEX, namespace)
    // Our own writes not yet seen: the informer event they cause brings us back.
    if (this.stale(cached) || inNamespace.some((rs) => this.stale(rs))) return

    const d = structuredClone(cached)
    if (!d.spec?.selector || (!d.spec.selector.matchLabels && !d.spec.selector.matchExpressions)) {
      this.events.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.')
      return
    }
    const owned = await claimObjects(this.claimOptions(d), inNamespace)
    if (d.metadata.deletionTimestamp) {
      const family = this.family(d, owned)
      await this.writeDeploymentStatus(d, calculateStatus(d, owned, family.newRS, this.now()))
      return
    }
    if (d.spec.paused || this.isScalingEvent(d, owned)) {
      await this.syncScaling(d, owned)
      return
    }
    if (d.spec.strategy?.type === 'Recreate') await this.rolloutRecreate(d, owned)
    else await this.rolloutRolling(d, owned)
  }

  private claimOptions(d: Deployment): ClaimOptions {
    return {
      api: this.api,
      ctx: this.ctx,
      resource: RESOURCES.replicasets,
      owner: d,
      selector: d.spec?.selector,
      recheckOwner: () => this.api.get(resourceRef(RESOURCES.deployments, d.metadata.namespace, d.metadata.name), this.ctx).catch(() => undefined),
    }
  }

  /** The new ReplicaSet (same template, oldest if several) and the others. */
  private family(d: Deployment, owned: readonly ReplicaSet[]): Family {
    const newRS = byCreation(owned).find((rs) => equalIgnoringHash(rs.spec?.template, d.spec?.template))
    return { newRS, oldRSs: owned.filter((rs) => rs !== newRS) }
  }

  /** Some active ReplicaSet was sized for another replica count: the Deployment was resized. */
  private isScalingEvent(d: Deployment, owned: readonly ReplicaSet[]): boolean {
    return activeReplicaSets(owned).some((rs) => {
      const desired = replicasAnnotation(rs, DESIRED_REPLICAS_ANNOTATION)
      return desired !== undefined && desired !== desiredReplicas(d)
    })
  }

  // --- revisions and the new ReplicaSet ------------------------------------------------------------

  /**
   * Finds (and, with `create`, makes) the new ReplicaSet, giving it the next revision and the
   * Deployment's annotations (getAllReplicaSetsAndSyncRevision). Modifies `d` (annotations, status).
   */
  private async syncRevision(d: Deployment, owned: readonly ReplicaSet[], create: boolean): Promise<Family> {
    const { newRS: existing, oldRSs } = this.family(d, owned)
    const revision = maxRevision(oldRSs) + 1
    d.status ??= {}
    if (existing) {
      const copy = structuredClone(existing)
      let changed = setNewReplicaSetAnnotations(d, copy, revision)
      const minReady = d.spec?.minReadySeconds ?? 0
      if ((copy.spec?.minReadySeconds ?? 0) !== minReady && copy.spec) {
        copy.spec.minReadySeconds = minReady
        changed = true
      }
      const newRS = changed ? await this.updateReplicaSet(copy) : existing
      await this.setDeploymentRevision(d, revisionOf(newRS))
      if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
        setCondition(d.status, { type: PROGRESSING, status: 'True', reason: REASON_FOUND_NEW_RS, message: `Found new replica set "${newRS.metadata.name ?? ''}"` }, this.now())
      }
      return { newRS, oldRSs }
    }
    if (!create) return { newRS: undefined, oldRSs }
    const newRS = await this.createNewReplicaSet(d, oldRSs, revision)
    return { newRS, oldRSs }
  }

  private async createNewReplicaSet(d: Deployment, oldRSs: readonly ReplicaSet[], revision: number): Promise<ReplicaSet | undefined> {
    const spec = d.spec
    if (!spec) return undefined
    const namespace = d.metadata.namespace ?? ''
    const hash = computeTemplateHash(spec.template, d.status?.collisionCount)
    const template = structuredClone(spec.template)
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } }
    const name = `${d.metadata.name ?? ''}-${hash}`
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [controllerReference({ ...d, apiVersion: 'apps/v1', kind: 'Deployment' })],
      },
      spec: {
        replicas: 0,
        minReadySeconds: spec.minReadySeconds ?? 0,
        selector: { ...structuredClone(spec.selector), matchLabels: { ...spec.selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash } },
        template,
      },
    }
    const replicas = newReplicaSetReplicas(d, oldRSs, rs)
    if (rs.spec) rs.spec.replicas = replicas
    setNewReplicaSetAnnotations(d, rs, revision)
    setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))
    let created: ReplicaSet
    try {
      created = (await this.api.create(resourceRef(RESOURCES.replicasets, namespace), rs, this.ctx)).object as ReplicaSet
    } catch (err) {
      if (!isApiCode(err, 409)) throw err
      // Ours already (the cache is behind), or a hash collision with someone else's ReplicaSet.
      const found = (await this.api.get(resourceRef(RESOURCES.replicasets, namespace, name), this.ctx)) as ReplicaSet
      if (equalIgnoringHash(found.spec?.template, spec.template)) {
        if (controllerOf(found)?.uid === d.metadata.uid) return found
        // An orphan of ours our cache had not yet seen released (an orphaning delete, then the
        // Deployment made again): adopt it rather than count a collision and make a twin.
        const [adopted] = await claimObjects(this.claimOptions(d), [found])
        if (adopted) return adopted
      }
      const status: DeploymentStatus = { ...structuredClone(d.status), collisionCount: (d.status?.collisionCount ?? 0) + 1 }
      await this.writeDeploymentStatus(d, status)
      throw new Error(`replica set ${name} exists with another template; collision count now ${status.collisionCount ?? 0}`, { cause: err })
    }
    this.remember(created)
    if (replicas > 0) this.events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`)
    await this.setDeploymentRevision(d, revision)
    if (hasProgressDeadline(d) && d.status) {
      setCondition(d.status, { type: PROGRESSING, status: 'True', reason: REASON_NEW_RS_CREATED, message: `Created new replica set "${name}"` }, this.now())
    }
    return created
  }

  /** The Deployment's revision annotation follows its new ReplicaSet's. Modifies `d`. */
  private async setDeploymentRevision(d: Deployment, revision: number): Promise<void> {
    if (revisionOf(d) === revision || revisionOf(d) > revision) return
    const { object } = await this.api.patch(
      resourceRef(RESOURCES.deployments, d.metadata.namespace, d.metadata.name),
      'application/merge-patch+json',
      { metadata: { annotations: { [REVISION_ANNOTATION]: String(revision) } } },
      this.ctx,
    )
    this.remember(object)
    d.metadata.annotations = { ...d.metadata.annotations, [REVISION_ANNOTATION]: String(revision) }
    d.metadata.resourceVersion = object.metadata.resourceVersion
  }

  private async updateReplicaSet(rs: ReplicaSet): Promise<ReplicaSet> {
    const { object } = await this.api.update(resourceRef(RESOURCES.replicasets, rs.metadata.namespace, rs.metadata.name), rs, this.ctx)
    this.remember(object)
    return object as ReplicaSet
  }

  /** Sets a ReplicaSet's size and replica annotations (scaleReplicaSet); returns the stored copy. */
  private async scaleReplicaSet(d: Deployment, rs: ReplicaSet, size: number): Promise<ReplicaSet> {
    const copy = structuredClone(rs)
    const from = specReplicas(rs)
    const resized = from !== size
    const annotated = setReplicasAnnotations(copy, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))
    if (!resized && !annotated) return rs
    if (copy.spec) copy.spec.replicas = size
    const stored = await this.updateReplicaSet(copy)
    if (resized) this.events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${size > from ? 'up' : 'down'} replica set ${rs.metadata.name ?? ''} from ${from} to ${size}`)
    return stored
  }

  // --- the strategies ------------------------------------------------------------------------------

  private async rolloutRolling(d: Deployment, owned: readonly ReplicaSet[]): Promise<void> {
    const family = await this.syncRevision(d, owned, true)
    let newRS = family.newRS
    let oldRSs = family.oldRSs
    const replicas = desiredReplicas(d)
    const all = (): ReplicaSet[] => [...(newRS ? [newRS] : []), ...oldRSs]

    if (newRS && specReplicas(newRS) !== replicas) {
      const target = specReplicas(newRS) > replicas ? replicas : newReplicaSetReplicas(d, all(), newRS)
      if (target !== specReplicas(newRS)) {
        newRS = await this.scaleReplicaSet(d, newRS, target)
        await this.syncRolloutStatus(d, all(), newRS)
        return
      }
    }

    if (totalReplicas(oldRSs) > 0) {
      const budget = maxScaledDown(d, all(), newRS)
      if (budget > 0) {
        let scaled = false
        const cleanup = cleanupUnhealthy(oldRSs, budget)
        oldRSs = await Promise.all(oldRSs.map((rs) => this.applySize(d, rs, cleanup.sizes)))
        scaled ||= cleanup.sizes.size > 0
        const down = scaleDownOld(d, all(), oldRSs)
        oldRSs = await Promise.all(oldRSs.map((rs) => this.applySize(d, rs, down)))
        scaled ||= down.size > 0
        if (scaled) {
          await this.syncRolloutStatus(d, all(), newRS)
          return
        }
      }
    }

    const status = calculateStatus(d, all(), newRS, this.now())
    if (isComplete(d, status)) await this.cleanupHistory(d, oldRSs)
    await this.syncRolloutStatus(d, all(), newRS)
  }

  private async applySize(d: Deployment, rs: ReplicaSet, sizes: ReadonlyMap<string, number>): Promise<ReplicaSet> {
    const size = sizes.get(rs.metadata.name ?? '')
    return size === undefined ? rs : this.scaleReplicaSet(d, rs, size)
  }

  private async rolloutRecreate(d: Deployment, owned: readonly ReplicaSet[]): Promise<void> {
    let { newRS, oldRSs } = await this.syncRevision(d, owned, false)
    const all = (): ReplicaSet[] => [...(newRS ? [newRS] : []), ...oldRSs]
    const activeOld = activeReplicaSets(oldRSs)
    if (activeOld.length > 0) {
      oldRSs = await Promise.all(oldRSs.map((rs) => (specReplicas(rs) > 0 ? this.scaleReplicaSet(d, rs, 0) : rs)))
      await this.syncRolloutStatus(d, all(), newRS)
      return
    }
    if (this.oldPodsRunning(oldRSs)) {
      await this.syncRolloutStatus(d, all(), newRS)
      return
    }
    if (!newRS) {
      ;({ newRS, oldRSs } = await this.syncRevision(d, owned, true))
    } else if (specReplicas(newRS) !== desiredReplicas(d)) {
      newRS = await this.scaleReplicaSet(d, newRS, desiredReplicas(d))
    }
    const status = calculateStatus(d, all(), newRS, this.now())
    if (isComplete(d, status)) await this.cleanupHistory(d, oldRSs)
    await this.syncRolloutStatus(d, all(), newRS)
  }

  /** Any pod of an old ReplicaSet still there and not finished, terminating ones included. */
  private oldPodsRunning(oldRSs: readonly ReplicaSet[]): boolean {
    if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true
    return oldRSs.some((rs) =>
      this.pods.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '').some((pod) => pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded'),
    )
  }

  /** Paused, or resized: scale only (sync.go sync). */
  private async syncScaling(d: Deployment, owned: readonly ReplicaSet[]): Promise<void> {
    const family = await this.syncRevision(d, owned, false)
    let newRS = family.newRS
    let oldRSs = family.oldRSs
    const only = activeOrLatest(newRS, oldRSs)
    if (only) {
      if (specReplicas(only) !== desiredReplicas(d)) {
        const scaled = await this.scaleReplicaSet(d, only, desiredReplicas(d))
        if (only === newRS) newRS = scaled
        else oldRSs = oldRSs.map((rs) => (rs === only ? scaled : rs))
      }
    } else if (isSaturated(d, newRS)) {
      oldRSs = await Promise.all(oldRSs.map((rs) => (specReplicas(rs) > 0 ? this.scaleReplicaSet(d, rs, 0) : rs)))
    } else if (isRollingUpdate(d)) {
      const active = activeReplicaSets([newRS, ...oldRSs])
      const sizes = proportionalSizes(d, active)
      const rescale = async (rs: ReplicaSet): Promise<ReplicaSet> => (specReplicas(rs) > 0 ? this.scaleReplicaSet(d, rs, sizes.get(rs.metadata.name ?? '') ?? specReplicas(rs)) : rs)
      if (newRS) newRS = await rescale(newRS)
      oldRSs = await Promise.all(oldRSs.map(rescale))
    }
    if (d.spec?.paused) await this.cleanupHistory(d, oldRSs)
    const all = [...(newRS ? [newRS] : []), ...oldRSs]
    await this.writeDeploymentStatus(d, calculateStatus(d, all, newRS, this.now()))
  }

  private async cleanupHistory(d: Deployment, oldRSs: readonly ReplicaSet[]): Promise<void> {
    for (const rs of historyToDelete(d, oldRSs)) {
      try {
        await this.api.delete(resourceRef(RESOURCES.replicasets, rs.metadata.namespace, rs.metadata.name), { preconditions: { uid: rs.metadata.uid } }, this.ctx)
      } catch (err) {
        if (!isApiCode(err, 404) && !isApiCode(err, 409)) throw err
      }
    }
  }

  // --- status ---------------------------------------------------------------------------------------

  /** Status with the Progressing condition estimated, then a wake-up for the deadline (progress.go). */
  private async syncRolloutStatus(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const now = this.now()
    const status = calculateStatus(d, all, newRS, now)
    updateProgressing(d, status, newRS, now)
    await this.writeDeploymentStatus(d, status)
    this.requeueStuck(d, status)
  }

  /** Writes status (with the paused/resumed condition) when it differs from what is stored. */
  private async writeDeploymentStatus(d: Deployment, status: DeploymentStatus): Promise<void> {
    const progressing = getCondition(status, PROGRESSING)
    if (hasProgressDeadline(d)) {
      if (d.spec?.paused && progressing?.reason !== REASON_PAUSED) {
        setCondition(status, { type: PROGRESSING, status: 'Unknown', reason: REASON_PAUSED, message: 'Deployment is paused' }, this.now())
      } else if (!d.spec?.paused && progressing?.reason === REASON_PAUSED) {
        setCondition(status, { type: PROGRESSING, status: 'Unknown', reason: REASON_RESUMED, message: 'Deployment is resumed' }, this.now())
      }
    }
    const cached = this.deployments.get(objectKey(d))
    if (canonicalJson(status) === canonicalJson(cached?.status ?? {})) return
    const stored = await writeStatus(this.api, this.ctx, resourceRef(RESOURCES.deployments, d.metadata.namespace, d.metadata.name), d, status)
    if (stored) this.remember(stored)
  }

  /** A rollout under way with a deadline: look again when the deadline would pass. */
  private requeueStuck(d: Deployment, status: DeploymentStatus): void {
    const condition = getCondition(status, PROGRESSING)
    if (!hasProgressDeadline(d) || !condition || condition.reason === REASON_TIMED_OUT || isComplete(d, status)) return
    const from = Date.parse(condition.lastUpdateTime ?? '')
    if (Number.isNaN(from)) return
    const after = from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 - this.now().getTime()
    this.queue.addAfter(objectKey(d), Math.max(after, 0) + 1000)
  }
}

export const deploymentController = (context: ControllerContext): DeploymentController => new DeploymentController(context)
