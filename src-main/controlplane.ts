// The one object behind every door (Electron IPC, the headless HTTP server, tests). It knows the
// cluster's identity and how each node connection stands, owns the store (DATA_DIR/store.db) and
// the API server over it (`api`), and runs the control loops that need no node: the garbage
// collector and the namespace controller, and the machine controller: one connection and one
// node agent per Machine (src-main/nodeagent/machines). It holds the cluster's SSH key
// (DATA_DIR/keys/cluster_ed25519), whose public half machines trust.

import type { DefaultTolerationSeconds } from './api/defaults/tolerations.ts'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ClusterInfo, NodeConnection, NodeConnectionState } from './api/cluster-info.ts'
import { ApiServer } from './apiserver/api-server.ts'
import type { ApiServerVerbs } from './apiserver/types.ts'
import { GarbageCollector } from './controllers/garbagecollector/garbage-collector.ts'
import { NamespaceController } from './controllers/namespace/namespace-controller.ts'
import { NodeIpamController } from './controllers/nodeipam/nodeipam-controller.ts'
import { ControllerManager, selectControllers } from './controllers/manager.ts'
import type { InstallKeyRequest } from './api/install-key.ts'
import { EventRecorder } from './apiserver/events.ts'
import { systemContext } from './apiserver/api-server.ts'
import { podSyncComponent } from './nodeagent/podsync/component.ts'
import { metricsComponent, type MetricsTimings } from './nodeagent/metrics/sampler.ts'
import { MetricsStore } from './nodeagent/metrics/store.ts'
import { ClusterNetworkView } from './network/cluster-view.ts'
import { networkComponent, type NetworkComponentOptions } from './network/component.ts'
import { DEFAULT_CLUSTER_CIDR } from './controllers/nodeipam/cidr-allocator.ts'
import { DEFAULT_CLUSTER_DNS_IP, DEFAULT_SERVICE_CIDR } from './network/service-allocation.ts'
import { DEFAULT_CLUSTER_DOMAIN, dnsEntries, type DnsEntry } from './network/dns/records.ts'
import type { PodSyncOptions } from './nodeagent/podsync/pod-sync.ts'
import type { NodeRuntimeResolver } from './nodeagent/streams/types.ts'
import { versionInfo } from './apiserver/rest/version.ts'
import { MachineController, type MachineControllerOptions } from './nodeagent/machines/machine-controller.ts'
import type { ConnectionStatus } from './nodeagent/ssh/connection.ts'
import { installKeyWithPassword, type InstallKeyResult } from './nodeagent/ssh/install-key.ts'
import { PinnedHostKeys } from './nodeagent/ssh/pinned-host-keys.ts'
import { CLUSTER_KEY_DIR, CLUSTER_KEY_FILE, loadOrCreateClusterKey, writePublicKeyFile, type ClusterKey } from './security/cluster-key.ts'
import { PlainSecretFile } from './security/secret-file.ts'
import { MemoryStore, SqliteStore, type Store } from './store/index.ts'
import { ensurePrivateDir, writePrivateFileAtomic } from './util/private-fs.ts'
import { log as rootLog, type Logger } from './util/log.ts'
import { COXSWAIN_VERSION } from './version.ts'

export const DEFAULT_CLUSTER_NAME = 'coxswain'
export const CLUSTER_FILE = 'cluster.json'
export const STORE_FILE = 'store.db'
/** Host keys trusted on first use or pinned from an expected fingerprint. */
export const KNOWN_HOSTS_FILE = 'known_hosts.json'

/** A cluster name is a DNS label, so it can appear in hostnames and kubeconfig contexts. */
const clusterNamePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

interface ClusterFile {
  name: string
}

export interface ControlPlaneOptions {
  /** Where the cluster's state lives; created with mode 0700 on start(). */
  dataDir: string
  log?: Logger
  /** Injected for tests. */
  now?: () => Date
  version?: string
  /** 'sqlite' (default): DATA_DIR/store.db. 'memory': nothing survives the process (tests). */
  storage?: 'sqlite' | 'memory'
  /** The machine controller's settings (timings, per-node components, fake hosts in tests); false: no machine controller. */
  machines?: false | Pick<MachineControllerOptions, 'timings' | 'createHost' | 'components'>
  /**
   * How each connected node runs its pods (infra image, DNS, …). False: no pod sync (tests of the
   * machine controller alone). Ignored when `machines.components` is given.
   */
  podSync?: false | PodSyncOptions
  /**
   * Node and pod usage sampling for metrics.k8s.io (`kubectl top`) on every connected node. False:
   * none, and the group is not served. Ignored when `machines.components` is given.
   */
  metrics?: false | Partial<MetricsTimings>
  /**
   * Pod routes and service rules on every connected node (src-main/network). False: none. Ignored
   * when `machines.components` is given.
   */
  network?: false | Pick<NetworkComponentOptions, 'timings' | 'onSynced' | 'dns' | 'dnsDir'>
  /**
   * The not-ready and unreachable NoExecute tolerations every new pod gets unless it has its own:
   * how long its pods stay bound to a node that fails (default: DEFAULT_TOLERATION_SECONDS).
   */
  defaultTolerationSeconds?: DefaultTolerationSeconds
  /** Which cluster controllers run (`selectControllers` syntax); default all. */
  controllers?: readonly string[]
}

