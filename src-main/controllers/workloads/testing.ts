// Test helpers for the workload controllers: a test API server with the chosen controllers running
// under a ControllerManager, and a "kubelet" that marks pods running and ready as a node would.

import type { Pod } from '../../api/index.ts'
import type { ApiServerVerbs } from '../../apiserver/types.ts'
import { admin, newTestServer, quietLog, ref, type TestServer } from '../../apiserver/testing.ts'
import { ControllerManager, type ControllerFactory } from '../manager.ts'
import { createLogger } from '../../util/log.ts'

/** Quiet unless COXSWAIN_LOG_LEVEL asks for more while debugging a test. */
const log = process.env.COXSWAIN_LOG_LEVEL ? createLogger({}, (line) => process.stderr.write(line + '\n'), process.env.COXSWAIN_LOG_LEVEL as 'debug') : quietLog

export interface ControllerTestbed extends TestServer {
  manager: ControllerManager
  stop(): Promise<void>
}

/**
 * Starts `controllers` on a fresh test server. `wrap` may stand between the controllers and the
 * server (to refuse some calls, say); the test itself talks to the server directly.
 */
export async function startControllers(controllers: Record<string, ControllerFactory>, wrap: (api: ApiServerVerbs) => ApiServerVerbs = (api) => api): Promise<ControllerTestbed> {
  const server = await newTestServer()
  const manager = new ControllerManager({ api: wrap(server.api), log, now: server.clock.now, controllers })
  await manager.start()
  return {
    ...server,
    manager,
    stop: async () => {
      await manager.stop()
      await server.api.close()
    },
  }
}

export async function listPods(api: TestServer['api'], namespace = 'default', labelSelector?: string): Promise<Pod[]> {
  return (await api.list(ref.pods(namespace), labelSelector ? { labelSelector } : {}, admin)).items as Pod[]
}

/** Marks a pod Running and Ready (or not ready) as its node agent would, at `at`. */
export async function markReady(api: TestServer['api'], pod: Pod, at: string, ready = true): Promise<void> {
  const fresh = (await api.get(ref.pods(pod.metadata.namespace, pod.metadata.name), admin)) as Pod
  const status = ready ? 'True' : 'False'
  fresh.status = {
    ...fresh.status,
    phase: 'Running',
    conditions: [
      { type: 'Ready', status, lastTransitionTime: at },
      { type: 'ContainersReady', status, lastTransitionTime: at },
    ],
  }
  await api.update(ref.pods(pod.metadata.namespace, pod.metadata.name, 'status'), fresh, admin)
}

/**
 * A stand-in for node agents: every few ms, marks Running and Ready each pod that `ready(pod)`
 * accepts (default: all), with the test clock's time. Stop it with the returned function.
 */
export function autoReady(bed: TestServer, ready: (pod: Pod) => boolean = () => true): () => Promise<void> {
  let running = true
  const loop = (async () => {
    while (running) {
      for (const pod of (await bed.api.list(ref.pods(), {}, admin)).items as Pod[]) {
        if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Running' || !ready(pod)) continue
        await markReady(bed.api, pod, bed.clock.now().toISOString().replace(/\.\d+Z$/, 'Z')).catch(() => undefined)
      }
      await new Promise((resolve) => setTimeout(resolve, 3))
    }
  })()
  return async () => {
    running = false
    await loop
  }
}
