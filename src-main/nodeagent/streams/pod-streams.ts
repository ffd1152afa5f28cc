// Logs and exec for a pod, whichever door asks: find the pod through the API server (as the caller,
// so its rights apply), pick the container as kube-apiserver does, reach the pod's node's Docker
// engine through the resolver, find the container there by its labels, and open the stream.
// Every failure is an ApiError with the Status kube-apiserver or the kubelet would answer.

import type Docker from 'dockerode'
import type { Pod } from '../../api/types/pod.ts'
import type { PodExecOptions, PodLogOptions, PodRef } from '../../api/types/streams.ts'
import { normalizePodExecOptions, resolvePodContainer, validatePodLogOptions } from '../../api/validation/streams.ts'
import { ApiError, badRequest, forbidden, internalError, invalid, serviceUnavailable } from '../../apiserver/errors.ts'
import type { ApiServerVerbs, RequestContext } from '../../apiserver/types.ts'
import { DeadlineExceededError } from '../../util/deadline.ts'
import type { Logger } from '../../util/log.ts'
import { dockerCall } from '../docker/client.ts'
import type { DockerStreamName } from '../docker/demux.ts'
import { containerLogStream, openDockerLogs, type LogStream } from './docker-logs.ts'
import { startDockerExec, type ExecSession, type ExecSpec } from './exec-session.ts'
import { chooseExecContainer, chooseLogSource, findContainerRuns, laterTimestamp, statusWaitingReason, waitingMessage } from './locate.ts'
import type { NodeRuntimeResolver } from './types.ts'

export type { LogStream } from './docker-logs.ts'
export type { ExecOutcome, ExecSession } from './exec-session.ts'

export const DEFAULT_STREAM_CALL_TIMEOUT_MS = 10_000

export interface PodStreamsOptions {
  /** Read on every call: the API server exists only while the control plane runs. */
  api: () => ApiServerVerbs
  /** Read on every call; undefined until the machine controller provides one. */
  runtimes: () => NodeRuntimeResolver | undefined
  log: Logger
  /** Limit on each Docker call that looks a container up or opens a stream. */
  callTimeoutMs?: number
  /** How long an exec may still report running after its output ended (default 5 s). */
  exitWaitMs?: number
  /** Epoch ms, for sinceSeconds. */
  now?: () => number
}

/** An exec checked and located, ready to start (the REST door checks before it accepts a WebSocket). */
export interface PreparedExec {
  readonly nodeName: string
  readonly spec: ExecSpec
  readonly docker: Docker
}

export const POD_LOG_OPTIONS_KIND = { group: '', kind: 'PodLogOptions' }
const PODS = { group: '', resource: 'pods' }

/** Epoch ms as a Docker timestamp argument (`seconds.nanoseconds`). */
export function dockerTimestampFromMs(ms: number): string {
  const whole = Math.floor(ms)
  return `${Math.floor(whole / 1000)}.${String((whole % 1000) * 1_000_000).padStart(9, '0')}`
}

/** The earliest log time a request asks for, as a Docker timestamp. */
export function requestedSince(options: PodLogOptions, nowMs: number): string | undefined {
  if (options.sinceSeconds !== undefined) return dockerTimestampFromMs(nowMs - options.sinceSeconds * 1000)
  if (options.sinceTime !== undefined) {
    const ms = Date.parse(options.sinceTime)
    if (Number.isFinite(ms)) return dockerTimestampFromMs(ms)
  }
  return undefined
}

export class PodStreams {
  readonly #options: PodStreamsOptions
  readonly #callTimeoutMs: number
  readonly #now: () => number
  readonly #log: Logger

  constructor(options: PodStreamsOptions) {
    this.#options = options
    this.#callTimeoutMs = options.callTimeoutMs ?? DEFAULT_STREAM_CALL_TIMEOUT_MS
    this.#now = options.now ?? Date.now
    this.#log = options.log.child({ component: 'pod-streams' })
  }

