// Syncing one pod that should run on this node: observe its containers, plan (plan.ts), carry the
// plan out — the pod network and IP, volumes and their files, images, the infra container, init
// containers one by one, app containers in order — then observe again, feed the prober and write
// the status if it changed. Never called concurrently for one pod (the work queue sees to that).

import type { Container, Pod } from '../../api/types/pod.ts'
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from '../../api/defaults/pod.ts'
import { shellQuote } from '../../util/shell.ts'
import {
  buildContainerCreate,
  buildInfraCreate,
  buildPodVolumeCreates,
  emptyDirPermissionCommands,
  podNeedsInfra,
  type PodContext,
} from '../pods/container-spec.ts'
import { ContainerConfigError } from '../pods/errors.ts'
import { serviceLinkEnv } from '../pods/service-env.ts'
import { RESOURCES } from '../../apiserver/resources.ts'
import type { Service } from '../../api/types/core.ts'
import { formatPod, INFRA_CONTAINER_NAME, VOLUME_NAME_LABEL } from '../pods/names.ts'
import { REASON_CRASH_LOOP_BACK_OFF, type ContainerWaiting } from '../pods/pod-status.ts'
import { ConfigLookup, envSources } from './config-sources.ts'
import { containerRef, scopedContainer, scopedVolume, scopeList, type SyncContext } from './context.ts'
import { newestFirst, observeContainers, observePod, type RuntimeContainer } from './observe.ts'
import { describePlan, isRunning, planActs, planPod, type ContainerStep, type Kill, type PodPlan } from './plan.ts'
import type { ProbeTarget } from './probes.ts'
import { dockerMessage, dockerStatusOf, isConflict } from './runtime.ts'
import { writeStatus } from './status.ts'
import { configMapFiles, dataDirName, fileVolumes, filesHash, secretFiles, volumeDir, VolumeMountError, writeFilesScript } from './volumes.ts'
import type { HandleResult } from './work-queue.ts'

export const REASON_CREATED = 'Created'
export const REASON_STARTED = 'Started'
export const REASON_KILLING = 'Killing'
export const REASON_FAILED = 'Failed'
export const REASON_BACK_OFF = 'BackOff'
export const REASON_FAILED_MOUNT = 'FailedMount'
export const REASON_NETWORK_NOT_READY = 'NetworkNotReady'
export const REASON_SANDBOX_CHANGED = 'SandboxChanged'
export const REASON_FAILED_POST_START_HOOK = 'FailedPostStartHook'
export const CREATE_CONTAINER_ERROR = 'CreateContainerError'

/** Volume setup failures are retried this often (the kubelet retries mounts every couple of seconds). */
const MOUNT_RETRY_MS = 2000
const CONFIG_RETRY_MS = 5000

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
}

export function graceSeconds(pod: Pod): number {
  return pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
}

