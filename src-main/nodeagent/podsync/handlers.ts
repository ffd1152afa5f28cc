// Probe and lifecycle-hook actions, as the kubelet runs them: exec in the container (Docker exec),
// httpGet and tcpSocket from the node to the pod (through the node's SSH connection: agentless),
// sleep. Every action has a time limit; a failure carries the kubelet's wording for events.

import { request } from 'node:http'
import type { Duplex } from 'node:stream'
import { connect as tlsConnect } from 'node:tls'
import type { IntOrString } from '../../api/types/meta.ts'
import type { Container, ExecAction, HTTPGetAction, LifecycleHandler, TCPSocketAction } from '../../api/types/pod.ts'
import { DeadlineExceededError } from '../../util/deadline.ts'
import type { NodeDialer } from './node-access.ts'
import type { ContainerRuntime } from './runtime.ts'

export interface ActionResult {
  ok: boolean
  /** What to say about a failure (or an exec's output). */
  output: string
}

export interface ActionTarget {
  containerId: string
  container: Container
  /** Where httpGet and tcpSocket go unless they name a host. */
  podIP: string
}

/** Probe output kept for events, as the kubelet caps it. */
const MAX_OUTPUT = 10 * 1024
const USER_AGENT = 'kube-probe/1.33'

/** A port by number or by the name of one of the container's ports. */
export function resolvePort(port: IntOrString, container: Container): number {
  if (typeof port === 'number') return port
  if (/^\d+$/.test(port)) return Number(port)
  const named = (container.ports ?? []).find((p) => p.name === port)
  if (!named) throw new Error(`couldn't find port ${JSON.stringify(port)} in container ${container.name}`)
  return named.containerPort
}

const delay = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms))
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    }, { once: true })
  })

export class ActionRunner {
  readonly #runtime: ContainerRuntime
  readonly #dialer: NodeDialer

  constructor(runtime: ContainerRuntime, dialer: NodeDialer) {
    this.#runtime = runtime
    this.#dialer = dialer
  }

  async exec(action: ExecAction, target: ActionTarget, timeoutMs: number): Promise<ActionResult> {
    const command = action.command ?? []
    if (!command.length) return { ok: false, output: 'exec action has no command' }
    try {
      const out = await this.#runtime.exec(target.containerId, command, timeoutMs)
      const output = (out.stdout + out.stderr).slice(0, MAX_OUTPUT)
      return { ok: out.exitCode === 0, output: out.exitCode === 0 ? output : output || `command ${JSON.stringify(command)} exited with ${out.exitCode}` }
    } catch (err) {
      if (err instanceof DeadlineExceededError) return { ok: false, output: `command timed out after ${timeoutMs / 1000}s` }
      return { ok: false, output: (err as Error).message }
    }
  }

  async tcpSocket(action: TCPSocketAction, target: ActionTarget, timeoutMs: number): Promise<ActionResult> {
    let host = target.podIP
    let port = 0
    try {
      host = action.host || target.podIP
      port = resolvePort(action.port, target.container)
      const socket = await this.#dialer.dial(host, port, timeoutMs)
      socket.destroy()
      return { ok: true, output: '' }
    } catch (err) {
      return { ok: false, output: `dial tcp ${host}:${port}: ${dialFailure(err)}` }
    }
  }

  async httpGet(action: HTTPGetAction, target: ActionTarget, timeoutMs: number): Promise<ActionResult> {
    const host = action.host || target.podIP
    const scheme = (action.scheme ?? 'HTTP').toLowerCase()
    const path = action.path || '/'
    let port: number
    try {
      port = resolvePort(action.port, target.container)
    } catch (err) {
      return { ok: false, output: (err as Error).message }
    }
    const url = `${scheme}://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`
    const deadline = Date.now() + timeoutMs
    let socket: Duplex
    try {
      socket = await this.#dialer.dial(host, port, timeoutMs)
    } catch (err) {
      return { ok: false, output: `Get "${url}": dial tcp ${host}:${port}: ${dialFailure(err)}` }
    }
    if (scheme === 'https') socket = tlsConnect({ socket, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) })
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: '*/*' }
    for (const h of action.httpHeaders ?? []) headers[h.name] = h.value
    return new Promise<ActionResult>((resolve) => {
      let settled = false
      const finish = (result: ActionResult): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        socket.destroy()
        resolve(result)
      }
      const timer = setTimeout(
        () => finish({ ok: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }),
        Math.max(1, deadline - Date.now()),
      )
      const req = request({
        host,
        port,
        path,
        method: 'GET',
        headers,
        createConnection: () => socket as never,
        // busybox httpd ends CGI headers with a bare LF; the kubelet's Go client accepts that.
        insecureHTTPParser: true,
      })
      req.on('error', (err) => finish({ ok: false, output: `Get "${url}": ${err.message}` }))
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          if (size < MAX_OUTPUT) chunks.push(c)
          size += c.length
        })
        const done = (): void => {
          const code = res.statusCode ?? 0
          const body = Buffer.concat(chunks).toString('utf8').slice(0, MAX_OUTPUT)
          if (code >= 200 && code < 400) finish({ ok: true, output: body })
          else finish({ ok: false, output: `HTTP probe failed with statuscode: ${code}` })
        }
        res.on('end', done)
        res.on('error', done)
        res.on('close', done)
      })
      req.end()
    })
  }

  /** A lifecycle hook (postStart, preStop) within `timeoutMs`; `signal` cuts a sleep short. */
  async hook(handler: LifecycleHandler, target: ActionTarget, timeoutMs: number, signal?: AbortSignal): Promise<ActionResult> {
    if (handler.exec) return this.exec(handler.exec, target, timeoutMs)
    if (handler.httpGet) return this.httpGet(handler.httpGet, target, timeoutMs)
    if (handler.sleep) {
      await delay(Math.min(handler.sleep.seconds * 1000, timeoutMs), signal)
      return { ok: true, output: '' }
    }
    return { ok: false, output: 'the lifecycle handler has no action' }
  }
}

function isIP(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':')
}

/** Go's wording for a failed dial, from sshd's or the socket's reason. */
function dialFailure(err: unknown): string {
  if (err instanceof DeadlineExceededError) return 'i/o timeout'
  const message = (err as Error).message ?? String(err)
  if (/refused/i.test(message)) return 'connect: connection refused'
  if (/no route|unreachable/i.test(message)) return 'connect: no route to host'
  return message
}
