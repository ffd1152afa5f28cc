// Transport over the headless server's HTTP API. Authentication is the HttpOnly session cookie
// set by /login, which this code can neither read nor needs to.

import type { IpcArgs, IpcChannel, IpcResponse } from '../../../src-main/ipc/contract.ts'
import { TransportError, type Transport } from './types.ts'

export const API_BASE = '/api/coxswain/v1/'

interface HttpRoute {
  method: 'GET'
  path: string
}

// A Record over every channel, so a channel added to the contract fails to compile until routed.
const routes: Record<IpcChannel, HttpRoute> = {
  'cluster:info': { method: 'GET', path: 'info' },
}

export interface HttpTransportOptions {
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch
  /** Give up (and report `unreachable`) after this long. */
  timeoutMs?: number
}

/** The message of a Kubernetes Status body, if the response has one. */
async function statusMessage(res: Response): Promise<string | null> {
  try {
    const body = (await res.json()) as { kind?: unknown; message?: unknown }
    return body.kind === 'Status' && typeof body.message === 'string' ? body.message : null
  } catch {
    return null
  }
}

export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const timeoutMs = options.timeoutMs ?? 10_000

  const invoke = async (channel: IpcChannel): Promise<unknown> => {
    const route = routes[channel]
    let res: Response
    try {
      res = await doFetch(API_BASE + route.path, {
        method: route.method,
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      throw new TransportError('unreachable', `${channel}: the control plane did not answer (${(err as Error).message})`, { cause: err })
    }
    if (res.status === 401) throw new TransportError('unauthorized', `${channel}: not signed in`)
    if (res.status === 502 || res.status === 503 || res.status === 504) {
      throw new TransportError('unreachable', `${channel}: the control plane is unavailable (HTTP ${res.status})`)
    }
    if (!res.ok) {
      const message = (await statusMessage(res)) ?? `HTTP ${res.status}`
      throw new TransportError('failed', `${channel}: ${message}`)
    }
    try {
      return await res.json()
    } catch (err) {
      throw new TransportError('failed', `${channel}: the answer was not JSON`, { cause: err })
    }
  }

  return {
    kind: 'http',
    invoke: invoke as <C extends IpcChannel>(channel: C, ...args: IpcArgs<C>) => Promise<IpcResponse<C>>,
  }
}
