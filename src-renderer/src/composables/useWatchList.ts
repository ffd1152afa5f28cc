// A live collection: lists the resource, then watches from the list's resourceVersion and applies
// each change by uid, so a view shows the cluster as it is without polling. The transport keeps the
// watch alive (reconnects; on 410 it relists and the list replaces what is held here). Follows its
// arguments when they are refs or getters (another namespace, another selector: start over), and
// stops watching when the component unmounts.

import { computed, getCurrentInstance, getCurrentScope, onScopeDispose, onUnmounted, readonly, ref, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref, type ShallowRef } from 'vue'
import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import { ApiError, failureStatus, isRetryable } from '../transport/api-error.ts'
import { useTransport, type ResourceRef, type Transport } from '../transport/index.ts'
import { defaultRetryDelayMs } from '../transport/watch.ts'

export interface WatchListSelectors {
  labelSelector?: string
  fieldSelector?: string
}

export interface WatchListOptions extends WatchListSelectors {
  /** Defaults to the one provided at start-up. */
  transport?: Transport
}

export interface WatchListState<T extends KubeObject> {
  /** The objects, sorted by namespace then name; replaced (never mutated) on every change. */
  items: Readonly<ShallowRef<readonly T[]>>
  /** Why the list is not live: the list failed, or the watch failed (and is maybe retrying). */
  error: Readonly<ShallowRef<ApiError | null>>
  /** True until the first list has arrived (or failed). */
  loading: Readonly<Ref<boolean>>
}

/** Identity of an object across its versions: its uid (namespace/name if it has none). */
export function objectKey(object: KubeObject): string {
  return object.metadata.uid ?? `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`
}

export function compareObjects(a: KubeObject, b: KubeObject): number {
  return (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')
}

function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  return new ApiError(failureStatus(500, 'InternalError', err instanceof Error ? err.message : String(err)), 'failed', { cause: err })
}

/** `ref` null: nothing to show (yet), e.g. while a namespace is being chosen. */
export function useWatchList<T extends KubeObject = KubeObject>(
  resource: MaybeRefOrGetter<ResourceRef | null>,
  options: MaybeRefOrGetter<WatchListOptions> = {},
): WatchListState<T> {
  const transport = toValue(options).transport ?? useTransport()
  const items = shallowRef<readonly T[]>([])
  const error = shallowRef<ApiError | null>(null)
  const loading = ref(true)
  const byKey = new Map<string, T>()

  let generation = 0
  let stopWatch: (() => void) | null = null
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  const publish = (): void => {
    items.value = [...byKey.values()].sort(compareObjects)
  }
  const replace = (objects: readonly T[]): void => {
    byKey.clear()
    for (const object of objects) byKey.set(objectKey(object), object)
    publish()
  }

  const stop = (): void => {
    generation++
    clearTimeout(retryTimer)
    retryTimer = undefined
    stopWatch?.()
    stopWatch = null
  }

  const start = async (target: ResourceRef | null, selectors: WatchListSelectors, attempt = 0): Promise<void> => {
    const mine = generation
    if (!target) {
      replace([])
      loading.value = false
      return
    }
    let list
    try {
      list = await transport.list<T>(target, selectors)
    } catch (err) {
      if (mine !== generation) return
      const failure = asApiError(err)
      error.value = failure
      loading.value = false
      // An outage heals by waiting; a refusal (forbidden, bad selector) does not.
      if (isRetryable(failure)) retryTimer = setTimeout(() => void start(target, selectors, attempt + 1), defaultRetryDelayMs(attempt + 1))
      return
    }
    if (mine !== generation) return
    replace(list.items)
    error.value = null
    loading.value = false
    stopWatch = transport.watch<T>(target, { ...selectors, resourceVersion: list.metadata.resourceVersion }, (update) => {
      if (mine !== generation) return
      switch (update.type) {
        case 'OPEN':
          error.value = null
          return
        case 'ADDED':
        case 'MODIFIED':
          byKey.set(objectKey(update.object), update.object)
          publish()
          return
        case 'DELETED':
          byKey.delete(objectKey(update.object))
          publish()
          return
        case 'RELISTED':
          replace(update.list.items)
          error.value = null
          return
        case 'ERROR':
          error.value = update.error
          return
      }
    })
  }

  // One string for "what to watch", so equal values (a getter's fresh object) do not restart it.
  const wanted = computed(() => {
    const { labelSelector, fieldSelector } = toValue(options)
    const selectors: WatchListSelectors = {}
    if (labelSelector) selectors.labelSelector = labelSelector
    if (fieldSelector) selectors.fieldSelector = fieldSelector
    return JSON.stringify({ target: toValue(resource), selectors })
  })
  watch(
    wanted,
    (key) => {
      stop()
      const { target, selectors } = JSON.parse(key) as { target: ResourceRef | null; selectors: WatchListSelectors }
      byKey.clear()
      items.value = []
      error.value = null
      loading.value = target !== null
      void start(target, selectors)
    },
    { immediate: true },
  )

  if (getCurrentInstance()) onUnmounted(stop)
  else if (getCurrentScope()) onScopeDispose(stop)

  // Read-only by type: a readonly() proxy would wrap every object the view reads.
  return { items, error, loading: readonly(loading) }
}
