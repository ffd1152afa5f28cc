// One object, live: a watch on its name (fieldSelector metadata.name), so a detail view follows
// every change and learns at once when the object is gone.

import { computed, type MaybeRefOrGetter, type Ref, toValue } from 'vue'
import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import type { ApiError } from '../transport/api-error.ts'
import type { ResourceRef } from '../transport/index.ts'
import { useWatchList } from './useWatchList.ts'

export interface WatchObjectState<T extends KubeObject> {
  object: Readonly<Ref<T | null>>
  error: Readonly<Ref<ApiError | null>>
  loading: Readonly<Ref<boolean>>
}

export function useWatchObject<T extends KubeObject>(base: MaybeRefOrGetter<ResourceRef>, namespace: MaybeRefOrGetter<string | undefined>, name: MaybeRefOrGetter<string>): WatchObjectState<T> {
  const target = computed(() => {
    const ns = toValue(namespace)
    return ns ? { ...toValue(base), namespace: ns } : toValue(base)
  })
  const { items, error, loading } = useWatchList<T>(target, () => ({ fieldSelector: `metadata.name=${toValue(name)}` }))
  return { object: computed(() => items.value[0] ?? null), error, loading }
}