/** What the dashboard shows to let a machine in: the cluster key's public half and how to install it. */
export interface ClusterPublicKey {
  /** `ssh-ed25519 AAAA… coxswain@CLUSTER` */
  publicKeyLine: string
  fingerprint: string
  /** The one-line command that adds it to a user's authorized_keys. */
  installCommand: string
}

/** A one-time password login to install the cluster key; the password is never stored. */
export type InstallClusterKeyOptions = InstallKeyRequest

export interface NodeConnectionChange {
  /** The node's connection after the change, or null when the node was forgotten. */
  current: NodeConnection | null
  previous: NodeConnection | null
  name: string
}

export type NodeConnectionListener = (change: NodeConnectionChange) => void

export class ControlPlane {
  readonly dataDir: string
  readonly version: string
  /**
   * Each node's Docker client, for container streams (pods/log, pods/exec) through every door. Set
   * by whoever owns the node connections (the machine controller); until then streams answer 503.
   */
  runtimes: NodeRuntimeResolver | undefined
  private readonly log: Logger
  private readonly now: () => Date
  private readonly nodes = new Map<string, NodeConnection>()
  private readonly listeners = new Set<NodeConnectionListener>()
  private readonly storage: 'sqlite' | 'memory'
  private name: string | null = null
  private startedAt: Date | null = null
  private store: Store | null = null
  private apiServer: ApiServer | null = null
  private controllers: { start(): Promise<void>; stop(): Promise<void> }[] = []
  private readonly machineOptions: ControlPlaneOptions['machines']
  private readonly podSyncOptions: ControlPlaneOptions['podSync']
  private key: ClusterKey | null = null
  private pins: PinnedHostKeys | null = null
  private machineController: MachineController | null = null
  private readonly metricsOptions: ControlPlaneOptions['metrics']
  private readonly tolerationSeconds: DefaultTolerationSeconds | undefined
  private readonly metricsStore = new MetricsStore()
  private readonly networkOptions: ControlPlaneOptions['network']
  private networkView: ClusterNetworkView | null = null
  private readonly controllerSpec: readonly string[]

  constructor(options: ControlPlaneOptions) {
    this.dataDir = options.dataDir
    this.version = options.version ?? COXSWAIN_VERSION
    this.log = (options.log ?? rootLog).child({ component: 'controlplane' })
    this.now = options.now ?? (() => new Date())
    this.storage = options.storage ?? 'sqlite'
    this.machineOptions = options.machines
    this.podSyncOptions = options.podSync
    this.metricsOptions = options.metrics
    this.networkOptions = options.network
    this.tolerationSeconds = options.defaultTolerationSeconds
    this.controllerSpec = options.controllers ?? ['*']
    // Refuse a bad list before anything starts.
    selectControllers(this.controllerSpec)
  }

  /** Loads (or creates) the cluster's identity, opens the store, starts the API server and its controllers. Idempotent. */
  async start(): Promise<void> {
    if (this.startedAt) return
    if (ensurePrivateDir(this.dataDir)) this.log.warn('data dir was readable by others; set its mode to 0700', { dataDir: this.dataDir })
    this.name = loadOrCreateClusterFile(join(this.dataDir, CLUSTER_FILE)).name
    this.key = this.loadClusterKey(this.name)
    this.pins = new PinnedHostKeys(join(this.dataDir, KNOWN_HOSTS_FILE))
    try {
      await this.startApi()
    } catch (err) {
      await this.stopApi()
      throw err
    }
    this.startedAt = this.now()
    this.log.info('control plane started', { cluster: this.name, version: this.version, dataDir: this.dataDir })
  }

