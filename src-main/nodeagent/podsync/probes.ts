// Liveness, readiness and startup probes with the kubelet's timing (prober/worker.go): one worker
// per running container and probe, probing at once and then every periodSeconds; nothing counts
// before initialDelaySeconds after the container started; a result flips only after
// successThreshold / failureThreshold consecutive runs; readiness and liveness wait for a startup
// probe to succeed. Readiness starts false, liveness true. A failed liveness or startup probe is
// reported once (the agent restarts the container) and the worker holds until the container is
// replaced. Every failed run is an `Unhealthy` event.

import type { Container, Pod, Probe } from '../../api/types/pod.ts'
import type { EventRecorder } from '../../apiserver/events.ts'
import { referenceTo } from '../../apiserver/events.ts'
import type { Logger } from '../../util/log.ts'
import type { ProbeResults } from '../pods/pod-status.ts'
import type { ActionResult, ActionRunner, ActionTarget } from './handlers.ts'

export type ProbeKind = 'liveness' | 'readiness' | 'startup'

const KIND_WORD: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' }
export const REASON_UNHEALTHY = 'Unhealthy'

/** A running container to probe. */
export interface ProbeTarget {
  container: Container
  containerId: string
  /** When Docker started it (ms since the epoch). */
  startedAtMs: number
  podIP: string
}

export interface ProbeManagerOptions {
  runner: Pick<ActionRunner, 'exec' | 'httpGet' | 'tcpSocket'>
  recorder: EventRecorder
  log: Logger
  /** A probe result changed: the pod's status needs computing again. */
  onChange(uid: string): void
  /** A liveness or startup probe failed for good: the container must be restarted. */
  onUnhealthy(uid: string, containerId: string, kind: ProbeKind, message: string): void
  /** Milliseconds per probe second (tests shrink it). Default 1000. */
  secondMs?: number
  now?: () => number
}

export function runProbe(runner: ProbeManagerOptions['runner'], probe: Probe, target: ActionTarget, timeoutMs: number): Promise<ActionResult> {
  if (probe.exec) return runner.exec(probe.exec, target, timeoutMs)
  if (probe.httpGet) return runner.httpGet(probe.httpGet, target, timeoutMs)
  if (probe.tcpSocket) return runner.tcpSocket(probe.tcpSocket, target, timeoutMs)
  return Promise.resolve({ ok: false, output: 'probe has no action' })
}

class ProbeWorker {
  readonly kind: ProbeKind
  readonly #probe: Probe
  readonly #target: ProbeTarget
  readonly #pod: Pod
  readonly #options: ProbeManagerOptions
  readonly #isStarted: () => boolean
  readonly #changed: () => void
  #timer: NodeJS.Timeout | undefined
  #stopped = false
  #lastResult: boolean | undefined
  #resultRun = 0
  #onHold = false
  /** The reported result. */
  value: boolean

  constructor(kind: ProbeKind, probe: Probe, pod: Pod, target: ProbeTarget, options: ProbeManagerOptions, isStarted: () => boolean, changed: () => void) {
    this.kind = kind
    this.#probe = probe
    this.#pod = pod
    this.#target = target
    this.#options = options
    this.#isStarted = isStarted
    this.#changed = changed
    this.value = kind === 'liveness'
  }

  start(): void {
    this.#schedule(0)
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
  }