/** Syncs a pod that exists, is bound here and is not being deleted. `bound`: every pod bound to the node. */
export async function syncPod(sc: SyncContext, pod: Pod, bound: () => Iterable<Pod>): Promise<HandleResult> {
  const uid = pod.metadata.uid ?? ''
  // A pod the agent has never seen a container of (not in any listing, event or earlier sync since
  // it started) has none: skip asking. Should another agent have made one meanwhile, creating ours
  // collides on the deterministic name (409) and the next pass lists and adopts.
  const containers = sc.knownEmpty(uid) ? [] : await observePod(sc.runtime, uid, scopeList(sc.settings), sc.imageInfo)
  if (isTerminal(pod)) return syncTerminal(sc, pod, containers)

  const run = new PodRun(sc, pod, containers, bound)
  if (!pod.spec?.hostNetwork) {
    const cidr = sc.node().podCIDR
    if (!cidr) {
      const message = `network is not ready: node ${sc.settings.nodeName} has no pod CIDR yet (spec.podCIDR, assigned by the node IPAM controller)`
      sc.recorder.event(pod, 'Warning', REASON_NETWORK_NOT_READY, message)
      await writeStatus(sc, pod, containers)
      return {}
    }
    await sc.ensureNetwork(cidr)
  }
  // Volume files follow ConfigMap and Secret updates while the pod runs, as the kubelet's do.
  if (containers.length && fileVolumes(pod).length) await run.writeVolumeFiles().catch((err: unknown) => run.mountFailed(err))

  const plan = planPod(pod, containers, new Set(sc.unhealthy.keys()))
  if (planActs(plan)) sc.log.debug('acting on pod', { pod: formatPod(pod), plan: describePlan(plan) })
  await run.execute(plan)
  // Only this pass touched the pod's containers (one sync per pod at a time): inspecting the ones it
  // knows is the same answer as listing them again, one round trip cheaper.
  const after = run.changed ? await observeContainers(sc.runtime, uid, run.containerIds(), sc.imageInfo) : containers
  const written = await writeStatus(sc, pod, after)
  updateProbes(sc, written ?? pod, after)
  return run.requeueAfterMs === undefined ? {} : { requeueAfterMs: run.requeueAfterMs }
}

/** A pod that Succeeded or Failed: nothing restarts; what still runs (its infra container) stops. */
async function syncTerminal(sc: SyncContext, pod: Pod, containers: RuntimeContainer[]): Promise<HandleResult> {
  sc.probes.remove(pod.metadata.uid ?? '')
  const running = containers.filter(isRunning)
  if (running.length) {
    const apps = running.filter((c) => c.role !== 'infra')
    await Promise.all(apps.map((c) => sc.runtime.stopContainer(c.id, graceSeconds(pod))))
    await Promise.all(running.filter((c) => c.role === 'infra').map((c) => sc.runtime.stopContainer(c.id, 0)))
    containers = await observePod(sc.runtime, pod.metadata.uid ?? '', scopeList(sc.settings), sc.imageInfo)
  }
  await writeStatus(sc, pod, containers)
  return {}
}

/** Tells the prober which containers run now (app containers that are running, with the pod's IP). */
export function updateProbes(sc: SyncContext, pod: Pod, containers: RuntimeContainer[]): void {
  const podIP = pod.spec?.hostNetwork ? (sc.node().hostIP ?? '') : (pod.status?.podIP ?? ownerIP(pod, containers) ?? '')
  const targets: ProbeTarget[] = []
  for (const spec of pod.spec?.containers ?? []) {
    const current = containers.filter((c) => c.role === 'app' && c.name === spec.name).sort(newestFirst)[0]
    if (!current || current.state !== 'running') continue
    targets.push({ container: spec, containerId: current.id, startedAtMs: Number(current.startedNs / 1_000_000n), podIP })
  }
  sc.probes.update(pod, targets)
  const live = new Set(containers.map((c) => c.id))
  for (const [id, { uid }] of sc.unhealthy) if (uid === pod.metadata.uid && !live.has(id)) sc.unhealthy.delete(id)
}

function ownerIP(pod: Pod, containers: RuntimeContainer[]): string | undefined {
  const owner = podNeedsInfra(pod)
    ? containers.filter((c) => c.role === 'infra').sort(newestFirst)[0]
    : containers.filter((c) => c.role === 'app' && c.name === pod.spec?.containers[0]?.name).sort(newestFirst)[0]
  return owner?.ip
}

/** One pass over one pod: the pod-wide things made once, lazily; what happened, for the caller. */
class PodRun {
  readonly #sc: SyncContext
  readonly #pod: Pod
  readonly #uid: string
  readonly #containers: RuntimeContainer[]
  readonly #bound: () => Iterable<Pod>
  readonly #lookup: ConfigLookup
  #context: PodContext | undefined
  /** Something was made, started, stopped or removed: observe again before computing the status. */
  changed = false
  readonly #created: string[] = []
  readonly #removed = new Set<string>()
  requeueAfterMs: number | undefined

