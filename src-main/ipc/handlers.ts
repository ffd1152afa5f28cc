// Main-process side of the IPC contract: one handler per channel, each validating its (untrusted)
// request before touching the control plane, and every outcome wrapped as an IpcResult whose
// failures carry a Kubernetes Status, so the renderer never sees a raw exception.
//
// The api:* channels are the API server's verbs for the desktop user; watches are subscriptions
// kept by a WatchRegistry and pushed to the window that opened them. The pods:* channels are
// container logs and exec (PodStreams, as the REST door serves them), kept by a StreamRegistry.

import type { ClusterInfo, ClusterKeyInfo } from '../api/cluster-info.ts'
import { InstallKeyFieldError, parseInstallKeyRequest, type InstallKeyRequest } from '../api/install-key.ts'
import type { ApiServerVerbs, RequestContext, UserInfo } from '../apiserver/types.ts'
import { installKeyThroughDoor, type KeyInstaller } from '../nodeagent/ssh/install-key-door.ts'
import { PodStreams } from '../nodeagent/streams/pod-streams.ts'
import type { NodeRuntimeResolver } from '../nodeagent/streams/types.ts'
import { createLogger, type Logger } from '../util/log.ts'
import type { ApiWriteOptions, IpcChannel, IpcRequest, IpcResponse, IpcResult } from './contract.ts'
import { ipcRefusal, toIpcError } from './status.ts'
import type { StreamRegistry } from './stream-registry.ts'
import { IpcArgumentError, parseRequest } from './validate.ts'
import type { WatchRegistry, WatchTarget } from './watch-registry.ts'

/** Who the Electron window acts as: the person at this desktop, who owns the cluster (as coxswain:admin does over HTTP). */
export const DESKTOP_USER: Readonly<UserInfo> = Object.freeze({ name: 'coxswain:desktop', readOnly: false })

/** What the handlers need of the control plane. */
export interface IpcControlPlane {
  info(): ClusterInfo
  /** The cluster key's public half; read on every call (it is loaded by start()). Absent: the channel answers 503. */
  readonly clusterPublicKey?: ClusterKeyInfo
  /** Read on every call: the API server exists only once the control plane has started. */
  readonly api: ApiServerVerbs
  /** Each node's Docker client, for logs and exec; read on every call. */
  readonly runtimes?: NodeRuntimeResolver | undefined
  /** The one-time password login that installs the cluster key. Absent: the channel answers 503. */
  installClusterKey?: KeyInstaller['installClusterKey']
}

/** Who is calling: the (already trusted) window, for subscriptions that push back to it. */
export interface CallContext {
  sender: WatchTarget
}

interface ChannelHandler<C extends IpcChannel> {
  /** Checks the renderer's request; throws an IpcArgumentError saying what is wrong. */
  parse(raw: unknown): IpcRequest<C>
  handle(request: IpcRequest<C>, call: CallContext): IpcResponse<C> | Promise<IpcResponse<C>>
}

export type IpcHandlers = { [C in IpcChannel]: ChannelHandler<C> }

export interface IpcHandlerDeps {
  controlPlane: IpcControlPlane
  watches: WatchRegistry
  /** Log and exec streams of the windows; without it the pods:* channels answer 503. */
  streams?: StreamRegistry
  /** Defaults to DESKTOP_USER. */
  user?: UserInfo
  /** For the streams' own diagnostics. */
  log?: Logger
}

/** The shared check of install-key requests, refusing as every IPC argument error does. */
function parseInstallKey(raw: unknown): InstallKeyRequest {
  try {
    return parseInstallKeyRequest(raw)
  } catch (err) {
    if (err instanceof InstallKeyFieldError) throw new IpcArgumentError(err.field, err.detail)
    throw err
  }
}

function noRequest(): (raw: unknown) => undefined {
  return (raw) => {
    if (raw !== undefined && raw !== null) throw new IpcArgumentError('', 'this channel takes no request')
    return undefined
  }
}