  #schedule(ms: number): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => void this.#tick(), ms)
  }

  async #tick(): Promise<void> {
    const secondMs = this.#options.secondMs ?? 1000
    try {
      await this.#probeOnce(secondMs)
    } catch (err) {
      this.#options.log.warn('probe failed to run', { kind: this.kind, container: this.#target.container.name, err })
    }
    this.#schedule((this.#probe.periodSeconds ?? 10) * secondMs)
  }

  async #probeOnce(secondMs: number): Promise<void> {
    if (this.#onHold) return
    const now = (this.#options.now ?? Date.now)()
    if (this.kind === 'startup' && this.value) return
    if (this.kind !== 'startup' && this.#target.container.startupProbe && !this.#isStarted()) return
    if (now - this.#target.startedAtMs < (this.#probe.initialDelaySeconds ?? 0) * secondMs) return
    const { container, containerId, podIP } = this.#target
    const result = await runProbe(this.#options.runner, this.#probe, { container, containerId, podIP }, (this.#probe.timeoutSeconds ?? 1) * secondMs)
    if (this.#stopped) return
    if (!result.ok) {
      const ref = referenceTo(this.#pod, `spec.containers{${container.name}}`)
      this.#options.recorder.event(ref, 'Warning', REASON_UNHEALTHY, `${KIND_WORD[this.kind]} probe failed: ${result.output.trim()}`)
    }
    if (result.ok === this.#lastResult) this.#resultRun++
    else {
      this.#lastResult = result.ok
      this.#resultRun = 1
    }
    const threshold = result.ok ? (this.#probe.successThreshold ?? 1) : (this.#probe.failureThreshold ?? 3)
    if (this.#resultRun < threshold) return
    const changed = this.value !== result.ok
    this.value = result.ok
    if (changed) this.#changed()
    if (!result.ok && this.kind !== 'readiness') {
      this.#onHold = true
      this.#resultRun = 0
      this.#options.onUnhealthy(this.#pod.metadata.uid ?? '', containerId, this.kind, result.output.trim())
    }
  }
}

interface ContainerProbes {
  containerId: string
  workers: ProbeWorker[]
}

export class ProbeManager {
  readonly #options: ProbeManagerOptions
  /** uid → container name → the probes of its current container. */
  readonly #pods = new Map<string, Map<string, ContainerProbes>>()

  constructor(options: ProbeManagerOptions) {
    this.#options = options
  }

  /**
   * The pod's running app containers: workers start for new ones and stop for those gone or
   * replaced (a replaced container starts over: not ready, not started).
   */
  update(pod: Pod, running: readonly ProbeTarget[]): void {
    const uid = pod.metadata.uid ?? ''
    const byName = this.#pods.get(uid) ?? new Map<string, ContainerProbes>()
    const wanted = new Map(running.filter((t) => hasProbes(t.container)).map((t) => [t.container.name, t]))
    for (const [name, probes] of byName) {
      if (wanted.get(name)?.containerId === probes.containerId) continue
      for (const w of probes.workers) w.stop()
      byName.delete(name)
    }
    for (const [name, target] of wanted) {
      if (byName.has(name)) continue
      const entry: ContainerProbes = { containerId: target.containerId, workers: [] }
      const isStarted = (): boolean => entry.workers.find((w) => w.kind === 'startup')?.value ?? true
      const changed = (): void => this.#options.onChange(uid)
      const c = target.container
      if (c.startupProbe) entry.workers.push(new ProbeWorker('startup', c.startupProbe, pod, target, this.#options, isStarted, changed))
      if (c.readinessProbe) entry.workers.push(new ProbeWorker('readiness', c.readinessProbe, pod, target, this.#options, isStarted, changed))
      if (c.livenessProbe) entry.workers.push(new ProbeWorker('liveness', c.livenessProbe, pod, target, this.#options, isStarted, changed))
      byName.set(name, entry)
      for (const w of entry.workers) w.start()
    }
    if (byName.size) this.#pods.set(uid, byName)
    else this.#pods.delete(uid)
  }

  /** What the probes say about each probed container of the pod, for computePodStatus. */
  results(uid: string): Record<string, ProbeResults> {
    const out: Record<string, ProbeResults> = {}
    for (const [name, probes] of this.#pods.get(uid) ?? []) {
      const r: ProbeResults = {}
      for (const w of probes.workers) {
        if (w.kind === 'readiness') r.ready = w.value
        if (w.kind === 'startup') r.started = w.value
      }
      out[name] = r
    }
    return out
  }

  remove(uid: string): void {
    for (const probes of this.#pods.get(uid)?.values() ?? []) for (const w of probes.workers) w.stop()
    this.#pods.delete(uid)
  }

  stop(): void {
    for (const uid of [...this.#pods.keys()]) this.remove(uid)
  }
}

function hasProbes(c: Container): boolean {
  return !!(c.livenessProbe || c.readinessProbe || c.startupProbe)
}