  private async startApi(): Promise<void> {
    const log = this.log
    this.store = this.storage === 'memory' ? new MemoryStore({ log }) : new SqliteStore(join(this.dataDir, STORE_FILE), { log })
    this.apiServer = new ApiServer({ store: this.store, now: this.now, log, ...(this.tolerationSeconds ? { defaultTolerationSeconds: this.tolerationSeconds } : {}) })
    await this.apiServer.ensureDefaultNamespaces()
    this.controllers = [
      new GarbageCollector({ api: this.apiServer, log }),
      new NamespaceController({ api: this.apiServer, log, now: this.now }),
      new NodeIpamController({ api: this.apiServer, log }),
      new ControllerManager({ api: this.apiServer, log, now: this.now, controllers: selectControllers(this.controllerSpec) }),
    ]
    if (this.machineOptions !== false) {
      // With the network on, pods ask the cluster DNS (its virtual IP is DNATed to each node's own server).
      const clusterDNS = this.networkOptions !== false && this.networkOptions?.dns !== false ? { clusterDNS: { servers: [DEFAULT_CLUSTER_DNS_IP], domain: DEFAULT_CLUSTER_DOMAIN } } : {}
      const components = this.podSyncOptions === false ? [] : [this.podSync(this.apiServer, { ...clusterDNS, ...this.podSyncOptions })]
      if (this.metricsOptions !== false) {
        components.push(metricsComponent({ store: this.metricsStore, log: this.log.child({ component: 'metrics' }), timings: this.metricsOptions }))
      }
      if (this.networkOptions !== false) {
        const view = new ClusterNetworkView({ api: this.apiServer, log: this.log.child({ component: 'network-view' }) })
        this.networkView = view
        this.controllers.push({ start: () => view.start(), stop: () => view.stop() })
        components.push(networkComponent({ view, clusterCIDR: DEFAULT_CLUSTER_CIDR, serviceCIDR: DEFAULT_SERVICE_CIDR, log: this.log.child({ component: 'network' }), ...this.networkOptions }))
      }
      this.machineController = new MachineController({
        api: this.apiServer,
        log,
        clusterKey: this.key ?? undefined,
        pins: this.pins ?? new PinnedHostKeys(join(this.dataDir, KNOWN_HOSTS_FILE)),
        kubeletVersion: versionInfo(this.version).gitVersion,
        onConnection: (name, status) => this.reportMachineConnection(name, status),
        now: this.now,
        components,
        ...this.machineOptions,
      })
      this.controllers.push(this.machineController)
      // Container streams reach nodes through the machine controller, unless someone set another resolver.
      this.runtimes ??= this.machineController
    }
    for (const controller of this.controllers) await controller.start()
  }

  /** Pod sync on every connected node: the agentless kubelet's main loop. */
  private podSync(api: ApiServer, options: PodSyncOptions | undefined) {
    const component = 'coxswain-node-agent'
    return podSyncComponent({
      api,
      ctx: systemContext(component),
      recorder: new EventRecorder({ api, source: { component }, now: this.now, log: this.log }),
      log: this.log.child({ component: 'pod-sync' }),
      clock: this.now,
      options,
    })
  }

  private loadClusterKey(clusterName: string): ClusterKey {
    const path = join(this.dataDir, CLUSTER_KEY_DIR, CLUSTER_KEY_FILE)
    const key = loadOrCreateClusterKey(
      new PlainSecretFile(path, (what) => this.log.warn('cluster key was readable by others; tightened its mode', { path: what })),
      clusterName,
    )
    writePublicKeyFile(`${path}.pub`, key.publicKeyLine)
    return key
  }

  /** The dashboard's summary of node connections, from the machine controller. */
  private reportMachineConnection(name: string, status: ConnectionStatus | null): void {
    if (status === null) {
      this.removeNode(name)
      return
    }
    if (status.state === 'closed') return
    const state: NodeConnectionState = status.state === 'refused' ? 'disconnected' : status.state
    this.setNodeConnection(name, state, status.reason)
  }

  /** Stops the controllers, ends the API server's watches and closes the store. */
  private async stopApi(): Promise<void> {
    for (const controller of this.controllers.splice(0).reverse()) await controller.stop()
    if (this.runtimes === this.machineController) this.runtimes = undefined
    this.machineController = null
    this.networkView = null
    await this.apiServer?.close()
    this.apiServer = null
    await this.store?.close()
    this.store = null
  }

  /** Stops everything start() began and drops subscribers. Idempotent. */
  async stop(): Promise<void> {
    if (!this.startedAt) return
    this.startedAt = null
    this.listeners.clear()
    await this.stopApi()
    this.log.info('control plane stopped')
  }