  /** Opens container's log (GET pods/log); the caller reads `output` and closes the stream when it goes away. */
  async openLogs(ref: PodRef, options: PodLogOptions, ctx: RequestContext): Promise<LogStream> {
    const errors = validatePodLogOptions(options)
    if (errors.length) throw invalid(POD_LOG_OPTIONS_KIND, ref.name, errors)
    const pod = await this.#getPod(ref, ctx)
    const containerName = this.#container(pod, options.container)
    const target = { containerName, podName: ref.name }
    const waitingReason = statusWaitingReason(pod, containerName)
    const nodeName = pod.spec?.nodeName
    if (!nodeName) throw badRequest(waitingMessage(target, waitingReason ?? 'ContainerCreating'))
    const docker = this.#docker(nodeName, ref)
    const what = `container ${containerName} of pod ${ref.namespace}/${ref.name} on ${nodeName}`

    const runs = await this.#onNode(nodeName, () => findContainerRuns(docker, pod.metadata.uid ?? '', containerName, what, this.#callTimeoutMs))
    const source = chooseLogSource(runs, { ...target, previous: options.previous === true, ...(waitingReason ? { waitingReason } : {}) })
    if ('error' in source) throw badRequest(source.error)

    const since = laterTimestamp(source.since, requestedSince(options, this.#now()))
    const request = {
      follow: options.follow === true,
      timestamps: options.timestamps === true,
      ...(options.tailLines !== undefined ? { tail: options.tailLines } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(source.until !== undefined ? { until: source.until } : {}),
    }
    // The deadline covers opening (until Docker's answer starts); a followed log may then run for hours.
    const response = await this.#onNode(nodeName, () =>
      dockerCall(`open the log of ${what}`, this.#callTimeoutMs, (abortSignal) => openDockerLogs(docker, source.containerId, request, abortSignal)),
    )
    const log = { pod: `${ref.namespace}/${ref.name}`, container: containerName, node: nodeName, follow: request.follow }
    this.#log.debug('log stream opened', log)
    return containerLogStream(response, {
      tty: source.tty,
      what,
      ...(options.limitBytes !== undefined ? { limitBytes: options.limitBytes } : {}),
      onClose: () => this.#log.debug('log stream closed', log),
    })
  }

  /** Checks an exec request and finds its running container, without starting anything. */
  async prepareExec(ref: PodRef, options: PodExecOptions, ctx: RequestContext): Promise<PreparedExec> {
    if (ctx.user.readOnly) {
      const why = `User ${JSON.stringify(ctx.user.name)} cannot create resource "pods/exec" in API group "" in the namespace ${JSON.stringify(ref.namespace)}`
      throw forbidden(PODS, ref.name, why)
    }
    const normalized = normalizePodExecOptions(options)
    if ('error' in normalized) throw badRequest(normalized.error)
    const pod = await this.#getPod(ref, ctx)
    const containerName = this.#container(pod, normalized.options.container)
    const nodeName = pod.spec?.nodeName
    if (!nodeName) throw badRequest(`pod ${ref.name} does not have a host assigned`)
    const docker = this.#docker(nodeName, ref)
    const what = `container ${containerName} of pod ${ref.namespace}/${ref.name} on ${nodeName}`
    const runs = await this.#onNode(nodeName, () => findContainerRuns(docker, pod.metadata.uid ?? '', containerName, what, this.#callTimeoutMs))
    const waitingReason = statusWaitingReason(pod, containerName)
    const chosen = chooseExecContainer(runs, { containerName, podName: ref.name, ...(waitingReason ? { waitingReason } : {}) })
    if ('error' in chosen) throw badRequest(chosen.error)
    const { command, stdin, stdout, stderr, tty } = normalized.options
    return { nodeName, docker, spec: { containerId: chosen.containerId, command, stdin, stdout, stderr, tty, what } }
  }

  /** Starts a prepared exec; its output goes to `sink` in order until `done` settles. */
  async startExec(prepared: PreparedExec, sink: (stream: DockerStreamName, data: Buffer) => void): Promise<ExecSession> {
    const session = await this.#onNode(prepared.nodeName, () =>
      startDockerExec(
        prepared.docker,
        prepared.spec,
        sink,
        { callTimeoutMs: this.#callTimeoutMs, ...(this.#options.exitWaitMs !== undefined ? { exitWaitMs: this.#options.exitWaitMs } : {}) },
        this.#log,
      ),
    )
    this.#log.debug('exec started', { exec: prepared.spec.what, tty: prepared.spec.tty, stdin: prepared.spec.stdin })
    return session
  }

  /** prepareExec, then startExec. */
  async exec(ref: PodRef, options: PodExecOptions, ctx: RequestContext, sink: (stream: DockerStreamName, data: Buffer) => void): Promise<ExecSession> {
    return this.startExec(await this.prepareExec(ref, options, ctx), sink)
  }

  async #getPod(ref: PodRef, ctx: RequestContext): Promise<Pod> {
    return (await this.#options.api().get({ group: '', version: 'v1', resource: 'pods', namespace: ref.namespace, name: ref.name }, ctx)) as Pod
  }

  #container(pod: Pod, requested: string | undefined): string {
    const resolved = resolvePodContainer(pod, requested)
    if ('error' in resolved) throw badRequest(resolved.error)
    return resolved.name
  }

  #docker(nodeName: string, ref: PodRef): Docker {
    const runtimes = this.#options.runtimes()
    if (!runtimes) {
      throw serviceUnavailable(`cannot reach node ${JSON.stringify(nodeName)} for pod ${ref.namespace}/${ref.name}: this control plane has no node connections yet`)
    }
    const docker = runtimes.dockerFor(nodeName)
    if (!docker) throw serviceUnavailable(`cannot reach node ${JSON.stringify(nodeName)} for pod ${ref.namespace}/${ref.name}: the node is not connected`)
    return docker
  }

  /** Runs a Docker call, mapping failures: unanswered or unreachable → 503, Docker's own errors → 500. */
  async #onNode<T>(nodeName: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (err) {
      throw nodeError(nodeName, err)
    }
  }
}

/** The ApiError for a failed call to a node's Docker engine. */
export function nodeError(nodeName: string, err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof DeadlineExceededError) return serviceUnavailable(`node ${JSON.stringify(nodeName)} did not answer: ${err.message}`)
  // Docker answered with an error status (dockerode sets statusCode): the engine's own failure.
  if (typeof (err as { statusCode?: unknown } | null)?.statusCode === 'number') return internalError(err)
  const message = err instanceof Error ? err.message : String(err)
  return serviceUnavailable(`node ${JSON.stringify(nodeName)} is unreachable: ${message}`)
}
