// A fake Docker engine for pod sync's unit tests: containers with Docker's states, restart policies
// on request, names that collide with a 409, images, volumes, networks, exec and an event stream —
// the ContainerRuntime contract in memory. Tests drive what dockerd would do by itself (a crash, a
// restart by policy) and what a person would (docker kill) through its methods.

import type { ContainerCreateOptions, NetworkCreateOptions, VolumeCreateOptions } from '../pods/container-spec.ts'
import type { DockerContainerInspect } from '../pods/docker-inspect.ts'
import type { ExecResult } from '../ssh/exec.ts'
import type { NodeDialer, NodeShell } from './node-access.ts'
import type { ContainerRuntime, ContainerSummary, EventStreamOptions, ExecOutput, ImageInfo, NetworkInfo, RuntimeEvent } from './runtime.ts'

export interface FakeContainer {
  id: string
  name: string
  labels: Record<string, string>
  image: string
  state: 'created' | 'running' | 'restarting' | 'exited' | 'dead'
  exitCode: number
  error: string
  oomKilled: boolean
  created: string
  startedAt: string
  finishedAt: string
  restartCount: number
  networkMode: string
  ip: string
  restartPolicy: string
  options: ContainerCreateOptions
}

class DockerError extends Error {
  readonly statusCode: number
  readonly json: { message: string }
  constructor(statusCode: number, message: string) {
    super(`(HTTP code ${statusCode}) ${message}`)
    this.statusCode = statusCode
    this.json = { message }
  }
}

const ZERO_TIME = '0001-01-01T00:00:00Z'

export class FakeRuntime implements ContainerRuntime {
  readonly containers = new Map<string, FakeContainer>()
  readonly images = new Set<string>()
  readonly volumes = new Map<string, Record<string, string>>()
  readonly networks = new Map<string, NetworkInfo>()
  /** Every mutating call, as `verb name`: `create k8s_web_…_0`, `stop k8s_web_…_0 t=30`. */
  readonly calls: string[] = []
  /** Container lists (`list <uid filter>` or `list all`) and inspects, in order. */
  readonly reads: string[] = []
  /** Answers execs; default: exit 0, no output. */
  execHandler: (c: FakeContainer, cmd: string[]) => ExecOutput | Promise<ExecOutput> = () => ({ exitCode: 0, stdout: '', stderr: '' })
  /** Answers pulls; default: the registry cannot be reached. */
  pullHandler: (ref: string) => void = (ref) => {
    throw new Error(`Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host (pulling ${ref})`)
  }
  /** Containers that ignore SIGTERM: stop takes the whole timeout (not simulated: recorded) and exits 137. */
  readonly ignoresTerm = new Set<string>()
  #seq = 0
  #clockNs = BigInt(Date.now()) * 1_000_000n
  readonly #listeners = new Set<(e: RuntimeEvent) => void>()
  /** Streams ended by endEventStreams(), and whether new ones may open. */
  readonly #ended = new Set<(e: RuntimeEvent) => void>()
  #eventsDown = false

