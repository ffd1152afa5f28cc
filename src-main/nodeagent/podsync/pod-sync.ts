// The pod sync loop of one node: keeps the node's containers matching the pods bound to it.
//
//   pods (spec.nodeName=<node>) ─list/watch─┐
//   the Node (podCIDR, addresses) ─watch────┤
//   Docker events (die, start, destroy, …) ─┼─▶ queue of pod UIDs ─▶ sync one pod (≤ N at once,
//   full resync every 10 s + on reconnect ──┤    never two syncs of one pod)
//   probe results ──────────────────────────┘       ├─ bound here, running    → syncPod
//                                                   ├─ deletionTimestamp       → terminatePod
//                                                   └─ unknown UID (orphan)    → cleanUpOrphan
//
// Level-triggered: every sync reads Docker's current state, so a missed event costs at most one
// resync period. The full resync lists every Coxswain container on the node: that is how the
// agent adopts what exists after a restart of the app, and finds containers of pods that are gone.

import { RESOURCES } from '../../apiserver/resources.ts'
import type Docker from 'dockerode'
import type { KubeObject, Node, Pod } from '../../api/index.ts'
import { quantityValue } from '../../api/quantity.ts'
import type { EventRecorder } from '../../apiserver/events.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'
import { ListWatch } from '../../controllers/list-watch.ts'
import { Backoff } from '../ssh/backoff.ts'
import type { ConnectionStatus, NodeConnection } from '../ssh/connection.ts'
import type { Logger } from '../../util/log.ts'
import { buildPodNetworkCreate, DEFAULT_INFRA_IMAGE, DEFAULT_POD_NETWORK } from '../pods/container-spec.ts'
import type { ClusterDNS } from '../pods/dns.ts'
import { MANAGED_LABEL, POD_IP_LABEL, POD_UID_LABEL } from '../pods/names.ts'
import { KeyedBackoff } from './backoff.ts'
import { scopedNetwork, scopeList, type NodeView, type PodSyncSettings, type SyncContext } from './context.ts'
import { ActionRunner } from './handlers.ts'
import { ImageManager } from './images.ts'
import { PodIPs } from './ip-state.ts'
import { localDialer, localShell, sshDialer, sshShell, type NodeDialer, type NodeShell } from './node-access.ts'
import { ImageInfoCache } from './observe.ts'
import { ProbeManager, type ProbeKind } from './probes.ts'
import { dockerRuntime, type ContainerRuntime } from './runtime.ts'
import { syncPod } from './sync-pod.ts'
import { cleanUpOrphan, terminatePod } from './terminate.ts'
import { OwnEvents } from './own-events.ts'
import { isDeepStrictEqual } from 'node:util'
import { KeyedQueue, type HandleResult } from './work-queue.ts'

export interface PodSyncOptions {
  /** The infra container's image. Default registry.k8s.io/pause:3.10. */
  infraImage?: string
  /** The infra container's command, for images that are not the pause image (`['sleep', '2147483647']`). */
  infraCommand?: string[]
  /** Cluster DNS; absent: pods resolve as the node does, with Kubernetes search domains for `cluster.local`. */
  clusterDNS?: ClusterDNS
  /** Give Guaranteed pods and infra containers negative OOM scores (needs CAP_SYS_RESOURCE). */
  lowerOomScores?: boolean
  /** Full resync period. Default 10 s. */
  resyncPeriodMs?: number
  /** Pods synced at once. Default 10. */
  concurrency?: number
  /** The pod network's Docker name. Default `coxswain-pods`. */
  network?: string
  /** Its Linux bridge device. Default Docker's choice. */
  bridgeName?: string
  /** Where configMap files go on the node. Default /var/lib/coxswain/pods. */
  podsDir?: string
  /** Secret volumes' files on the node (a tmpfs). Default `/dev/shm/coxswain/pods`. */
  secretsDir?: string
  /**
   * Extra labels on everything this agent makes and required on everything it adopts or removes.
   * Unset in production (every Coxswain container on the node is the agent's); tests sharing a lab
   * node set a per-run label so they never touch each other's containers.
   */
  scopeLabels?: Record<string, string>
  /** Deadline of one Docker call. Default 10 s. */
  callTimeoutMs?: number
  /** The node's address (status.hostIP) until the Node object says; default the SSH host. */
  hostIP?: string
}

