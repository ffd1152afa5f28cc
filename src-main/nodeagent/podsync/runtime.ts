// What pod sync needs from a node's container engine, as one narrow interface: list, inspect,
// create, start, stop, remove, exec, images, volumes, the pod network and the event stream. The
// Docker implementation puts a deadline on every call (a dead link must fail a call, never hang
// it); unit tests use a fake (testing/fake-runtime.ts) with the same contract.

import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import { dockerCall } from '../docker/client.ts'
import { demuxDockerStream } from '../docker/demux.ts'
import type { ContainerCreateOptions, NetworkCreateOptions, VolumeCreateOptions } from '../pods/container-spec.ts'
import type { DockerContainerInspect } from '../pods/docker-inspect.ts'

/** One line of `GET /containers/json`. */
export interface ContainerSummary {
  id: string
  /** Without Docker's leading `/`. */
  name: string
  labels: Record<string, string>
  state: string
}

export interface ImageInfo {
  id: string
  repoDigests: string[]
  /** The image's configured user (`""` = root). */
  user: string
  /** Bytes. */
  size: number
}

export interface ExecOutput {
  exitCode: number
  stdout: string
  stderr: string
}

export interface NetworkInfo {
  id: string
  subnets: string[]
  labels: Record<string, string>
}

/** A container event from Docker's event stream. */
export interface RuntimeEvent {
  action: string
  /** The container's ID. */
  id: string
  attributes: Record<string, string>
  /** Nanoseconds since the epoch, as Docker gives it (for resuming the stream with `since`). */
  timeNano: bigint
}

export interface EventStreamOptions {
  labels: string[]
  actions: string[]
  sinceNano?: bigint
  signal: AbortSignal
  /** Called once the stream is open (before any event). */
  onOpen?: () => void
}

export interface PullProgress {
  status?: string
  id?: string
}

export interface ContainerRuntime {
  /** Every container (running or not) carrying all of `labels` (`key=value`). */
  listContainers(labels: string[]): Promise<ContainerSummary[]>
  /** null when the container does not exist (any more). */
  inspectContainer(id: string): Promise<DockerContainerInspect | null>
  /** Returns the new container's ID; a name in use fails with a 409 (`isConflict`). */
  createContainer(options: ContainerCreateOptions): Promise<string>
  startContainer(id: string): Promise<void>
  /** SIGTERM (the image's stop signal), SIGKILL after `timeoutSeconds`; fine if already stopped or gone. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>
  /** Force-removes (kills first if running); fine if gone. */
  removeContainer(id: string): Promise<void>
  /** null when the image is not on the node. */
  inspectImage(ref: string): Promise<ImageInfo | null>
  pullImage(ref: string, onProgress?: (p: PullProgress) => void): Promise<void>
  /** Creates the volume (or finds the existing one of that name); answers its mountpoint on the node. */
  createVolume(options: VolumeCreateOptions): Promise<{ name: string; mountpoint: string }>
  listVolumes(labels: string[]): Promise<string[]>
  /** Fine if gone. */
  removeVolume(name: string): Promise<void>
  inspectNetwork(name: string): Promise<NetworkInfo | null>
  createNetwork(options: NetworkCreateOptions): Promise<void>
  removeNetwork(name: string): Promise<void>
  /** Runs `cmd` in a running container; fails with a DeadlineExceededError after `timeoutMs`. */
  exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecOutput>
  /**
   * Container events carrying all of `labels`, for `actions` only, from `sinceNano` on (or from
   * now). Ends when the stream breaks (daemon restart, dropped link) or `signal` aborts.
   */
  events(options: EventStreamOptions): AsyncIterable<RuntimeEvent>
}

/** The HTTP status of a failed Docker call (dockerode puts it on the error), if any. */
export function dockerStatusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode
  return typeof code === 'number' ? code : undefined
}

export const isNotFound = (err: unknown): boolean => dockerStatusOf(err) === 404
export const isConflict = (err: unknown): boolean => dockerStatusOf(err) === 409

/** Docker's message for a failed call, without dockerode's "(HTTP code 409) conflict - " prefix. */
export function dockerMessage(err: unknown): string {
  const json = (err as { json?: { message?: unknown } } | null)?.json
  if (json && typeof json.message === 'string') return json.message
  return err instanceof Error ? err.message : String(err)
}

export interface DockerRuntimeOptions {
  /** Names the node in errors. */
  node: string
  /** Deadline of an ordinary call. Default 10 s. */
  callTimeoutMs?: number
  /** Deadline of an image pull. Default 10 min. */
  pullTimeoutMs?: number
}

