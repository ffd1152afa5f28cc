// Test doubles for views and composables: a Transport whose lists and watches the test answers by
// hand, and a way to run a composable inside a mounted component without a DOM.

import { createRenderer, defineComponent, h, type App } from 'vue'
import type { KubeList, KubeObject } from '../../../src-main/api/types/meta.ts'
import type { ExecUpdate, ListOptions, LogUpdate, PodExecOptions, PodLogOptions, PodRef, ResourceRef, TerminalSize, Transport, WatchListener, WatchOptions } from '../transport/types.ts'

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

export interface OpenLog {
  pod: PodRef
  options: PodLogOptions
  send: (update: LogUpdate) => void
  stopped: boolean
}

export interface OpenExec {
  pod: PodRef
  options: PodExecOptions
  send: (update: ExecUpdate) => void
  /** What the view wrote, resized and whether it closed stdin or the session. */
  input: (string | Uint8Array)[]
  sizes: TerminalSize[]
  stdinClosed: boolean
  closed: boolean
}

/** A Transport recording list, watch, logs and exec calls; the other verbs reject. */
export function fakeTransport(): { transport: Transport; lists: PendingList[]; watches: OpenWatch[]; logs: OpenLog[]; execs: OpenExec[] } {
  const lists: PendingList[] = []
  const watches: OpenWatch[] = []
  const logs: OpenLog[] = []
  const execs: OpenExec[] = []
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
    logs: (pod, options, onUpdate) => {
      const log: OpenLog = { pod, options, send: onUpdate, stopped: false }
      logs.push(log)
      return () => {
        log.stopped = true
      }
    },
    exec: (pod, options, onUpdate) => {
      const exec: OpenExec = { pod, options, send: onUpdate, input: [], sizes: [], stdinClosed: false, closed: false }
      execs.push(exec)
      return {
        write: (data) => exec.input.push(data),
        closeStdin: () => (exec.stdinClosed = true),
        resize: (size) => exec.sizes.push(size),
        close: () => (exec.closed = true),
      }
    },
  }
  return { transport, lists, watches, logs, execs }
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