export interface PodSyncDeps {
  nodeName: string
  api: ApiServerVerbs
  ctx: RequestContext
  /** Dockerode for the node (over SSH: dockerOverSsh; or a local engine). */
  docker: Docker
  /** The node's SSH connection; undefined for a local engine (commands and probes run here). */
  connection: NodeConnection | undefined
  recorder: EventRecorder
  log: Logger
  /** The API's clock. Default the system clock. */
  clock?: () => Date
  options?: PodSyncOptions
}

/** The same, with the node's access already made (unit tests pass fakes). */
export interface PodSyncParts extends Omit<PodSyncDeps, 'docker' | 'connection'> {
  runtime: ContainerRuntime
  shell: NodeShell
  dialer: NodeDialer
  connection?: Pick<NodeConnection, 'on' | 'state'>
  /** Milliseconds per probe second (tests shrink it). */
  probeSecondMs?: number
  /** Called whenever the sync becomes settled (see PodSyncHandle.settled). */
  onSettled?: () => void
}

export interface PodSyncHandle {
  /** Stops every loop; work in flight finishes (each call has a deadline), terminations are abandoned. */
  stop(): Promise<void>
  /** Looks at every pod and every container on the node now. */
  resync(): void
  /** Resolves once the first full resync (adoption) is done and what was deleted meanwhile is removed. */
  readonly synced: Promise<void>
  /**
   * False until `synced`, and again from when Docker's event stream breaks (dockerd stopped, say)
   * until what was deleted meanwhile is removed after it is back: the node is not to be reported
   * Ready in between. `onSettled` says when it turns true.
   */
  settled(): boolean
}

const PODS: ResourceRef = RESOURCES.pods
const NODES: ResourceRef = RESOURCES.nodes
/** Container events that change what a pod's status says or what the agent must do. */
const EVENT_ACTIONS = ['start', 'die', 'destroy', 'oom', 'pause', 'unpause']
const DEFAULT_PODS_DIR = '/var/lib/coxswain/pods'
/**
 * Secret volumes: /dev/shm is a tmpfs on every Linux and writable by any user (the SSH user may
 * not be root), so secrets stay in memory as with the kubelet's tmpfs mounts; a reboot empties it
 * and the next sync writes the files again.
 */
const DEFAULT_SECRETS_DIR = '/dev/shm/coxswain/pods'
/** A failed pod sync is retried after 200 ms, doubling to 10 s (reset when the node comes back). */
const FAILURE_BACKOFF_MS = 200
const MAX_FAILURE_BACKOFF_MS = 10_000
/** Listings (each followed by a clean-up) before a (re)started sync settles, at most. */
const STALE_PASSES = 3
/** A pod to sync while the sync is unsettled waits this long and looks again. */
const UNSETTLED_RETRY_MS = 200

/** Starts syncing the pods bound to `deps.nodeName` with the node's containers. */
export function startPodSync(deps: PodSyncDeps): PodSyncHandle {
  const node = deps.nodeName
  const runtime = dockerRuntime(deps.docker, { node, callTimeoutMs: deps.options?.callTimeoutMs })
  const parts: PodSyncParts = {
    ...deps,
    runtime,
    shell: deps.connection ? sshShell(deps.connection) : localShell(),
    dialer: deps.connection ? sshDialer(deps.connection) : localDialer(),
    connection: deps.connection,
  }
  const options = { ...deps.options }
  if (options.hostIP === undefined && deps.connection) options.hostIP = deps.connection.host
  return startPodSyncWith({ ...parts, options })
}

export function startPodSyncWith(parts: PodSyncParts): PodSyncHandle {
  const sync = new PodSync(parts)
  sync.start()
  return { stop: () => sync.stop(), resync: () => sync.resync(), synced: sync.synced, settled: () => sync.settled }
}