/** A runtime over a Dockerode (over SSH, or a local engine). */
export function dockerRuntime(docker: Docker, options: DockerRuntimeOptions): ContainerRuntime {
  const node = options.node
  const timeout = options.callTimeoutMs ?? 10_000
  const labelFilter = (labels: string[]): string => JSON.stringify({ label: labels })
  const call = <T>(what: string, fn: (signal: AbortSignal) => Promise<T>, ms = timeout): Promise<T> =>
    dockerCall(`${what} on ${node}`, ms, fn).catch((err: unknown) => {
      if (dockerStatusOf(err) !== undefined) throw err
      throw err instanceof Error && err.message.includes(node) ? err : new Error(`${what} on ${node}: ${dockerMessage(err)}`, { cause: err })
    })

  return {
    async listContainers(labels) {
      const list = await call('list containers', (abortSignal) => docker.listContainers({ all: true, filters: labelFilter(labels), abortSignal } as Docker.ContainerListOptions))
      return list.map((c) => ({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), labels: c.Labels ?? {}, state: c.State }))
    },

    async inspectContainer(id) {
      try {
        return (await call(`inspect container ${id.slice(0, 12)}`, (abortSignal) => docker.getContainer(id).inspect({ abortSignal } as object))) as DockerContainerInspect
      } catch (err) {
        if (isNotFound(err)) return null
        throw err
      }
    },

    async createContainer(opts) {
      const created = await call(`create container ${opts.name ?? ''}`, (abortSignal) => docker.createContainer({ ...opts, abortSignal } as ContainerCreateOptions))
      return created.id
    },

    async startContainer(id) {
      try {
        await call(`start container ${id.slice(0, 12)}`, (abortSignal) => docker.getContainer(id).start({ abortSignal } as object))
      } catch (err) {
        if (dockerStatusOf(err) === 304) return
        throw err
      }
    },

    async stopContainer(id, timeoutSeconds) {
      const t = Math.max(0, Math.ceil(timeoutSeconds))
      try {
        await call(`stop container ${id.slice(0, 12)}`, (abortSignal) => docker.getContainer(id).stop({ t, abortSignal } as object), t * 1000 + timeout)
      } catch (err) {
        if (dockerStatusOf(err) === 304 || isNotFound(err)) return
        throw err
      }
    },

    async removeContainer(id) {
      try {
        await call(`remove container ${id.slice(0, 12)}`, (abortSignal) => docker.getContainer(id).remove({ force: true, v: true, abortSignal } as object))
      } catch (err) {
        // 409: removal already in progress (someone else is removing it).
        if (isNotFound(err) || isConflict(err)) return
        throw err
      }
    },

    async inspectImage(ref) {
      try {
        const info = await call(`inspect image ${ref}`, (abortSignal) => docker.getImage(ref).inspect({ abortSignal } as object))
        return { id: info.Id, repoDigests: info.RepoDigests ?? [], user: info.Config?.User ?? '', size: info.Size ?? 0 }
      } catch (err) {
        if (isNotFound(err)) return null
        throw err
      }
    },

    async pullImage(ref, onProgress) {
      await call(
        `pull image ${ref}`,
        async (abortSignal) => {
          const stream = (await docker.pull(ref, { abortSignal })) as Readable
          let failure: string | undefined
          for await (const line of jsonLines(stream)) {
            try {
              const progress = JSON.parse(line) as PullProgress & { error?: string }
              if (progress.error) failure ??= progress.error
              else onProgress?.(progress)
            } catch {
              // A garbled progress line says nothing we need.
            }
          }
          if (failure) throw new Error(failure)
        },
        options.pullTimeoutMs ?? 600_000,
      )
    },

    async createVolume(opts) {
      const volume = await call(`create volume ${opts.Name ?? ''}`, (abortSignal) => docker.createVolume({ ...opts, abortSignal } as VolumeCreateOptions))
      const info = volume as unknown as { Name?: string; Mountpoint?: string; name?: string }
      let mountpoint = info.Mountpoint
      const name = info.Name ?? opts.Name ?? ''
      if (!mountpoint) {
        const inspected = (await call(`inspect volume ${name}`, (abortSignal) => docker.getVolume(name).inspect({ abortSignal } as object))) as { Mountpoint: string }
        mountpoint = inspected.Mountpoint
      }
      return { name, mountpoint }
    },

    async listVolumes(labels) {
      const answer = await call('list volumes', (abortSignal) => docker.listVolumes({ filters: labelFilter(labels), abortSignal } as object))
      return (answer.Volumes ?? []).map((v) => v.Name)
    },

    async removeVolume(name) {
      try {
        await call(`remove volume ${name}`, (abortSignal) => docker.getVolume(name).remove({ abortSignal } as object))
      } catch (err) {
        if (isNotFound(err)) return
        throw err
      }
    },

    async inspectNetwork(name) {
      try {
        const info = (await call(`inspect network ${name}`, () => docker.getNetwork(name).inspect())) as Docker.NetworkInspectInfo
        return { id: info.Id, subnets: (info.IPAM?.Config ?? []).map((c) => c.Subnet ?? '').filter(Boolean), labels: info.Labels ?? {} }
      } catch (err) {
        if (isNotFound(err)) return null
        throw err
      }
    },

    async createNetwork(opts) {
      await call(`create network ${opts.Name}`, (abortSignal) => docker.createNetwork({ ...opts, abortSignal } as NetworkCreateOptions))
    },

    async removeNetwork(name) {
      try {
        await call(`remove network ${name}`, (abortSignal) => docker.getNetwork(name).remove({ abortSignal } as object))
      } catch (err) {
        if (isNotFound(err)) return
        throw err
      }
    },

    async exec(id, cmd, timeoutMs) {
      return call(
        `exec in container ${id.slice(0, 12)}`,
        async (abortSignal) => {
          const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, abortSignal } as Docker.ExecCreateOptions)
          const stream = (await exec.start({ abortSignal } as Docker.ExecStartOptions)) as Readable
          const chunks: Buffer[] = []
          await new Promise<void>((resolve, reject) => {
            abortSignal.addEventListener('abort', () => stream.destroy(), { once: true })
            stream.on('data', (chunk: Buffer) => chunks.push(chunk))
            stream.on('end', resolve)
            stream.on('close', resolve)
            stream.on('error', reject)
          })
          const { stdout, stderr } = demuxDockerStream(Buffer.concat(chunks))
          const info = await exec.inspect({ abortSignal } as object)
          return { exitCode: info.ExitCode ?? -1, stdout, stderr }
        },
        timeoutMs,
      )
    },

    events({ labels, actions, sinceNano, signal, onOpen }) {
      return dockerEvents(docker, node, timeout, { label: labels, type: ['container'], event: actions }, sinceNano, signal, onOpen)
    },
  }
}

