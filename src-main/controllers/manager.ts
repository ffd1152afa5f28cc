// The controller manager: every cluster-level loop that needs no node connection (scheduler,
// workload controllers, node lifecycle, endpoints, …) is made here from one shared context, so
// they share one informer per resource. Order of life: every controller is constructed (taking
// informers and adding handlers), then the informers list, then each controller starts its
// workers — no decision is made on a partial cache.

import type { ApiServerVerbs } from '../apiserver/types.ts'
import type { Logger } from '../util/log.ts'
import { InformerFactory } from './informer.ts'
import { systemContext } from '../apiserver/api-server.ts'
import { replicaSetController } from './replicaset/replicaset-controller.ts'
import { deploymentController } from './deployment/deployment-controller.ts'
import { daemonSetController } from './daemonset/daemonset-controller.ts'
import { nodeLifecycleController } from './nodelifecycle/node-lifecycle-controller.ts'
import { newScheduler } from '../scheduler/scheduler.ts'

export interface ControllerContext {
  api: ApiServerVerbs
  informers: InformerFactory
  log: Logger
  now: () => Date
}

export interface ManagedController {
  /** Starts workers; informers have listed by then. */
  start(): Promise<void>
  stop(): Promise<void>
}

export type ControllerFactory = (context: ControllerContext) => ManagedController

/** Every controller the manager runs, by name (the name is its log component and its user). */
export const CLUSTER_CONTROLLERS: Record<string, ControllerFactory> = {
  scheduler: newScheduler,
  'replicaset-controller': replicaSetController,
  'deployment-controller': deploymentController,
  'daemonset-controller': daemonSetController,
  'node-lifecycle-controller': nodeLifecycleController,
}

/**
 * The controllers a `--controllers` list turns on, as kube-controller-manager reads it: `*` all,
 * `NAME` on, `-NAME` off (a later entry wins). Unknown names are refused, naming the known ones.
 */
export function selectControllers(spec: readonly string[], known: Record<string, ControllerFactory> = CLUSTER_CONTROLLERS): Record<string, ControllerFactory> {
  const names = Object.keys(known)
  const on = new Set<string>()
  for (const entry of spec) {
    const off = entry.startsWith('-')
    const name = off ? entry.slice(1) : entry
    const targets = name === '*' ? names : [name]
    if (name !== '*' && !names.includes(name)) throw new Error(`--controllers: unknown controller "${name}"; known: ${names.join(', ')}`)
    for (const t of targets) {
      if (off) on.delete(t)
      else on.add(t)
    }
  }
  return Object.fromEntries(names.filter((n) => on.has(n)).map((n) => [n, known[n] as ControllerFactory]))
}

export interface ControllerManagerOptions {
  api: ApiServerVerbs
  log: Logger
  now: () => Date
  /** Which controllers to run (default: all of CLUSTER_CONTROLLERS); tests pick a few. */
  controllers?: Record<string, ControllerFactory>
}

export class ControllerManager implements ManagedController {
  private readonly informers: InformerFactory
  private readonly running: ManagedController[] = []

  constructor(options: ControllerManagerOptions) {
    this.informers = new InformerFactory({ api: options.api, ctx: systemContext('informers'), log: options.log.child({ component: 'informers' }) })
    for (const [name, make] of Object.entries(options.controllers ?? CLUSTER_CONTROLLERS)) {
      this.running.push(make({ api: options.api, informers: this.informers, log: options.log.child({ component: name }), now: options.now }))
    }
  }

  async start(): Promise<void> {
    await this.informers.start()
    for (const controller of this.running) await controller.start()
  }

  async stop(): Promise<void> {
    for (const controller of [...this.running].reverse()) await controller.stop()
    await this.informers.stop()
  }
}
