// Pod sync as a per-node component of the machine controller: started when a node's session
// comes up, stopped when it ends. The session's host gives Docker, commands and TCP dialing for
// SSH and local machines alike.

import type { EventRecorder } from '../../apiserver/events.ts'
import type { ApiServerVerbs, RequestContext } from '../../apiserver/types.ts'
import type { Logger } from '../../util/log.ts'
import type { NodeComponentFactory } from '../machines/machine-worker.ts'
import { startPodSyncWith, type PodSyncHandle, type PodSyncOptions } from './pod-sync.ts'
import { dockerRuntime } from './runtime.ts'

export interface PodSyncComponentOptions {
  api: ApiServerVerbs
  ctx: RequestContext
  recorder: EventRecorder
  log: Logger
  clock?: () => Date
  options?: PodSyncOptions
}

export function podSyncComponent(deps: PodSyncComponentOptions): NodeComponentFactory {
  return (session) => {
    let handle: PodSyncHandle | undefined
    const host = session.host
    return {
      // The node reports Ready only once pod sync has removed what was deleted while it was away.
      settled: () => handle?.settled() ?? false,
      start: () => {
        const options = { ...deps.options }
        if (options.hostIP === undefined && session.machine.spec?.address && !session.machine.spec.local) {
          options.hostIP = session.machine.spec.address
        }
        handle = startPodSyncWith({
          nodeName: session.nodeName,
          api: deps.api,
          ctx: deps.ctx,
          recorder: deps.recorder,
          log: deps.log.child({ node: session.nodeName }),
          clock: deps.clock,
          runtime: dockerRuntime(host.dockerode, { node: session.nodeName, callTimeoutMs: options.callTimeoutMs }),
          shell: { run: (argv, runOptions) => host.exec(argv, runOptions) },
          dialer: { dial: (address, port, timeoutMs) => host.dial(address, port, timeoutMs) },
          connection: {
            on: (event, listener) => host.on(event, listener),
            get state() {
              return host.status.state
            },
          },
          options,
          onSettled: () => session.agent.probeSoon(),
        })
      },
      stop: async () => {
        await handle?.stop()
        handle = undefined
      },
    }
  }
}
