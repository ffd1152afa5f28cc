// One node's network, kept level-triggered over its SSH connection: routes to the other nodes'
// pod subnets and the proxy's rules, rendered from the cluster view. Changes are debounced and
// applied only when they differ from what the node has (the rules' hash rides in the rules, so a
// restarted control plane finds them and changes nothing). On every (re)connect the node's real
// state is read again, which also repairs a rebooted node; a periodic re-read catches hand edits.

import type { ExecOptions, ExecResult } from '../nodeagent/ssh/exec.ts'
import type { Logger } from '../util/log.ts'
import type { ClusterNetworkView } from './cluster-view.ts'
import { cidrGateway } from '../nodeagent/pods/ip-allocator.ts'
import { DEFAULT_DNS_DIR, writeTableScript } from './dns/runtime.ts'
import { ensureJumpsScript, jumpsPresent, parseState, readStateScript, removeRulesScript } from './node-script.ts'
import { desiredRoutes, parseRoutes, routeCommands, serviceRouteCommand, type PodRoute } from './routes.ts'
import { parseChains, parseRulesHash, renderProxyRules, type ExistingChains } from './service-rules.ts'

export type NodeExec = (argv: readonly string[], options: ExecOptions) => Promise<ExecResult>

export interface NodeNetworkTimings {
  /** Changes arriving within this window are applied together. */
  debounceMs: number
  /** The node's state is read again this often (hand edits, flushes). */
  recheckMs: number
  /** Deadline of each command. */
  callTimeoutMs: number
  /** First retry after a failure; doubles up to recheckMs. */
  retryMs: number
}

export const DEFAULT_NODE_NETWORK_TIMINGS: NodeNetworkTimings = { debounceMs: 20, recheckMs: 30_000, callTimeoutMs: 10_000, retryMs: 500 }

export interface NodeNetworkOptions {
  nodeName: string
  clusterCIDR: string
  serviceCIDR: string
  view: ClusterNetworkView
  exec: NodeExec
  log: Logger
  timings?: Partial<NodeNetworkTimings>
  /** The cluster DNS on this node: its virtual IP, and how to make sure its server runs. */
  dns?: { clusterIP: string; port: number; dir: string; ensure(): Promise<void> }
  /** Called after every successful pass with what it changed on the node (benchmarks, tests). */
  onSynced?: (changed: SyncOutcome) => void
}

export interface SyncOutcome {
  /** The proxy rules were replaced. */
  rules: boolean
  /** Route commands run. */
  routes: number
  /** The DNS table was written. */
  dns: boolean
}

/** What we believe the node holds; undefined: read it first. */
interface Known {
  routes: PodRoute[]
  /** `ip route` output as read, until the service CIDR's route is settled. */
  routeTable: string | null
  hash: string | null
  chains: ExistingChains
  dnsTable: string
  /** The DNS server was seen running on this connection. */
  dnsServer: boolean
}

export class NodeNetwork {
  readonly #o: NodeNetworkOptions
  readonly #t: NodeNetworkTimings
  #known: Known | undefined
  #timer: NodeJS.Timeout | undefined
  #recheck: NodeJS.Timeout | undefined
  #running = false
  #busy: Promise<void> | null = null
  #again = false
  #failures = 0
  #dispose: (() => void) | undefined
  /** How commands gain root: [] as root, ['sudo', '-n'] with passwordless sudo, null: they cannot. */
  #elevate: string[] | null | undefined
  #dnsStarting: Promise<void> | null = null

