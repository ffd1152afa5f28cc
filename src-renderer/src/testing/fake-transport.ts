// Test doubles for views and composables: a Transport whose lists and watches the test answers by
// hand, and a way to run a composable inside a mounted component without a DOM.

import { createRenderer, defineComponent, h, type App } from 'vue'
import type { KubeList, KubeObject } from '../../../src-main/api/types/meta.ts'
import type { ListOptions, ResourceRef, Transport, WatchListener, WatchOptions } from '../transport/types.ts'

export interface PendingList {
  ref: ResourceRef
  options: ListOptions | undefined
  resolve(list: KubeList): void
  reject(err: unknown): void
}

export interface OpenWatch {
  ref: ResourceRef
  options: WatchOptions
  send: WatchListener
  stopped: boolean
}

/** A Transport recording list and watch calls; the other verbs reject. */
export function fakeTransport(): { transport: Transport; lists: PendingList[]; watches: OpenWatch[] } {
  const lists: PendingList[] = []
  const watches: OpenWatch[] = []
  const unused = () => Promise.reject(new Error('not used by this test'))
  const transport: Transport = {
    kind: 'http',
    invoke: unused,
    create: unused,
    get: unused,
    update: unused,
    patch: unused,
    delete: unused,
    deleteCollection: unused,
    list: <T extends KubeObject>(ref: ResourceRef, options?: ListOptions) =>
      new Promise<KubeList<T>>((resolve, reject) => lists.push({ ref, options, resolve: resolve as (list: KubeList) => void, reject })),
    watch: <T extends KubeObject>(ref: ResourceRef, options: WatchOptions, onUpdate: WatchListener<T>) => {
      const watch: OpenWatch = { ref, options, send: onUpdate as WatchListener, stopped: false }
      watches.push(watch)
      return () => {
        watch.stopped = true
      }
    },
  }
  return { transport, lists, watches }
}

// A renderer that builds nothing: enough to run setup(), lifecycle hooks and unmount in Node.
const { createApp } = createRenderer<object, object>({
  createElement: () => ({}),
  createText: () => ({}),
  createComment: () => ({}),
  setText: () => {},
  setElementText: () => {},
  insert: () => {},
  remove: () => {},
  patchProp: () => {},
  parentNode: () => null,
  nextSibling: () => null,
})

/** Runs `composable` in the setup of a mounted component; `unmount` runs its onUnmounted hooks. */
export function withSetup<T>(composable: () => T): { result: T; app: App; unmount: () => void } {
  let result: T | undefined
  const app = createApp(
    defineComponent({
      setup() {
        result = composable()
        return () => h('div')
      },
    }),
  )
  app.mount({})
  return { result: result as T, app, unmount: () => app.unmount() }
}