  constructor(sc: SyncContext, pod: Pod, containers: RuntimeContainer[], bound: () => Iterable<Pod>) {
    this.#sc = sc
    this.#pod = pod
    this.#uid = pod.metadata.uid ?? ''
    this.#containers = containers
    this.#bound = bound
    this.#lookup = new ConfigLookup(sc.api, sc.ctx, pod.metadata.namespace ?? 'default')
  }

  /** The pod's containers after this pass: those observed before it, less removed, plus created. */
  containerIds(): string[] {
    return [...this.#containers.map((c) => c.id).filter((id) => !this.#removed.has(id)), ...this.#created]
  }

  /** Starts a container; its `start` event is the agent's own doing and needs no further sync. */
  async #start(id: string): Promise<void> {
    this.#sc.ownEvents.expect(id, 'start')
    try {
      await this.#sc.runtime.startContainer(id)
    } catch (err) {
      this.#sc.ownEvents.forget(id, 'start')
      throw err
    }
  }

  requeue(ms: number): void {
    this.requeueAfterMs = this.requeueAfterMs === undefined ? ms : Math.min(this.requeueAfterMs, ms)
  }

  #setWaiting(name: string, waiting: ContainerWaiting | undefined): void {
    const all = Object.entries(this.#sc.waiting.get(this.#uid) ?? {}).filter(([n]) => n !== name)
    if (waiting) all.push([name, waiting])
    if (all.length) this.#sc.waiting.set(this.#uid, Object.fromEntries(all))
    else this.#sc.waiting.delete(this.#uid)
  }

