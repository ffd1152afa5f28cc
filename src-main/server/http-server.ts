// The headless server: one node:http server that routes /login, the API and the dashboard's
// static files, with security headers on every response.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ControlPlane } from '../controlplane.ts'
import type { Logger } from '../util/log.ts'
import { API_PREFIX, createApiHandler } from './api.ts'
import { TokenAuth } from './auth.ts'
import { sendStatus, sendText } from './respond.ts'
import { securityHeaders } from './security-headers.ts'
import { createStaticHandler } from './static-files.ts'
import { failureStatus } from './status.ts'

export interface RequestHandlerOptions {
  controlPlane: ControlPlane
  token: string
  /** The built renderer (out/renderer). */
  rendererDir: string
  log: Logger
}

export interface HttpServerOptions extends RequestHandlerOptions {
  listen: string
  /** 0 picks any free port. */
  port: number
}

export interface RunningHttpServer {
  /** The port actually bound (useful with port 0). */
  port: number
  /** Base URL a browser on this machine can open, e.g. http://127.0.0.1:7443 */
  baseUrl: string
  /** The URL that signs a browser in; contains the token, so print it, never log it. */
  loginUrl: string
  close(): Promise<void>
}

const unauthorizedMessage =
  'Unauthorized: send "Authorization: Bearer TOKEN" with the token from the data dir, or open the URL printed by `coxswain serve`'

export function createRequestHandler(options: RequestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { controlPlane, log } = options
  const auth = new TokenAuth(options.token)
  const api = createApiHandler(controlPlane)
  const serveStatic = createStaticHandler(options.rendererDir)
  const headers = securityHeaders()

  const route = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const path = url.pathname
    const localPort = req.socket.localPort

    if (path === '/login') {
      if (!auth.isLoginToken(url.searchParams.get('token'))) {
        sendText(res, 401, 'This sign-in link is not valid. Open the URL printed by `coxswain serve`.\n')
        return
      }
      // 303 so the token leaves the address bar and history entry behind.
      res.writeHead(303, { Location: '/', 'Set-Cookie': auth.sessionSetCookie(localPort), 'Cache-Control': 'no-store' })
      res.end()
      return
    }

    if (path === '/api' || path.startsWith('/api/')) {
      if (!auth.isAuthorized({ headers: req.headers, localPort })) {
        sendStatus(res, failureStatus('Unauthorized', unauthorizedMessage), { 'WWW-Authenticate': 'Bearer realm="coxswain"' })
        return
      }
      if (!path.startsWith(API_PREFIX)) {
        sendStatus(res, failureStatus('NotFound', `the server could not find the requested resource "${path}"`))
        return
      }
      api(req, res, path.slice(API_PREFIX.length))
      return
    }

    serveStatic(req, res, path)
  }

  return (req, res) => {
    const started = performance.now()
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
    res.on('finish', () => {
      // The path only: /login's query holds the token.
      log.debug('http request', {
        method: req.method,
        path: (req.url ?? '/').split('?')[0],
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      })
    })
    try {
      // A fixed base: the Host header is the client's to choose and must not shape routing.
      route(req, res, new URL(req.url ?? '/', 'http://coxswain.invalid'))
    } catch (err) {
      log.error('http request failed', { method: req.method, path: (req.url ?? '/').split('?')[0], err })
      if (res.headersSent) res.destroy()
      else sendStatus(res, failureStatus('InternalError', `internal error: ${(err as Error).message}`))
    }
  }
}

/** How to write `address` in a URL a local browser can open: wildcards become loopback. */
export function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1'
  if (address === '::' || address === '[::]') return '[::1]'
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const server: Server = createServer(createRequestHandler(options))
  // Slow or idle clients must not pin the process: bounded header and keep-alive times.
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  server.keepAliveTimeout = 5_000

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`listen on ${options.listen}:${options.port}: ${err.message}`, { cause: err }))
    server.once('error', onError)
    server.listen(options.port, options.listen, () => {
      server.off('error', onError)
      resolve()
    })
  })
  server.on('error', (err) => options.log.error('http server error', { err }))

  const port = (server.address() as AddressInfo).port
  const baseUrl = `http://${urlHost(options.listen)}:${port}`
  let closing: Promise<void> | null = null
  return {
    port,
    baseUrl,
    loginUrl: `${baseUrl}/login?token=${encodeURIComponent(options.token)}`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        // Keep-alive sockets (a browser tab) would otherwise hold close() open until they time out.
        server.closeAllConnections()
      })
      return closing
    },
  }
}
