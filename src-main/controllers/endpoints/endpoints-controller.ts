// The endpoints controller: keeps each Service's Endpoints and EndpointSlice matching the pods its
// selector picks. Handlers only enqueue `namespace/name` of the Services concerned; sync reads the
// informer caches, computes the desired objects (compute.ts) and writes only what differs. A
// Service without a selector keeps whatever Endpoints its user wrote.

import type { Endpoints, Service } from '../../api/types/core.ts'
import type { EndpointSlice } from '../../api/types/discovery.ts'
import type { Pod } from '../../api/types/pod.ts'
import { deepEqual } from '../../api/validation/meta.ts'
import { systemContext } from '../../apiserver/api-server.ts'
import { ApiError } from '../../apiserver/errors.ts'
import { RESOURCES, resourceRef } from '../../apiserver/resources.ts'
import type { ApiServerVerbs } from '../../apiserver/types.ts'
import type { Logger } from '../../util/log.ts'
import { objectKey, splitKey, type Informer } from '../informer.ts'
import type { ControllerContext, ManagedController } from '../manager.ts'
import { RetryQueue } from '../queue.ts'
import { desiredEndpoints, desiredEndpointSlice, MANAGED_BY, MANAGED_BY_LABEL, selectedPods } from './compute.ts'

export const ENDPOINTS_CONTROLLER = 'endpoints-controller'
const ctx = systemContext(ENDPOINTS_CONTROLLER)
const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.code === 404

export class EndpointsController implements ManagedController {
  readonly #api: ApiServerVerbs
  readonly #services: Informer<Service>
  readonly #pods: Informer<Pod>
  readonly #endpoints: Informer<Endpoints>
  readonly #slices: Informer<EndpointSlice>
  readonly #queue: RetryQueue

  constructor(context: ControllerContext) {
    this.#api = context.api
    const log: Logger = context.log
    this.#services = context.informers.informer<Service>(RESOURCES.services)
    this.#pods = context.informers.informer<Pod>(RESOURCES.pods)
    this.#endpoints = context.informers.informer<Endpoints>(RESOURCES.endpoints)
    this.#slices = context.informers.informer<EndpointSlice>(RESOURCES.endpointslices)
    this.#pods.addIndex('namespace', (p) => [p.metadata.namespace ?? ''])
    this.#services.addIndex('namespace', (s) => [s.metadata.namespace ?? ''])
    this.#queue = new RetryQueue({ handle: (key) => this.sync(key), log, baseDelayMs: 50, maxDelayMs: 5000 })
    const enqueue = (s: Service): void => this.#queue.add(objectKey(s))
    this.#services.addHandlers({ add: enqueue, update: (_, s) => enqueue(s), delete: enqueue })
    const podChanged = (a: Pod, b?: Pod): void => {
      for (const svc of this.#services.byIndex('namespace', a.metadata.namespace ?? '')) {
        if (selectedPods(svc, b ? [a, b] : [a]).length) enqueue(svc)
      }
    }
    this.#pods.addHandlers({ add: (p) => podChanged(p), update: (a, b) => a !== b && podChanged(a, b), delete: (p) => podChanged(p) })
    // Someone else changed our objects: put them back.
    const ours = (o: Endpoints | EndpointSlice): void => {
      if (this.#services.get(objectKey(o))) this.#queue.add(objectKey(o))
    }
    this.#endpoints.addHandlers({ update: (a, b) => a !== b && ours(b), delete: ours })
    this.#slices.addHandlers({ update: (a, b) => a !== b && ours(b), delete: ours })
  }

  async start(): Promise<void> {
    this.#queue.start()
  }

  async stop(): Promise<void> {
    await this.#queue.stop()
  }

  /** Never called concurrently (one worker). */
  async sync(key: string): Promise<void> {
    const { namespace = '', name } = splitKey(key)
    const svc = this.#services.get(key)
    if (!svc) {
      // The Service is gone: its Endpoints go too (the slice is owned by it; the GC takes it).
      if (this.#endpoints.get(key)) await this.#delete(resourceRef(RESOURCES.endpoints, namespace, name))
      return
    }
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) return
    const pods = this.#pods.byIndex('namespace', namespace)
    const endpoints = desiredEndpoints(svc, pods)
    const current = this.#endpoints.get(key)
    if (!current || !deepEqual(current.subsets ?? [], endpoints.subsets ?? []) || !deepEqual(current.metadata.labels ?? {}, endpoints.metadata.labels ?? {})) {
      const body = { ...endpoints, metadata: { ...current?.metadata, ...endpoints.metadata, ...(current ? { resourceVersion: current.metadata.resourceVersion } : {}) } }
      if (!endpoints.metadata.labels) delete body.metadata.labels
      await this.#api.update(resourceRef(RESOURCES.endpoints, namespace, name), body, ctx)
    }
    const slice = desiredEndpointSlice(svc, pods)
    const currentSlice = this.#slices.get(key)
    if (!currentSlice) {
      await this.#api.create(resourceRef(RESOURCES.endpointslices, namespace), slice, ctx)
    } else if (currentSlice.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) {
      const same =
        deepEqual(currentSlice.endpoints ?? [], slice.endpoints) &&
        deepEqual(currentSlice.ports ?? [], slice.ports ?? []) &&
        deepEqual(currentSlice.metadata.labels ?? {}, slice.metadata.labels ?? {})
      if (!same) {
        const body = { ...slice, metadata: { ...currentSlice.metadata, labels: slice.metadata.labels, ownerReferences: slice.metadata.ownerReferences } }
        await this.#api.update(resourceRef(RESOURCES.endpointslices, namespace, name), body, ctx)
      }
    }
  }

  async #delete(ref: ReturnType<typeof resourceRef>): Promise<void> {
    try {
      await this.#api.delete(ref, {}, ctx)
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
  }
}

export function endpointsController(context: ControllerContext): ManagedController {
  return new EndpointsController(context)
}