  async execute(plan: PodPlan): Promise<void> {
    const sc = this.#sc
    for (const c of plan.remove) {
      await sc.runtime.removeContainer(c.id)
      this.#removed.add(c.id)
      this.changed = true
    }
    await this.#kill(plan.kill)

    let sandbox: string | undefined
    switch (plan.sandbox.kind) {
      case 'none':
        break
      case 'wait':
        return
      case 'keep':
        sandbox = plan.sandbox.container.id
        break
      case 'start':
        await this.#start(plan.sandbox.container.id)
        this.changed = true
        sandbox = plan.sandbox.container.id
        break
      case 'create': {
        const id = await this.#createInfra(plan.sandbox.attempt)
        if (!id) return
        sandbox = id
      }
    }

    if (plan.init) {
      await this.#step(plan.init, sandbox)
      return
    }
    for (const app of plan.apps) {
      if (!(await this.#step(app, sandbox))) break
    }
  }

  async #kill(kills: Kill[]): Promise<void> {
    if (!kills.length) return
    const sc = this.#sc
    if (kills.some((k) => k.reason === 'sandbox-changed')) {
      sc.recorder.event(this.#pod, 'Normal', REASON_SANDBOX_CHANGED, 'Pod sandbox changed, it will be killed and re-created.')
    }
    const joiners = kills.filter((k) => k.container.role !== 'infra')
    await Promise.all(
      joiners.map(async ({ container: c, reason }) => {
        const spec = this.#spec(c.role, c.name)
        let grace = graceSeconds(this.#pod)
        let message = `Stopping container ${c.name}`
        if (reason === 'unhealthy') {
          const kind = sc.unhealthy.get(c.id)?.kind ?? 'liveness'
          const probe = kind === 'startup' ? spec?.startupProbe : spec?.livenessProbe
          grace = probe?.terminationGracePeriodSeconds ?? grace
          message = `Container ${c.name} failed ${kind} probe, will be restarted`
        } else if (reason === 'spec-changed') {
          message = `Container ${c.name} definition changed, will be restarted`
        }
        sc.recorder.event(containerRef(this.#pod, c.role, c.name), 'Normal', REASON_KILLING, message)
        await sc.runtime.stopContainer(c.id, grace)
        sc.unhealthy.delete(c.id)
      }),
    )
    for (const { container } of kills.filter((k) => k.container.role === 'infra')) await sc.runtime.stopContainer(container.id, 0)
    this.changed = true
  }

  #spec(role: string, name: string): Container | undefined {
    const spec = this.#pod.spec
    return role === 'init' ? spec?.initContainers?.find((c) => c.name === name) : spec?.containers.find((c) => c.name === name)
  }

  /** Carries out one container's step; false when the pod cannot go further in this pass. */
  async #step(cs: ContainerStep, sandbox: string | undefined): Promise<boolean> {
    const sc = this.#sc
    const step = cs.step
    const ref = containerRef(this.#pod, cs.role, cs.name)
    switch (step.kind) {
      case 'keep':
      case 'done':
        return true
      case 'wait':
        return cs.role === 'app'
      case 'start':
        await this.#start(step.container.id)
        this.changed = true
        sc.recorder.event(ref, 'Normal', REASON_STARTED, `Started container ${cs.name}`)
        return cs.role === 'app'
    }

    // create
    if (step.reason === 'exited' || step.reason === 'start-failed' || step.reason === 'unhealthy') {
      const key = `${this.#uid}/${cs.role}/${cs.name}`
      const eventMs = step.previous?.finishedMs || Date.now()
      const waitMs = sc.crashBackoff.remaining(key, eventMs)
      if (waitMs > 0) {
        const seconds = Math.round(sc.crashBackoff.delayOf(key) / 1000)
        this.#setWaiting(cs.name, { reason: REASON_CRASH_LOOP_BACK_OFF, message: `back-off ${seconds}s restarting failed container=${cs.name} pod=${formatPod(this.#pod)}` })
        sc.recorder.event(ref, 'Warning', REASON_BACK_OFF, `Back-off restarting failed container ${cs.name} in pod ${formatPod(this.#pod)}`)
        this.requeue(waitMs)
        return cs.role === 'app'
      }
      sc.crashBackoff.next(key, eventMs)
    }

    const context = await this.#podContext()
    if (!context) return false
    const image = await sc.images.ensure(this.#pod, cs.spec, ref)
    if (!image.ok) {
      this.#setWaiting(cs.name, image.waiting)
      this.requeue(image.retryAfterMs)
      return cs.role === 'app'
    }
    let options
    try {
      const env = await envSources(this.#lookup, cs.spec)
      options = buildContainerCreate(this.#pod, cs.spec, { ...context, attempt: step.attempt, sandbox, env, imageUser: image.image.user })
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err
      this.#setWaiting(cs.name, { reason: err.reason, message: err.message })
      sc.recorder.event(ref, 'Warning', REASON_FAILED, `Error: ${err.message}`)
      this.requeue(CONFIG_RETRY_MS)
      return cs.role === 'app'
    }

    let id: string
    try {
      id = await sc.runtime.createContainer(scopedContainer(options, sc.settings.scopeLabels))
      this.#created.push(id)
    } catch (err) {
      if (isConflict(err)) {
        // Made by an earlier run of the agent that did not live to see it: adopt it on the next pass.
        this.changed = true
        this.requeue(0)
        return false
      }
      // Docker refused (it answered): the container's waiting reason says why. A call that never
      // got an answer (a dropped link) is no fault of the container: just retried.
      if (dockerStatusOf(err) !== undefined) {
        const message = dockerMessage(err)
        if (/address already in use/i.test(message) && context.podIP) sc.ips.conflict(this.#uid, context.podIP)
        this.#setWaiting(cs.name, { reason: CREATE_CONTAINER_ERROR, message })
        sc.recorder.event(ref, 'Warning', REASON_FAILED, `Error: ${message}`)
      }
      throw err
    }
    this.changed = true
    this.#setWaiting(cs.name, undefined)
    sc.recorder.event(ref, 'Normal', REASON_CREATED, `Created container: ${cs.name}`)
    try {
      await this.#start(id)
    } catch (err) {
      const message = dockerMessage(err)
      sc.recorder.event(ref, 'Warning', REASON_FAILED, `Error: failed to start container "${cs.name}": ${message}`)
      if (/address already in use/i.test(message) && context.podIP) sc.ips.conflict(this.#uid, context.podIP)
      this.requeue(0)
      return false
    }
    sc.recorder.event(ref, 'Normal', REASON_STARTED, `Started container ${cs.name}`)
    if (cs.spec.lifecycle?.postStart) await this.#postStart(cs, id, context.podIP ?? '')
    return cs.role === 'app'
  }

  async #postStart(cs: ContainerStep, id: string, podIP: string): Promise<void> {
    const sc = this.#sc
    const handler = cs.spec.lifecycle?.postStart
    if (!handler) return
    const result = await sc.actions.hook(handler, { containerId: id, container: cs.spec, podIP }, graceSeconds(this.#pod) * 1000 || 30_000, sc.stopping)
    if (result.ok) return
    const ref = containerRef(this.#pod, cs.role, cs.name)
    sc.recorder.event(ref, 'Warning', REASON_FAILED_POST_START_HOOK, `PostStartHook failed: ${result.output}`)
    sc.recorder.event(ref, 'Normal', REASON_KILLING, `FailedPostStartHook`)
    await sc.runtime.stopContainer(id, graceSeconds(this.#pod))
  }

  async #createInfra(attempt: number): Promise<string | null> {
    const sc = this.#sc
    const context = await this.#podContext()
    if (!context) return null
    const ref = containerRef(this.#pod, 'infra', INFRA_CONTAINER_NAME)
    const image = await sc.images.ensure(this.#pod, { image: sc.settings.infraImage, imagePullPolicy: 'IfNotPresent' }, ref)
    if (!image.ok) {
      // The pod cannot start without its sandbox: every container waits for the same reason.
      for (const c of [...(this.#pod.spec?.initContainers ?? []), ...(this.#pod.spec?.containers ?? [])]) this.#setWaiting(c.name, image.waiting)
      this.requeue(image.retryAfterMs)
      return null
    }
    const options = buildInfraCreate(this.#pod, { ...context, attempt, image: sc.settings.infraImage, command: sc.settings.infraCommand })
    let id: string
    try {
      id = await sc.runtime.createContainer(scopedContainer(options, sc.settings.scopeLabels))
      this.#created.push(id)
    } catch (err) {
      if (!isConflict(err)) throw err
      this.changed = true
      this.requeue(0)
      return null
    }
    await this.#start(id)
    this.changed = true
    return id
  }

  /** The pod's network identity and volumes, made once per pass; null when volumes are not ready. */
  async #podContext(): Promise<PodContext | null> {
    if (this.#context) return this.#context
    const sc = this.#sc
    const pod = this.#pod
    const node = sc.node()
    const context: PodContext = { network: sc.settings.network, dns: sc.settings.clusterDNS }
    if (node.hostIP) context.hostIP = node.hostIP
    context.node = { lowerOomScores: sc.settings.lowerOomScores }
    if (node.allocatable) context.node.allocatable = node.allocatable
    if (node.memoryCapacity !== undefined) context.node.memoryCapacity = node.memoryCapacity
    if (!pod.spec?.hostNetwork) {
      const cidr = node.podCIDR
      if (!cidr) throw new Error(`node ${sc.settings.nodeName} has no pod CIDR`)
      const ip = sc.ips.pick(pod, cidr, ownerIP(pod, this.#containers), this.#bound())
      if (!ip) throw new Error(`no free pod IP left in ${cidr} on node ${sc.settings.nodeName}`)
      context.podIP = ip
    }
    context.serviceEnv = await this.#serviceEnv()
    try {
      context.volumeMountpoints = await this.#emptyDirs()
      context.volumeDirs = await this.writeVolumeFiles()
    } catch (err) {
      this.mountFailed(err)
      return null
    }
    this.#context = context
    return context
  }

  /** Service link variables, read when the pod's containers are made (as the kubelet's are). */
  async #serviceEnv(): Promise<Record<string, string>> {
    const sc = this.#sc
    const namespace = this.#pod.metadata.namespace ?? 'default'
    const links = this.#pod.spec?.enableServiceLinks ?? true
    const lists = [
      ...(links ? [sc.api.list({ ...RESOURCES.services, namespace }, {}, sc.ctx)] : []),
      sc.api.get({ ...RESOURCES.services, namespace: 'default', name: 'kubernetes' }, sc.ctx).then((s) => ({ items: [s] }), () => ({ items: [] })),
    ]
    const services = (await Promise.all(lists)).flatMap((l) => l.items) as Service[]
    return serviceLinkEnv(services, namespace, links)
  }

  /** Records a volume that could not be set up: `FailedMount`, and another try shortly. */
  mountFailed(err: unknown): void {
    if (!(err instanceof VolumeMountError)) throw err
    this.#sc.recorder.event(this.#pod, 'Warning', REASON_FAILED_MOUNT, err.message)
    this.requeue(MOUNT_RETRY_MS)
  }

  async #emptyDirs(): Promise<Record<string, string>> {
    const sc = this.#sc
    const creates = buildPodVolumeCreates(this.#pod)
    if (!creates.length) return {}
    const mountpoints: Record<string, string> = {}
    for (const opts of creates) {
      const volume = await sc.runtime.createVolume(scopedVolume(opts, sc.settings.scopeLabels))
      const name = opts.Labels?.[VOLUME_NAME_LABEL] ?? volume.name
      mountpoints[name] = volume.mountpoint
    }
    const onDisk = Object.entries(mountpoints)
      .filter(([name]) => this.#pod.spec?.volumes?.find((v) => v.name === name)?.emptyDir?.medium !== 'Memory')
      .map(([, mp]) => mp)
    const commands = emptyDirPermissionCommands(onDisk, this.#pod.spec?.securityContext?.fsGroup)
    if (commands.length) {
      const result = await sc.shell.run(['sh', '-c', commands.map(shellQuote).join(' && ')], { timeoutMs: sc.settings.shellTimeoutMs })
      if (result.code !== 0) throw new Error(`set emptyDir permissions of pod ${formatPod(this.#pod)} on ${sc.settings.nodeName}: ${result.stderr.trim()}`)
    }
    return mountpoints
  }

  /** Writes the configMap and secret volumes whose contents changed; answers every such volume's directory. */
  async writeVolumeFiles(): Promise<Record<string, string>> {
    const sc = this.#sc
    const dirs: Record<string, string> = {}
    const written = sc.writtenVolumes.get(this.#uid) ?? new Map<string, string>()
    for (const volume of fileVolumes(this.#pod)) {
      const files = volume.configMap
        ? configMapFiles(volume, await this.#lookup.configMap(volume.configMap.name))
        : secretFiles(volume, await this.#lookup.secret(volume.secret?.secretName))
      const dir = volumeDir(volume.secret ? sc.settings.secretsDir : sc.settings.podsDir, this.#uid, volume.name)
      dirs[volume.name] = dir
      const hash = filesHash(files)
      if (written.get(volume.name) === hash) continue
      const script = writeFilesScript(dir, files, dataDirName(new Date()))
      const result = await sc.shell.run(['sh', '-s'], { stdin: script, timeoutMs: sc.settings.shellTimeoutMs })
      if (result.code !== 0) throw new Error(`write volume ${volume.name} of pod ${formatPod(this.#pod)} on ${sc.settings.nodeName}: ${result.stderr.trim()}`)
      written.set(volume.name, hash)
      sc.writtenVolumes.set(this.#uid, written)
    }
    return dirs
  }
}