  /** The API server's verbs, for every door and in-process client. Only while started. */
  get api(): ApiServerVerbs {
    if (!this.apiServer) throw new Error('control plane not started: the API server exists only between start() and stop()')
    return this.apiServer
  }

  /** The machine controller, while started (null when disabled). */
  get machines(): MachineController | null {
    return this.machineController
  }

  /**
   * The latest node and pod usage for metrics.k8s.io, while the machine controller runs with
   * metrics sampling on (undefined otherwise: the REST door then does not serve the group).
   */
  get metrics(): MetricsStore | undefined {
    return this.machineController && this.metricsOptions !== false && !(this.machineOptions && this.machineOptions.components) ? this.metricsStore : undefined
  }

  /** Every name the cluster DNS answers, with its target, as the nodes are told (empty without the network). */
  dnsEntries(): DnsEntry[] {
    return this.networkView ? dnsEntries(this.networkView.snapshot().dns) : []
  }

  /** The cluster key's public half and the command that installs it on a machine. */
  get clusterPublicKey(): ClusterPublicKey {
    if (!this.key) throw new Error('control plane not started: the cluster key is loaded by start()')
    return { publicKeyLine: this.key.publicKeyLine, fingerprint: this.key.fingerprint, installCommand: this.key.installCommand }
  }

  /**
   * Logs in to a machine once with a password and installs the cluster key there; the host key is
   * verified (and pinned) as for every connection. The password is used for this call only.
   */
  async installClusterKey(options: InstallClusterKeyOptions): Promise<InstallKeyResult> {
    if (!this.key || !this.pins) throw new Error('control plane not started: the cluster key is loaded by start()')
    return installKeyWithPassword({
      host: options.host,
      ...(options.port !== undefined ? { port: options.port } : {}),
      username: options.user,
      password: options.password,
      installCommand: this.key.installCommand,
      hostKeys: {
        store: this.pins,
        ...(options.hostKeyFingerprint ? { expectedFingerprint: options.hostKeyFingerprint } : {}),
        ...(options.trustOnFirstUse ? { trustOnFirstUse: true } : {}),
      },
    })
  }

  get running(): boolean {
    return this.startedAt !== null
  }

  get clusterName(): string {
    if (this.name === null) throw new Error('control plane not started: cluster name unknown until start()')
    return this.name
  }

  info(): ClusterInfo {
    return {
      clusterName: this.clusterName,
      version: this.version,
      startedAt: this.startedAt?.toISOString() ?? null,
      nodes: [...this.nodes.values()].sort((a, b) => a.name.localeCompare(b.name)).map((n) => ({ ...n })),
    }
  }

  /**
   * Records how the connection to node `name` stands and tells subscribers. Setting the same
   * state and detail again is a no-op, so callers may report level-triggered without spamming.
   */
  setNodeConnection(name: string, state: NodeConnectionState, detail?: string): void {
    const previous = this.nodes.get(name) ?? null
    if (previous && previous.state === state && previous.detail === detail) return
    const current: NodeConnection = { name, state, since: this.now().toISOString(), ...(detail !== undefined ? { detail } : {}) }
    this.nodes.set(name, current)
    this.log.info('node connection', { node: name, state, ...(detail !== undefined ? { detail } : {}) })
    this.emit({ name, current: { ...current }, previous })
  }

  /** Forgets node `name` (e.g. the node was deleted). */
  removeNode(name: string): void {
    const previous = this.nodes.get(name)
    if (!previous) return
    this.nodes.delete(name)
    this.emit({ name, current: null, previous })
  }

  /** Calls `listener` on every node connection change; returns a function that unsubscribes. */
  onNodeConnectionChange(listener: NodeConnectionListener): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  private emit(change: NodeConnectionChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change)
      } catch (err) {
        // One broken subscriber (say, a closed window) must not stop the others hearing about it.
        this.log.error('node connection listener failed', { node: change.name, err })
      }
    }
  }
}

function loadOrCreateClusterFile(path: string): ClusterFile {
  if (!existsSync(path)) {
    const created: ClusterFile = { name: DEFAULT_CLUSTER_NAME }
    writePrivateFileAtomic(path, JSON.stringify(created, null, 2) + '\n')
    return created
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new Error(`read cluster file ${path}: ${(err as Error).message}`, { cause: err })
  }
  const name = (parsed as Partial<ClusterFile> | null)?.name
  if (typeof name !== 'string' || !clusterNamePattern.test(name)) {
    throw new Error(
      `read cluster file ${path}: "name" must be a DNS label (lowercase letters, digits and '-', at most 63 characters), got ${JSON.stringify(name)}`,
    )
  }
  return { name }
}