interface DockerEventMessage {
  Type?: string
  Action?: string
  status?: string
  id?: string
  Actor?: { ID?: string; Attributes?: Record<string, string> }
  timeNano?: number | string
  time?: number
}

async function* dockerEvents(
  docker: Docker,
  node: string,
  openTimeoutMs: number,
  filters: Record<string, string[]>,
  sinceNano: bigint | undefined,
  signal: AbortSignal,
  onOpen: (() => void) | undefined,
): AsyncIterable<RuntimeEvent> {
  const query: Record<string, unknown> = { filters: JSON.stringify(filters), abortSignal: signal }
  // Docker takes `since` as seconds with a nanosecond fraction.
  if (sinceNano !== undefined) query.since = `${sinceNano / 1_000_000_000n}.${String(sinceNano % 1_000_000_000n).padStart(9, '0')}`
  const stream = (await dockerCall(`open the event stream on ${node}`, openTimeoutMs, () => docker.getEvents(query))) as Readable
  const abort = (): void => {
    stream.destroy()
  }
  signal.addEventListener('abort', abort, { once: true })
  if (signal.aborted) stream.destroy()
  onOpen?.()
  try {
    for await (const line of jsonLines(stream)) {
      let message: DockerEventMessage
      try {
        message = JSON.parse(line) as DockerEventMessage
      } catch {
        continue
      }
      const id = message.Actor?.ID ?? message.id ?? ''
      const timeNano = message.timeNano !== undefined ? BigInt(message.timeNano) : BigInt(message.time ?? 0) * 1_000_000_000n
      yield { action: message.Action ?? message.status ?? '', id, attributes: message.Actor?.Attributes ?? {}, timeNano }
    }
  } finally {
    signal.removeEventListener('abort', abort)
    stream.destroy()
  }
}

/**
 * The non-empty lines of a stream of JSON lines. Iterating the stream itself (not readline) makes
 * a stream that breaks without ending — a dropped SSH channel — end the loop with an error.
 */
async function* jsonLines(stream: Readable): AsyncIterable<string> {
  let buffer = ''
  for await (const chunk of stream) {
    buffer += (chunk as Buffer).toString('utf8')
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim()
      buffer = buffer.slice(nl + 1)
      if (line) yield line
    }
  }
  if (buffer.trim()) yield buffer.trim()
}