class PodSync {
  readonly #parts: PodSyncParts
  readonly #log: Logger
  readonly #sc: SyncContext
  readonly #queue: KeyedQueue
  readonly #podWatch: ListWatch
  readonly #nodeWatch: ListWatch
  /** Pods bound to this node, by UID. */
  readonly #pods = new Map<string, Pod>()
  #node: Node | undefined
  readonly #terminating = new Map<string, Promise<void>>()
  /** Pods whose last sync failed: how often in a row, and not before when to try again. */
  readonly #failures = new Map<string, { count: number; retryAt: number }>()
  /** Pod UIDs with (possibly) containers here: seen in a listing or an event, or synced before. */
  readonly #touched = new Set<string>()
  /** A full listing has succeeded, so a UID not in #touched truly has no container here. */
  #listed = false
  readonly #ownEvents = new OwnEvents()
  readonly #stopping = new AbortController()
  #eventsAbort: AbortController | undefined
  #kick: (() => void) | undefined
  #eventsLoop: Promise<void> | undefined
  #lastEventNano: bigint | undefined
  #resyncTimer: NodeJS.Timeout | undefined
  #resyncing: Promise<void> | undefined
  #resyncAgain = false
  /** Pod UIDs the last full listing found containers or volumes of. */
  #listedUids = new Set<string>()
  #disposeState: (() => void) | undefined
  #network: { cidr: string; ready: Promise<void> } | undefined
  #resolveSynced: () => void = () => {}
  readonly synced: Promise<void>
  /** See PodSyncHandle.settled. */
  settled = false
  /** Docker's event stream is down (and reopening). */
  #streamBroken = false
  /** The first full listing and clean-up are done; the queue runs. */
  #begun = false