  constructor(options: NodeNetworkOptions) {
    this.#o = options
    this.#t = { ...DEFAULT_NODE_NETWORK_TIMINGS, ...options.timings }
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#known = undefined
    this.#dispose = this.#o.view.onChange(() => this.#schedule(this.#t.debounceMs))
    void this.#o.view.synced.then(() => this.#schedule(0))
    this.#recheck = setInterval(() => {
      this.#known = undefined
      this.#schedule(0)
    }, this.#t.recheckMs)
    this.#recheck.unref()
  }

  async stop(): Promise<void> {
    this.#running = false
    this.#dispose?.()
    clearTimeout(this.#timer)
    clearInterval(this.#recheck)
    await this.#busy
    await this.#dnsStarting
  }

  #schedule(delayMs: number): void {
    if (!this.#running || this.#timer) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.#run()
    }, delayMs)
  }

  async #run(): Promise<void> {
    if (this.#busy) {
      this.#again = true
      return
    }
    this.#busy = this.sync()
      .then(() => {
        this.#failures = 0
      })
      .catch((err: unknown) => {
        this.#known = undefined
        this.#failures++
        if (this.#running) this.#o.log.warn('network sync failed; retrying', { err, attempt: this.#failures })
        this.#schedule(Math.min(this.#t.retryMs * 2 ** (this.#failures - 1), this.#t.recheckMs))
      })
      .finally(() => {
        this.#busy = null
        if (this.#again) {
          this.#again = false
          this.#schedule(0)
        }
      })
    await this.#busy
  }

  async #exec(argv: readonly string[], stdin?: string): Promise<string> {
    const result = await this.#o.exec([...(this.#elevate ?? []), ...argv], { timeoutMs: this.#t.callTimeoutMs, ...(stdin !== undefined ? { stdin } : {}) })
    if (result.code !== 0) throw new Error(`${argv.join(' ')} on ${this.#o.nodeName} exited ${result.code}: ${result.stderr.trim().slice(0, 500)}`)
    return result.stdout
  }

  async #privilege(): Promise<string[] | null> {
    const timeoutMs = this.#t.callTimeoutMs
    const id = await this.#o.exec(['id', '-u'], { timeoutMs })
    if (id.code === 0 && id.stdout.trim() === '0') return []
    const sudo = await this.#o.exec(['sudo', '-n', 'true'], { timeoutMs })
    return sudo.code === 0 ? ['sudo', '-n'] : null
  }

  /**
   * The node leaves the cluster: stop keeping it, then take away what this component made — the
   * routes to other nodes' pod subnets and to the service CIDR, the proxy's rules, the DNS table.
   * A node where we never had the privilege to change anything has nothing to take away.
   */
  async leave(): Promise<void> {
    await this.stop()
    if (this.#elevate === undefined) this.#elevate = await this.#privilege()
    if (this.#elevate === null) return
    const state = parseState(await this.#exec(['sh', '-c', readStateScript(this.#o.dns?.dir ?? DEFAULT_DNS_DIR)]))
    for (const argv of routeCommands([], parseRoutes(state.routes, this.#o.clusterCIDR))) await this.#exec(argv)
    if (state.routes.split('\n').some((line) => line.startsWith(`${this.#o.serviceCIDR} `))) await this.#exec(['ip', 'route', 'del', this.#o.serviceCIDR])
    await this.#exec(['sh', '-c', removeRulesScript()])
    if (this.#o.dns) await this.#exec(['rm', '-rf', this.#o.dns.dir])
    this.#o.log.info('node network removed: routes, proxy rules and DNS table')
  }

  /** One pass: read the node when we do not know it, then apply what differs. */
  async sync(): Promise<void> {
    if (!this.#running) return
    if (this.#elevate === undefined) this.#elevate = await this.#privilege()
    if (this.#elevate === null) {
      // The node agent reports NetworkUnavailable for this node; its pods still run on the bridge.
      return
    }
    const snapshot = this.#o.view.snapshot()
    let known = this.#known
    if (!known) {
      const state = parseState(await this.#exec(['sh', '-c', readStateScript(this.#o.dns?.dir ?? DEFAULT_DNS_DIR)]))
      known = {
        routes: parseRoutes(state.routes, this.#o.clusterCIDR),
        routeTable: state.routes,
        hash: jumpsPresent(state.nat, state.filter) ? parseRulesHash(state.nat) : null,
        chains: { nat: parseChains(state.nat).nat, filter: parseChains(state.filter).filter },
        dnsTable: state.dnsTable,
        dnsServer: false,
      }
    }
    const wanted = desiredRoutes(this.#o.nodeName, snapshot.peers)
    const commands = routeCommands(wanted, known.routes)
    const self = snapshot.peers.find((p) => p.name === this.#o.nodeName)
    if (known.routeTable !== null && self?.address) {
      const serviceRoute = serviceRouteCommand(known.routeTable, this.#o.serviceCIDR, self.address)
      if (serviceRoute) commands.push(serviceRoute)
      known.routeTable = null
    }
    for (const argv of commands) await this.#exec(argv)
    known.routes = wanted
    // The server listens on every address of the node; its answers to a pod leave from the pod
    // bridge's address, so that is where the DNS IP is sent (else replies would not match the DNAT).
    const dnsTarget = this.#o.dns && self?.podCIDR ? { clusterIP: this.#o.dns.clusterIP, target: `${cidrGateway(self.podCIDR)}:${this.#o.dns.port}` } : undefined
    const rules = renderProxyRules({ clusterCIDR: this.#o.clusterCIDR, nodeName: this.#o.nodeName, services: snapshot.services, ...(dnsTarget ? { dns: dnsTarget } : {}) }, known.chains)
    const rulesChanged = rules.hash !== known.hash
    if (rulesChanged) {
      await this.#exec(['iptables-restore', '-w', '--noflush'], rules.text)
      if (known.hash === null) await this.#exec(['sh', '-c', ensureJumpsScript()])
      known.hash = rules.hash
      known.chains = { nat: rules.natChains, filter: rules.filterChains }
    }
    // The DNS table after the rules: a name is only useful once its address routes.
    const dns = this.#o.dns
    let dnsWritten = false
    if (dns) {
      const table = JSON.stringify(snapshot.dns) + '\n'
      if (table !== known.dnsTable) {
        await this.#exec(['sh', '-c', writeTableScript(dns.dir)], table)
        known.dnsTable = table
        dnsWritten = true
      }
      if (!known.dnsServer && !this.#dnsStarting) {
        // In the background: the first time, the image is imported into the node (seconds), and
        // routes and Services must not wait for that.
        const holder = known
        this.#dnsStarting = dns
          .ensure()
          .then(
            () => {
              holder.dnsServer = true
            },
            (err: unknown) => this.#o.log.warn('cluster DNS server not running on this node; retrying at the next re-read', { err }),
          )
          .finally(() => {
            this.#dnsStarting = null
          })
      }
    }
    this.#known = known
    if (rulesChanged || commands.length || dnsWritten) {
      this.#o.log.info('network applied', { rules: rulesChanged, routes: commands.length, dns: dnsWritten, services: snapshot.services.length })
    }
    this.#o.onSynced?.({ rules: rulesChanged, routes: commands.length, dns: dnsWritten })
  }
}
