// Images for a pod's containers as the kubelet's image manager provides them: imagePullPolicy
// Never / IfNotPresent / Always, events `Pulling`, `Pulled`, `Failed`, `BackOff`, and a failed
// pull backing off per pod and image (10 s doubling to 5 min) — ErrImagePull first, then
// ImagePullBackOff while waiting. Concurrent pulls of one image share one pull.

import type { Container, Pod } from '../../api/types/pod.ts'
import { defaultPullPolicy } from '../../api/defaults/pod.ts'
import type { EventRecorder } from '../../apiserver/events.ts'
import type { ObjectReference } from '../../api/types/core.ts'
import type { Logger } from '../../util/log.ts'
import type { ContainerWaiting } from '../pods/pod-status.ts'
import { KeyedBackoff } from './backoff.ts'
import { dockerMessage, type ContainerRuntime, type ImageInfo } from './runtime.ts'


/** How long ErrImagePull stands before the next pass says ImagePullBackOff. */
const ERR_IMAGE_PULL_SHOWN_MS = 1000
export const REASON_PULLING = 'Pulling'
export const REASON_PULLED = 'Pulled'
export const REASON_FAILED = 'Failed'
export const REASON_BACK_OFF = 'BackOff'
export const REASON_ERR_IMAGE_NEVER_PULL = 'ErrImageNeverPull'
export const ERR_IMAGE_PULL = 'ErrImagePull'
export const IMAGE_PULL_BACK_OFF = 'ImagePullBackOff'

export type ImageOutcome =
  | { ok: true; image: ImageInfo }
  | { ok: false; waiting: ContainerWaiting; retryAfterMs: number }

export class ImageManager {
  readonly #runtime: ContainerRuntime
  readonly #recorder: EventRecorder
  readonly #log: Logger
  readonly #backoff: KeyedBackoff
  readonly #pulls = new Map<string, Promise<void>>()

  constructor(runtime: ContainerRuntime, recorder: EventRecorder, log: Logger, backoff = new KeyedBackoff()) {
    this.#runtime = runtime
    this.#recorder = recorder
    this.#log = log
    this.#backoff = backoff
  }

  /** Makes sure `image` is on the node as `policy` says; events go to `ref`. */
  async ensure(pod: Pod, container: Pick<Container, 'image' | 'imagePullPolicy'>, ref: ObjectReference): Promise<ImageOutcome> {
    const image = container.image ?? ''
    const policy = container.imagePullPolicy ?? defaultPullPolicy(image)
    const present = policy === 'Always' ? null : await this.#runtime.inspectImage(image)
    if (present) {
      this.#recorder.event(ref, 'Normal', REASON_PULLED, `Container image "${image}" already present on machine`)
      return { ok: true, image: present }
    }
    if (policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`
      this.#recorder.event(ref, 'Warning', REASON_ERR_IMAGE_NEVER_PULL, message)
      return { ok: false, waiting: { reason: REASON_ERR_IMAGE_NEVER_PULL, message }, retryAfterMs: 10_000 }
    }
    const key = `${pod.metadata.uid ?? ''}/${image}`
    const waitMs = this.#backoff.remainingSinceUpdate(key)
    if (waitMs > 0) {
      const message = `Back-off pulling image "${image}"`
      this.#recorder.event(ref, 'Normal', REASON_BACK_OFF, message)
      this.#recorder.event(ref, 'Warning', REASON_FAILED, `Error: ${IMAGE_PULL_BACK_OFF}`)
      return { ok: false, waiting: { reason: IMAGE_PULL_BACK_OFF, message }, retryAfterMs: waitMs }
    }
    this.#recorder.event(ref, 'Normal', REASON_PULLING, `Pulling image "${image}"`)
    const started = Date.now()
    try {
      await this.#pull(image)
      const info = await this.#runtime.inspectImage(image)
      if (!info) throw new Error(`image ${image} is not on the node after pulling it`)
      const seconds = ((Date.now() - started) / 1000).toFixed(3)
      this.#recorder.event(ref, 'Normal', REASON_PULLED, `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting). Image size: ${info.size} bytes.`)
      return { ok: true, image: info }
    } catch (err) {
      const reason = dockerMessage(err)
      this.#backoff.next(key, Date.now())
      this.#recorder.event(ref, 'Warning', REASON_FAILED, `Failed to pull image "${image}": ${reason}`)
      this.#recorder.event(ref, 'Warning', REASON_FAILED, `Error: ${ERR_IMAGE_PULL}`)
      // Look again soon: that pass reports ImagePullBackOff for the rest of the back-off, as the kubelet does.
      const retryAfterMs = Math.min(ERR_IMAGE_PULL_SHOWN_MS, this.#backoff.remainingSinceUpdate(key))
      return { ok: false, waiting: { reason: ERR_IMAGE_PULL, message: `Failed to pull image "${image}": ${reason}` }, retryAfterMs }
    }
  }

  /** The pod's back-off entries can go with it. */
  forget(uid: string): void {
    this.#backoff.forgetPrefix(`${uid}/`)
  }

  #pull(image: string): Promise<void> {
    let pull = this.#pulls.get(image)
    if (!pull) {
      pull = this.#runtime
        .pullImage(image, (p) => this.#log.debug('pulling', { image, status: p.status, layer: p.id }))
        .finally(() => this.#pulls.delete(image))
      this.#pulls.set(image, pull)
    }
    return pull
  }
}