  constructor(parts: PodSyncParts) {
    this.#parts = parts
    const o = parts.options ?? {}
    this.#log = parts.log.child({ component: 'podsync', node: parts.nodeName })
    this.synced = new Promise((resolve) => (this.#resolveSynced = resolve))
    const settings: PodSyncSettings = {
      nodeName: parts.nodeName,
      network: o.network ?? DEFAULT_POD_NETWORK,
      podsDir: o.podsDir ?? DEFAULT_PODS_DIR,
      secretsDir: o.secretsDir ?? DEFAULT_SECRETS_DIR,
      infraImage: o.infraImage ?? DEFAULT_INFRA_IMAGE,
      clusterDNS: o.clusterDNS ?? { servers: [], domain: 'cluster.local' },
      lowerOomScores: o.lowerOomScores ?? false,
      scopeLabels: { ...o.scopeLabels },
      shellTimeoutMs: 15_000,
    }
    if (o.bridgeName) settings.bridgeName = o.bridgeName
    if (o.infraCommand) settings.infraCommand = o.infraCommand
    const actions = new ActionRunner(parts.runtime, parts.dialer)
    const unhealthy = new Map<string, { uid: string; kind: ProbeKind }>()
    const probes = new ProbeManager({
      runner: actions,
      recorder: parts.recorder,
      log: this.#log,
      secondMs: parts.probeSecondMs,
      onChange: (uid) => this.#queue.add(uid),
      onUnhealthy: (uid, containerId, kind) => {
        unhealthy.set(containerId, { uid, kind })
        this.#queue.add(uid)
      },
    })
    this.#sc = {
      settings,
      runtime: parts.runtime,
      shell: parts.shell,
      api: parts.api,
      ctx: parts.ctx,
      recorder: parts.recorder,
      log: this.#log,
      now: parts.clock ?? (() => new Date()),
      node: () => this.#nodeView(),
      images: new ImageManager(parts.runtime, parts.recorder, this.#log),
      imageInfo: new ImageInfoCache(),
      actions,
      probes,
      crashBackoff: new KeyedBackoff(),
      ips: new PodIPs(),
      waiting: new Map(),
      unhealthy,
      writtenVolumes: new Map(),
      knownEmpty: (uid) => {
        const empty = this.#listed && !this.#touched.has(uid)
        this.#touched.add(uid)
        return empty
      },
      ownEvents: this.#ownEvents,
      ensureNetwork: (cidr) => this.#ensureNetwork(cidr),
      remember: (pod) => this.#remember(pod),
      stopping: this.#stopping.signal,
    }
    this.#queue = new KeyedQueue({ handle: (uid) => this.#handle(uid), concurrency: o.concurrency ?? 10, log: this.#log })
    this.#podWatch = new ListWatch({
      api: parts.api,
      ref: PODS,
      ctx: parts.ctx,
      log: this.#log,
      selectors: { fieldSelector: `spec.nodeName=${parts.nodeName}` },
      handlers: {
        replace: (objects) => this.#replacePods(objects),
        change: (type, obj) => this.#podChanged(type, obj),
      },
    })
    this.#nodeWatch = new ListWatch({
      api: parts.api,
      ref: NODES,
      ctx: parts.ctx,
      log: this.#log,
      selectors: { fieldSelector: `metadata.name=${parts.nodeName}` },
      handlers: {
        replace: (objects) => this.#nodeChanged((objects[0] as Node | undefined) ?? undefined),
        change: (type, obj) => this.#nodeChanged(type === 'DELETED' ? undefined : (obj as Node)),
      },
    })
  }

  start(): void {
    this.#podWatch.start()
    this.#nodeWatch.start()
    void this.#begin()
  }

  async #begin(): Promise<void> {
    await Promise.all([this.#podWatch.synced, this.#nodeWatch.synced])
    if (this.#stopping.signal.aborted) return
    // Events from now on queue their pods; nothing is handled before the first full listing.
    this.#eventsLoop = this.#watchEvents()
    // Adopt before acting: the first full listing tells which containers and IPs already exist.
    await this.#resync()
    if (this.#stopping.signal.aborted) return
    await this.#clearStale()
    if (this.#stopping.signal.aborted) return
    this.#queue.start()
    this.#begun = true
    this.#resolveSynced()
    if (!this.#streamBroken) this.#settle()
    const period = this.#parts.options?.resyncPeriodMs ?? 10_000
    this.#resyncTimer = setInterval(() => this.resync(), period)
    this.#disposeState = this.#parts.connection?.on('state', (status: ConnectionStatus, previous: ConnectionStatus) => {
      if (status.state === 'connected' && previous.state !== 'connected') {
        this.#log.info('node reconnected; restarting the event stream and resyncing')
        this.#eventsAbort?.abort()
        this.#kick?.()
        this.resync(true)
      }
    })
  }

  async stop(): Promise<void> {
    this.#stopping.abort()
    this.#resolveSynced()
    clearInterval(this.#resyncTimer)
    this.#disposeState?.()
    this.#eventsAbort?.abort()
    this.#sc.probes.stop()
    await Promise.all([this.#podWatch.stop(), this.#nodeWatch.stop()])
    await this.#queue.stop()
    await this.#eventsLoop
    await this.#resyncing?.catch(() => {})
  }

  #settle(): void {
    if (this.settled || this.#stopping.signal.aborted) return
    this.settled = true
    this.#parts.onSettled?.()
  }

  /** Docker answers again after its event stream broke: catch up, stale first, then report settled. */
  async #recover(): Promise<void> {
    this.#failures.clear()
    try {
      await this.#resync()
      await this.#clearStale()
    } catch (err) {
      this.#log.warn('catching up after Docker came back failed; the resync retries', { err })
    }
    if (!this.#streamBroken) this.#settle()
  }

  /** `fresh`: the node just came back (reconnect, Docker again reachable): forget failure back-offs. */
  resync(fresh = false): void {
    if (this.#stopping.signal.aborted) return
    if (fresh) this.#failures.clear()
    void this.#resync().catch((err: unknown) => this.#log.warn('resync failed', { err }))
  }

  // ── the pod cache ─────────────────────────────────────────────────────────────────────────────

  #replacePods(objects: KubeObject[]): void {
    const before = new Set(this.#pods.keys())
    this.#pods.clear()
    for (const obj of objects) {
      const pod = obj as Pod
      const uid = pod.metadata.uid
      if (!uid) continue
      this.#pods.set(uid, pod)
      this.#queue.add(uid)
    }
    for (const uid of before) if (!this.#pods.has(uid)) this.#queue.add(uid)
  }

  #podChanged(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    const pod = obj as Pod
    const uid = pod.metadata.uid
    if (!uid) return
    if (type === 'DELETED') {
      this.#pods.delete(uid)
      this.#queue.add(uid)
      return
    }
    const cached = this.#pods.get(uid)
    if (cached && !newer(pod, cached)) return
    this.#pods.set(uid, pod)
    // Our own status write coming back: nothing new to act on. The watch may deliver it before the
    // write answers (and the sync remembers it), so a status-only change while the pod's sync is in
    // hand counts as ours too — that sync writes the status it computed either way (a conflicting
    // write by someone else is re-read and overwritten, as the kubelet's status manager does).
    if (cached && cached.metadata.resourceVersion === pod.metadata.resourceVersion) return
    if (cached && this.#queue.inHand(uid) && onlyStatusChanged(cached, pod)) return
    this.#queue.add(uid)
  }

  #remember(pod: Pod): void {
    const uid = pod.metadata.uid
    if (!uid) return
    const cached = this.#pods.get(uid)
    if (cached && newer(pod, cached)) this.#pods.set(uid, pod)
  }

  #nodeChanged(node: Node | undefined): void {
    const before = this.#node?.spec?.podCIDR
    this.#node = node
    if (node?.spec?.podCIDR !== before) {
      this.#log.info('node pod CIDR', { podCIDR: node?.spec?.podCIDR ?? null })
      for (const uid of this.#pods.keys()) this.#queue.add(uid)
    }
  }

  #nodeView(): NodeView {
    const node = this.#node
    const view: NodeView = {}
    const cidr = node?.spec?.podCIDR ?? node?.spec?.podCIDRs?.[0]
    if (cidr) view.podCIDR = cidr
    const hostIP = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? this.#parts.options?.hostIP
    if (hostIP) view.hostIP = hostIP
    if (node?.status?.allocatable) view.allocatable = node.status.allocatable
    const memory = node?.status?.capacity?.memory
    if (memory !== undefined) view.memoryCapacity = quantityValue(memory)
    return view
  }

  // ── one key ───────────────────────────────────────────────────────────────────────────────────

  async #handle(uid: string): Promise<HandleResult | undefined> {
    if (this.#stopping.signal.aborted) return undefined
    if (this.#terminating.has(uid)) return undefined
    // A pod whose last sync failed waits out its back-off, however many events arrive meanwhile
    // (its own failed attempts make some): no hot loop against a node in trouble.
    const failed = this.#failures.get(uid)
    if (failed && failed.retryAt > Date.now()) return { requeueAfterMs: failed.retryAt - Date.now() }
    const started = Date.now()
    try {
      const result = await this.#sync(uid)
      this.#failures.delete(uid)
      this.#log.debug('synced', { uid, ms: Date.now() - started })
      return result
    } catch (err) {
      const count = (failed?.count ?? 0) + 1
      const delay = Math.min(FAILURE_BACKOFF_MS * 2 ** (count - 1), MAX_FAILURE_BACKOFF_MS)
      this.#failures.set(uid, { count, retryAt: Date.now() + delay })
      this.#log.warn('sync failed; will retry', { uid, failures: count, retryInMs: delay, err })
      return { requeueAfterMs: delay }
    }
  }

  async #sync(uid: string): Promise<HandleResult | undefined> {
    const pod = this.#pods.get(uid)
    if (!pod) {
      const alive = await cleanUpOrphan(this.#sc, uid)
      return alive ? { requeueAfterMs: 1000 } : undefined
    }
    if (pod.metadata.deletionTimestamp) {
      void this.#startTermination(pod)
      return
    }
    // Docker was away and is being caught up with: nothing starts beside what is still to be removed.
    if (!this.settled) return { requeueAfterMs: UNSETTLED_RETRY_MS }
    return syncPod(this.#sc, pod, () => this.#pods.values())
  }

  /**
   * Before any pod is started, what was deleted while the agent was away goes: containers of pods
   * that are gone or bound elsewhere (orphans), and pods being deleted (evicted from a node that
   * could not be reached, say; their grace has usually run out). So a returning node never runs a
   * new pod beside a stale one, and `synced` (which the node's Ready report waits for) means clean.
   */
  async #clearStale(): Promise<void> {
    // Listed again after each pass that found something: a Docker engine that has just started
    // may still be reviving containers (restart policies) while it answers.
    for (let pass = 1; pass <= STALE_PASSES; pass++) {
      if (pass > 1) await this.#resync()
      if ((await this.#clearStaleOnce()) === 0) return
    }
  }

  /** One pass of #clearStale over the last listing; answers how many pods had containers to remove. */
  async #clearStaleOnce(): Promise<number> {
    const orphans = [...this.#listedUids].filter((uid) => !this.#pods.has(uid))
    const deleting = [...this.#pods.values()].filter((pod) => pod.metadata.deletionTimestamp)
    if (!orphans.length && !deleting.length) return 0
    this.#log.info('removing what was deleted while the node was away, before starting pods', { orphans: orphans.length, terminating: deleting.length })
    await Promise.all([
      ...orphans.map((uid) => cleanUpOrphan(this.#sc, uid).catch((err: unknown) => this.#log.warn('orphan clean-up failed; the queue retries it', { uid, err }))),
      // A termination already under way (retrying while Docker was away, say) is waited for, not doubled.
      ...deleting.map((pod) => this.#terminating.get(pod.metadata.uid ?? '') ?? this.#startTermination(pod)),
    ])
    return orphans.length + deleting.filter((pod) => this.#listedUids.has(pod.metadata.uid ?? '')).length
  }

  /** Terminations run beside the queue: a long grace period must not hold a worker. Settles when done (or failed and requeued). */
  #startTermination(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? ''
    const run = terminatePod(this.#sc, pod)
      .then(() => {
        this.#terminating.delete(uid)
        this.#touched.delete(uid)
        this.#queue.forget(uid)
      })
      .catch((err: unknown) => {
        this.#terminating.delete(uid)
        if (this.#stopping.signal.aborted) return
        this.#log.warn('terminating pod failed; will retry', { uid, err })
        this.#queue.addAfter(uid, 1000)
      })
    this.#terminating.set(uid, run)
    return run
  }

  // ── the node ──────────────────────────────────────────────────────────────────────────────────

  /** Lists every Coxswain container on the node: adopts IPs, finds orphans, queues every pod. */
  async #resync(): Promise<void> {
    if (this.#resyncing) {
      this.#resyncAgain = true
      return this.#resyncing
    }
    const run = (async () => {
      do {
        this.#resyncAgain = false
        this.#network = undefined
        const scope = [`${MANAGED_LABEL}=true`, ...scopeList(this.#sc.settings)]
        try {
          const [containers, volumes] = await Promise.all([this.#sc.runtime.listContainers(scope), this.#sc.runtime.listVolumes(scope)])
          const labelled = new Map<string, string>()
          const uids = new Set<string>()
          for (const c of containers) {
            const uid = c.labels[POD_UID_LABEL]
            if (!uid) continue
            uids.add(uid)
            const ip = c.labels[POD_IP_LABEL]
            if (ip) labelled.set(uid, ip)
          }
          this.#sc.ips.setLabelled(labelled)
          for (const name of volumes) {
            const uid = /^k8s_.+_([0-9a-fA-F-]{8,})$/.exec(name)?.[1]
            if (uid) uids.add(uid)
          }
          this.#listedUids = uids
          for (const uid of uids) {
            this.#touched.add(uid)
            if (!this.#pods.has(uid)) this.#queue.add(uid)
          }
          this.#listed = true
        } catch (err) {
          this.#log.warn('listing the node’s containers failed', { err })
        }
        for (const uid of this.#pods.keys()) this.#queue.add(uid)
      } while (this.#resyncAgain && !this.#stopping.signal.aborted)
    })()
    this.#resyncing = run
    try {
      await run
    } finally {
      this.#resyncing = undefined
    }
  }

  #ensureNetwork(cidr: string): Promise<void> {
    if (this.#network?.cidr === cidr) return this.#network.ready
    const ready = this.#makeNetwork(cidr)
    const entry = { cidr, ready }
    this.#network = entry
    ready.catch(() => {
      if (this.#network === entry) this.#network = undefined
    })
    return ready
  }

  async #makeNetwork(cidr: string): Promise<void> {
    const { runtime, settings } = this.#sc
    const existing = await runtime.inspectNetwork(settings.network)
    if (existing?.subnets.includes(cidr)) return
    if (existing) {
      this.#log.warn('pod network has another subnet; recreating it', { network: settings.network, has: existing.subnets, want: cidr })
      await runtime.removeNetwork(settings.network)
    }
    const options = buildPodNetworkCreate(cidr, { name: settings.network, ...(settings.bridgeName ? { bridgeName: settings.bridgeName } : {}) })
    try {
      await runtime.createNetwork(scopedNetwork(options, settings.scopeLabels))
      this.#log.info('pod network created', { network: settings.network, podCIDR: cidr })
    } catch (err) {
      const again = await runtime.inspectNetwork(settings.network).catch(() => null)
      if (!again?.subnets.includes(cidr)) throw err
    }
  }

  /** Docker's events for Coxswain containers, each one queueing its pod; restarted when it breaks. */
  async #watchEvents(): Promise<void> {
    const backoff = new Backoff({ initialMs: 200, maxMs: 5000 })
    const labels = [`${MANAGED_LABEL}=true`, ...scopeList(this.#sc.settings)]
    let broken = false
    while (!this.#stopping.signal.aborted) {
      const abort = new AbortController()
      this.#eventsAbort = abort
      const stop = (): void => abort.abort()
      this.#stopping.signal.addEventListener('abort', stop, { once: true })
      const since = this.#lastEventNano
      try {
        const events = this.#sc.runtime.events({
          labels,
          actions: EVENT_ACTIONS,
          signal: abort.signal,
          ...(since !== undefined ? { sinceNano: since } : {}),
          onOpen: () => {
            backoff.reset()
            this.#streamBroken = false
            // Whatever happened while the stream was down is found by a resync once it is back,
            // and what was deleted meanwhile goes before the node is reported Ready again.
            if (broken && this.#begun) void this.#recover()
            broken = false
          },
        })
        for await (const event of events) {
          this.#lastEventNano = event.timeNano
          const uid = event.attributes[POD_UID_LABEL]
          if (!uid) continue
          this.#touched.add(uid)
          if (!this.#ownEvents.consume(event.id, event.action)) this.#queue.add(uid)
        }
      } catch (err) {
        if (!abort.signal.aborted) this.#log.debug('event stream broke', { err })
      } finally {
        this.#stopping.signal.removeEventListener('abort', stop)
      }
      if (this.#stopping.signal.aborted) return
      if (!broken) this.#log.info('event stream ended; reopening')
      broken = true
      this.#streamBroken = true
      this.settled = false
      // A reconnect (abort from the state listener) retries at once; a failure backs off.
      await this.#pause(abort.signal.aborted ? 0 : backoff.next())
    }
  }

  /** Waits `ms`, cut short by stop() or by a reconnect (the state listener calls #kick). */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#kick = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.#kick = done
      this.#stopping.signal.addEventListener('abort', done, { once: true })
    })
  }
}

/** Whether `a` is a later version of the same object than `b` (store revisions are numbers). */
/** Everything but status and the bookkeeping that changes with any write is the same. */
function onlyStatusChanged(before: Pod, after: Pod): boolean {
  const strip = (p: Pod): unknown => ({ ...p, status: undefined, metadata: { ...p.metadata, resourceVersion: undefined, managedFields: undefined } })
  return isDeepStrictEqual(strip(before), strip(after))
}

function newer(a: Pod, b: Pod): boolean {
  const ra = a.metadata.resourceVersion ?? ''
  const rb = b.metadata.resourceVersion ?? ''
  if (/^\d+$/.test(ra) && /^\d+$/.test(rb)) return BigInt(ra) >= BigInt(rb)
  return true
}