export function createIpcHandlers(deps: IpcHandlerDeps): IpcHandlers {
  const { controlPlane: cp, watches } = deps
  const user = deps.user ?? DESKTOP_USER
  const ctx = (options?: ApiWriteOptions): RequestContext => {
    const context: RequestContext = { user: { ...user } }
    if (options?.dryRun) context.dryRun = true
    if (options?.fieldValidation) context.fieldValidation = options.fieldValidation
    if (options?.fieldManager) context.fieldManager = options.fieldManager
    return context
  }
  // A delete's dry run travels in its DeleteOptions, as in REST's body.
  const deleteCtx = (dryRun: string[] | undefined): RequestContext => ctx({ dryRun: dryRun?.includes('All') ?? false })
  const log = deps.log ?? createLogger({}, () => {}, 'error')
  const podStreams = new PodStreams({ api: () => cp.api, runtimes: () => cp.runtimes, log })
  const streams = (): StreamRegistry => {
    if (!deps.streams) throw ipcRefusal('ServiceUnavailable', 'container streams (logs, exec) are not available in this window')
    return deps.streams
  }

  return {
    'cluster:info': { parse: noRequest(), handle: () => cp.info() },
    'cluster:public-key': {
      parse: noRequest(),
      handle: () => {
        const key = cp.clusterPublicKey
        if (!key) throw ipcRefusal('ServiceUnavailable', 'the cluster key is not available: the control plane has not started')
        return { publicKeyLine: key.publicKeyLine, fingerprint: key.fingerprint, installCommand: key.installCommand }
      },
    },
    'cluster:install-key': {
      parse: parseInstallKey,
      handle: (r) => {
        const install = cp.installClusterKey
        if (!install) throw ipcRefusal('ServiceUnavailable', 'installing the cluster key is not available in this window')
        const installer: KeyInstaller = { installClusterKey: (options) => install.call(cp, options) }
        return installKeyThroughDoor(installer, r, log.child({ component: 'install-key' }))
      },
    },
    'api:create': { parse: parseRequest.create, handle: (r) => cp.api.create(r.ref, r.body, ctx(r.options)) },
    'api:get': { parse: parseRequest.get, handle: (r) => cp.api.get(r.ref, ctx()) },
    'api:list': { parse: parseRequest.list, handle: (r) => cp.api.list(r.ref, r.options ?? {}, ctx()) },
    'api:update': { parse: parseRequest.update, handle: (r) => cp.api.update(r.ref, r.body, ctx(r.options)) },
    'api:patch': { parse: parseRequest.patch, handle: (r) => cp.api.patch(r.ref, r.patchType, r.patch, ctx(r.options)) },
    'api:delete': { parse: parseRequest.delete, handle: (r) => cp.api.delete(r.ref, r.options ?? {}, deleteCtx(r.options?.dryRun)) },
    'api:deleteCollection': {
      parse: parseRequest.deleteCollection,
      handle: (r) => cp.api.deleteCollection(r.ref, r.listOptions ?? {}, r.options ?? {}, deleteCtx(r.options?.dryRun)),
    },
    'api:watch': {
      parse: parseRequest.watch,
      handle: async (r, call) => ({ id: await watches.start(call.sender, () => cp.api.watch(r.ref, r.options ?? {}, ctx())) }),
    },
    'api:unwatch': {
      parse: parseRequest.unwatch,
      handle: (r, call) => {
        watches.stop(call.sender.id, r.id)
        return undefined
      },
    },
    'pods:logs': {
      parse: parseRequest.podLogs,
      handle: async (r, call) => ({ id: await streams().startLogs(call.sender, () => podStreams.openLogs(r, r.options ?? {}, ctx())) }),
    },
    'pods:logs-stop': {
      parse: parseRequest.podStreamStop,
      handle: (r, call) => {
        streams().stop(call.sender.id, r.id, 'logs')
        return undefined
      },
    },
    'pods:exec': {
      parse: parseRequest.podExec,
      handle: async (r, call) => ({ id: await streams().startExec(call.sender, (sink) => podStreams.exec(r, r.options, ctx(), sink)) }),
    },
    'pods:exec-input': {
      parse: parseRequest.podExecInput,
      handle: (r, call) => {
        streams().input(call.sender.id, r.id, r.data, r.end === true)
        return undefined
      },
    },
    'pods:exec-resize': {
      parse: parseRequest.podExecResize,
      handle: (r, call) => {
        streams().resize(call.sender.id, r.id, { width: r.width, height: r.height })
        return undefined
      },
    },
    'pods:exec-stop': {
      parse: parseRequest.podStreamStop,
      handle: (r, call) => {
        streams().stop(call.sender.id, r.id, 'exec')
        return undefined
      },
    },
  }
}

/** Runs `channel`'s handler on a raw request; never throws. */
export async function dispatch<C extends IpcChannel>(handlers: IpcHandlers, channel: C, raw: unknown, call: CallContext): Promise<IpcResult<IpcResponse<C>>> {
  const handler = handlers[channel] as ChannelHandler<C>
  try {
    const result = await handler.handle(handler.parse(raw), call)
    return { ok: true, result }
  } catch (err) {
    return { ok: false, error: toIpcError(channel, err) }
  }
}