  /** Docker goes away (dockerd stopped): open event streams end, new ones fail until eventsBack(). */
  endEventStreams(): void {
    this.#eventsDown = true
    for (const l of this.#listeners) this.#ended.add(l)
    for (const wake of this.#wakes) wake()
  }

  /** Docker answers again: event streams open. */
  eventsBack(): void {
    this.#eventsDown = false
  }

  readonly #wakes = new Set<() => void>()

  /** A strictly increasing time: Docker's nanosecond stamps never tie. */
  #now(): { iso: string; ns: bigint } {
    const wall = BigInt(Date.now()) * 1_000_000n
    this.#clockNs = wall > this.#clockNs ? wall : this.#clockNs + 1000n
    const ms = Number(this.#clockNs / 1_000_000n)
    const frac = String(this.#clockNs % 1_000_000_000n).padStart(9, '0')
    return { iso: `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`, ns: this.#clockNs }
  }

  #emit(action: string, c: FakeContainer): void {
    const event: RuntimeEvent = { action, id: c.id, attributes: { ...c.labels, name: c.name }, timeNano: this.#now().ns }
    for (const l of this.#listeners) l(event)
  }

  byName(name: string): FakeContainer | undefined {
    return [...this.containers.values()].find((c) => c.name === name)
  }

  /** Containers whose name starts with `prefix` (e.g. `k8s_web_`), oldest first. */
  named(prefix: string): FakeContainer[] {
    return [...this.containers.values()].filter((c) => c.name.startsWith(prefix))
  }

  #get(id: string): FakeContainer {
    const c = this.containers.get(id) ?? this.byName(id)
    if (!c) throw new DockerError(404, `No such container: ${id}`)
    return c
  }

  // ── what dockerd or a person does on their own ───────────────────────────────────────────────

  /** The process exits by itself; Docker's restart policy decides what follows. */
  exit(id: string, exitCode: number): void {
    const c = this.#get(id)
    const restarts = c.restartPolicy === 'unless-stopped' || c.restartPolicy === 'always' || (c.restartPolicy === 'on-failure' && exitCode !== 0)
    c.exitCode = exitCode
    c.finishedAt = this.#now().iso
    c.state = restarts ? 'restarting' : 'exited'
    this.#emit('die', c)
  }

  /** Docker's restart policy brings a restarting container back. */
  restartByPolicy(id: string): void {
    const c = this.#get(id)
    c.state = 'running'
    c.exitCode = 0
    c.restartCount++
    c.startedAt = this.#now().iso
    this.#emit('start', c)
  }

  /** `docker kill`: the restart policy is cancelled, the container stays exited. */
  kill(id: string): void {
    const c = this.#get(id)
    c.state = 'exited'
    c.exitCode = 137
    c.finishedAt = this.#now().iso
    this.#emit('die', c)
  }

  /** `docker rm -f`. */
  removeByHand(id: string): void {
    const c = this.#get(id)
    this.containers.delete(c.id)
    this.#emit('destroy', c)
  }

  /** A container that was already on the node (made by an earlier run of the agent). */
  seed(options: ContainerCreateOptions, state: 'running' | 'exited' | 'created' = 'running'): FakeContainer {
    const id = this.#create(options)
    const c = this.#get(id)
    if (state !== 'created') {
      c.state = 'running'
      c.startedAt = this.#now().iso
    }
    if (state === 'exited') {
      c.state = 'exited'
      c.finishedAt = this.#now().iso
    }
    return c
  }

  // ── the contract ──────────────────────────────────────────────────────────────────────────────

  async listContainers(labels: string[]): Promise<ContainerSummary[]> {
    this.reads.push(`list ${labels.filter((l) => l.startsWith('io.kubernetes.pod.uid=')).join(' ') || 'all'}`)
    const wanted = labels.map((l) => l.split('=') as [string, string])
    return [...this.containers.values()]
      .filter((c) => wanted.every(([k, v]) => c.labels[k] === v))
      .map((c) => ({ id: c.id, name: c.name, labels: { ...c.labels }, state: c.state }))
  }

  async inspectContainer(id: string): Promise<DockerContainerInspect | null> {
    this.reads.push(`inspect ${this.containers.get(id)?.name ?? id}`)
    const c = this.containers.get(id) ?? this.byName(id)
    if (!c) return null
    const network = c.networkMode.startsWith('container:') ? {} : { [c.networkMode]: { IPAddress: c.state === 'running' ? c.ip : '', IPAMConfig: c.ip ? { IPv4Address: c.ip } : null } }
    return {
      Id: c.id,
      Name: `/${c.name}`,
      Created: c.created,
      RestartCount: c.restartCount,
      Image: `sha256:${c.image}`,
      State: {
        Status: c.state,
        Running: c.state === 'running',
        Restarting: c.state === 'restarting',
        OOMKilled: c.oomKilled,
        ExitCode: c.exitCode,
        Error: c.error,
        StartedAt: c.startedAt,
        FinishedAt: c.finishedAt,
      },
      Config: { Image: c.image, Labels: { ...c.labels } },
      HostConfig: { NetworkMode: c.networkMode },
      NetworkSettings: { Networks: network },
    }
  }

  #create(opts: ContainerCreateOptions): string {
    const name = opts.name ?? ''
    if (this.byName(name)) throw new DockerError(409, `Conflict. The container name "/${name}" is already in use`)
    const id = `${(++this.#seq).toString(16).padStart(4, '0')}${'f'.repeat(60)}`
    const ip = opts.NetworkingConfig?.EndpointsConfig ? (Object.values(opts.NetworkingConfig.EndpointsConfig)[0]?.IPAMConfig?.IPv4Address ?? '') : ''
    this.containers.set(id, {
      id,
      name,
      labels: { ...opts.Labels },
      image: opts.Image ?? '',
      state: 'created',
      exitCode: 0,
      error: '',
      oomKilled: false,
      created: this.#now().iso,
      startedAt: ZERO_TIME,
      finishedAt: ZERO_TIME,
      restartCount: 0,
      networkMode: opts.HostConfig?.NetworkMode ?? 'default',
      ip,
      restartPolicy: opts.HostConfig?.RestartPolicy?.Name ?? 'no',
      options: opts,
    })
    return id
  }

  async createContainer(opts: ContainerCreateOptions): Promise<string> {
    if (!this.images.has(opts.Image ?? '')) throw new DockerError(404, `No such image: ${opts.Image ?? ''}`)
    const id = this.#create(opts)
    this.calls.push(`create ${opts.name ?? ''}`)
    return id
  }

  async startContainer(id: string): Promise<void> {
    const c = this.#get(id)
    this.calls.push(`start ${c.name}`)
    if (c.state === 'running') return
    const joined = /^container:(.+)$/.exec(c.networkMode)?.[1]
    if (joined) {
      const owner = this.containers.get(joined) ?? this.byName(joined)
      if (owner?.state !== 'running') {
        c.error = `cannot join network of a non running container: ${joined}`
        c.exitCode = 128
        throw new DockerError(500, c.error)
      }
    }
    c.state = 'running'
    c.exitCode = 0
    c.error = ''
    c.startedAt = this.#now().iso
    this.#emit('start', c)
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(id) ?? this.byName(id)
    if (!c) return
    this.calls.push(`stop ${c.name} t=${timeoutSeconds}`)
    if (c.state !== 'running' && c.state !== 'restarting') return
    c.state = 'exited'
    c.exitCode = this.ignoresTerm.has(c.id) ? 137 : 143
    c.finishedAt = this.#now().iso
    this.#emit('die', c)
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id) ?? this.byName(id)
    if (!c) return
    this.calls.push(`remove ${c.name}`)
    this.containers.delete(c.id)
    this.#emit('destroy', c)
  }

  async inspectImage(ref: string): Promise<ImageInfo | null> {
    const name = ref.replace(/^sha256:/, '')
    return this.images.has(name) ? { id: `sha256:${name}`, repoDigests: [], user: '', size: 1234 } : null
  }

  async pullImage(ref: string): Promise<void> {
    this.calls.push(`pull ${ref}`)
    this.pullHandler(ref)
    this.images.add(ref)
  }

  async createVolume(opts: VolumeCreateOptions): Promise<{ name: string; mountpoint: string }> {
    const name = opts.Name ?? ''
    if (!this.volumes.has(name)) {
      this.volumes.set(name, { ...opts.Labels })
      this.calls.push(`volume ${name}`)
    }
    return { name, mountpoint: `/var/lib/docker/volumes/${name}/_data` }
  }

  async listVolumes(labels: string[]): Promise<string[]> {
    const wanted = labels.map((l) => l.split('=') as [string, string])
    return [...this.volumes.entries()].filter(([, l]) => wanted.every(([k, v]) => l[k] === v)).map(([n]) => n)
  }

  async removeVolume(name: string): Promise<void> {
    if (this.volumes.delete(name)) this.calls.push(`remove volume ${name}`)
  }

  async inspectNetwork(name: string): Promise<NetworkInfo | null> {
    return this.networks.get(name) ?? null
  }

  async createNetwork(opts: NetworkCreateOptions): Promise<void> {
    this.calls.push(`network ${opts.Name}`)
    this.networks.set(opts.Name, { id: opts.Name, subnets: (opts.IPAM?.Config ?? []).map((c) => c.Subnet ?? ''), labels: { ...opts.Labels } })
  }

  async removeNetwork(name: string): Promise<void> {
    this.networks.delete(name)
  }

  async exec(id: string, cmd: string[]): Promise<ExecOutput> {
    const c = this.#get(id)
    this.calls.push(`exec ${c.name} ${cmd.join(' ')}`)
    if (c.state !== 'running') throw new DockerError(409, `Container ${id} is not running`)
    return this.execHandler(c, cmd)
  }

  events(options: EventStreamOptions): AsyncIterable<RuntimeEvent> {
    const listeners = this.#listeners
    const ended = this.#ended
    const wakes = this.#wakes
    if (this.#eventsDown) throw new Error('(fake) Cannot connect to the Docker daemon')
    const wanted = options.labels.map((l) => l.split('=') as [string, string])
    return {
      [Symbol.asyncIterator](): AsyncIterator<RuntimeEvent> {
        const queue: RuntimeEvent[] = []
        let wake: (() => void) | undefined
        const listener = (e: RuntimeEvent): void => {
          if (!options.actions.includes(e.action) || !wanted.every(([k, v]) => e.attributes[k] === v)) return
          queue.push(e)
          wake?.()
        }
        listeners.add(listener)
        const onAbort = (): void => wake?.()
        options.signal.addEventListener('abort', onAbort)
        options.onOpen?.()
        return {
          async next(): Promise<IteratorResult<RuntimeEvent>> {
            for (;;) {
              if (options.signal.aborted || ended.has(listener)) {
                listeners.delete(listener)
                ended.delete(listener)
                return { done: true, value: undefined }
              }
              const e = queue.shift()
              if (e) return { done: false, value: e }
              await new Promise<void>((resolve) => {
                wake = resolve
                wakes.add(resolve)
              })
              if (wake) wakes.delete(wake)
              wake = undefined
            }
          },
          async return(): Promise<IteratorResult<RuntimeEvent>> {
            listeners.delete(listener)
            options.signal.removeEventListener('abort', onAbort)
            return { done: true, value: undefined }
          },
        }
      },
    }
  }
}

/** A node shell that records what it was asked to run and succeeds. */
export class FakeShell implements NodeShell {
  readonly runs: { argv: string[]; stdin?: string }[] = []
  async run(argv: readonly string[], options: { stdin?: string | Buffer }): Promise<ExecResult> {
    this.runs.push({ argv: [...argv], ...(options.stdin !== undefined ? { stdin: options.stdin.toString() } : {}) })
    return { code: 0, signal: null, stdout: '', stderr: '' }
  }
}

/** A dialer whose every connection is refused. */
export class FakeDialer implements NodeDialer {
  async dial(host: string, port: number): Promise<never> {
    throw new Error(`(SSH) Channel open failure: Connection refused (${host}:${port})`)
  }
}
