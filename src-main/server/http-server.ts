// The headless server: one node:http server that routes /login, Coxswain's API, the Kubernetes
// API (the REST door in apiserver/rest) and the dashboard's static files, with security headers
// on every response. WebSocket upgrades (pods/exec only) are authenticated the same way and handed
// to the REST door's exec handler, over HTTP and TLS alike.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import {
  buildKubeconfig,
  createExecUpgradeHandler,
  createKubernetesHandler,
  execTarget,
  isKubernetesPath,
  isWebSocketUpgrade,
  refuseUpgrade,
  writeKubeconfig,
} from '../apiserver/rest/index.ts'
import { failure } from '../apiserver/rest/errors.ts'
import { sendStatus as sendKubeStatus } from '../apiserver/rest/respond.ts'
import { issueServingCertificate, loadOrCreateCertificateAuthority } from '../apiserver/rest/tls/serving.ts'
import type { ApiServerVerbs } from '../apiserver/types.ts'
import type { ControlPlane } from '../controlplane.ts'
import { PodStreams } from '../nodeagent/streams/pod-streams.ts'
import type { Logger } from '../util/log.ts'
import { API_PREFIX, createApiHandler } from './api.ts'
import { TokenAuth } from './auth.ts'
import { sendStatus, sendText } from './respond.ts'
import { securityHeaders } from './security-headers.ts'
import { createStaticHandler } from './static-files.ts'
import { failureStatus } from './status.ts'
import { handleImageSend, IMAGE_SEND_PATH } from './image-send.ts'
import { handleInstallKey, INSTALL_KEY_PATH } from './install-key.ts'
import { handleSchedulingExplanation, SCHEDULING_EXPLANATIONS_PATH } from './scheduling-explanation.ts'

export interface RequestHandlerOptions {
  controlPlane: ControlPlane
  token: string
  /** DATA_DIR/token-readonly: may read the Kubernetes API, never write. */
  readOnlyToken?: string
  /** The API server's verbs; the control plane's by default. */
  api?: ApiServerVerbs
  /** The cluster CA (PEM) the Kubernetes API's TLS certificate chains to, for downloaded kubeconfigs. */
  kubernetesCaPem?: string
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
  /** https://…, same port: the Kubernetes API for kubectl, which sends tokens over TLS only. */
  kubernetesUrl: string
  /** DATA_DIR/kubeconfig, written at start for `kubernetesUrl`. */
  kubeconfigPath: string
  close(): Promise<void>
}

const unauthorizedMessage =
  'Unauthorized: send "Authorization: Bearer TOKEN" with the token from the data dir, or open the URL printed by `coxswain serve`'

const KUBECONFIG_PATH = `${API_PREFIX}kubeconfig`

/** The Kubernetes API's URL at the address a client used to reach this socket, for the downloadable kubeconfig. */
function kubernetesUrlOf(req: IncomingMessage, tls: boolean): string {
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.)/, '')
  return `${tls ? 'https' : 'http'}://${urlHost(address)}:${req.socket.localPort ?? 0}`
}

export interface ServerHandlers {
  request: (req: IncomingMessage, res: ServerResponse) => void
  /** For the servers' 'upgrade' event: only WebSocket handshakes to pods/exec get there (shouldUpgrade). */
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  /** Which upgrade requests are taken over; everything else is answered as a plain request. */
  shouldUpgrade: (req: IncomingMessage) => boolean
  /** Ends open exec sessions (WebSockets are no longer the HTTP servers' connections). */
  closeUpgrades: () => void
}

export function createRequestHandler(options: RequestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return createHandlers(options).request
}

/**
 * A browser's WebSocket carries the session cookie of any page on the same site — and a site is
 * host-wide, so another local server's page could open one. A cookie-authenticated handshake must
 * therefore come from this server's own origin (kubectl sends a bearer token and no Origin).
 */
export function isSameOriginUpgrade(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  const host = req.headers.host
  if (!origin || !host) return false
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}

function pathOf(rawUrl: string | undefined): string {
  try {
    return new URL(rawUrl ?? '/', 'http://coxswain.invalid').pathname
  } catch {
    return '/'
  }
}

export function createHandlers(options: RequestHandlerOptions): ServerHandlers {
  const { controlPlane, log } = options
  const auth = new TokenAuth(options.token, options.readOnlyToken)
  const api = createApiHandler(controlPlane)
  const verbs = () => options.api ?? (controlPlane.running ? controlPlane.api : undefined)
  const podStreams = new PodStreams({
    api: () => options.api ?? controlPlane.api,
    runtimes: () => controlPlane.runtimes,
    log: log.child({ component: 'rest' }),
  })
  const streams = () => (verbs() ? podStreams : undefined)
  const kubernetes = createKubernetesHandler({
    verbs,
    coxswainVersion: controlPlane.version,
    log: log.child({ component: 'rest' }),
    streams,
    metrics: () => (verbs() ? controlPlane.metrics : undefined),
  })
  const exec = createExecUpgradeHandler({ streams, log: log.child({ component: 'rest' }) })
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

    const coxswainApi = path === '/api/coxswain' || path.startsWith('/api/coxswain/')
    if (coxswainApi || isKubernetesPath(path)) {
      const user = auth.authenticate({ headers: req.headers, localPort })
      if (!user) {
        sendStatus(res, failureStatus('Unauthorized', unauthorizedMessage), { 'WWW-Authenticate': 'Bearer realm="coxswain"' })
        return
      }
      if (!coxswainApi) {
        void kubernetes(req, res, url, user)
        return
      }
      if (path === KUBECONFIG_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
        // It holds the admin token: never for a read-only user.
        if (user.readOnly) {
          sendKubeStatus(res, failure('Forbidden', 'the kubeconfig holds the admin token; a read-only user may not download it'))
          return
        }
        const body = buildKubeconfig({
          clusterName: controlPlane.clusterName,
          server: kubernetesUrlOf(req, options.kubernetesCaPem !== undefined),
          token: options.token,
          certificateAuthorityPem: options.kubernetesCaPem,
        })
        sendText(res, 200, body, { 'Content-Type': 'application/yaml; charset=utf-8', 'Content-Disposition': `attachment; filename="kubeconfig-${controlPlane.clusterName}.yaml"` })
        return
      }
      if (path === IMAGE_SEND_PATH) {
        void handleImageSend(req, res, controlPlane, user, log).catch((err: unknown) => {
          log.error('image send failed', { err })
          if (res.headersSent) res.destroy()
          else sendStatus(res, failureStatus('InternalError', `internal error: ${(err as Error).message}`))
        })
        return
      }
      if (path === INSTALL_KEY_PATH) {
        void handleInstallKey(req, res, controlPlane, user, log.child({ component: 'install-key' })).catch((err: unknown) => {
          log.error('install key failed', { message: (err as Error).message })
          if (res.headersSent) res.destroy()
          else sendStatus(res, failureStatus('InternalError', 'internal error while installing the key'))
        })
        return
      }
      if (path.startsWith(SCHEDULING_EXPLANATIONS_PATH)) {
        void handleSchedulingExplanation(req, res, verbs(), path, user)
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

  const request = (req: IncomingMessage, res: ServerResponse): void => {
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

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://coxswain.invalid')
    } catch {
      refuseUpgrade(socket, failure('BadRequest', 'malformed request URL'))
      return
    }
    log.debug('http upgrade', { method: req.method, path: url.pathname })
    const user = auth.authenticate({ headers: req.headers, localPort: req.socket.localPort })
    if (!user) {
      refuseUpgrade(socket, failure('Unauthorized', unauthorizedMessage), { 'WWW-Authenticate': 'Bearer realm="coxswain"' })
      return
    }
    if (req.headers.authorization === undefined && !isSameOriginUpgrade(req)) {
      refuseUpgrade(socket, failure('Forbidden', 'a WebSocket signed in by the session cookie must come from the dashboard\'s own origin'))
      return
    }
    exec.handle(req, socket, head, url, user)
  }

  return {
    request,
    upgrade,
    shouldUpgrade: (req) => isWebSocketUpgrade(req) && execTarget(pathOf(req.url)) !== null,
    closeUpgrades: () => exec.closeAll(),
  }
}

/** How to write `address` in a URL a local browser can open: wildcards become loopback. */
export function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1'
  if (address === '::' || address === '[::]') return '[::1]'
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address
}

/** A connection that has not said its first byte within this time is dropped. */
const FIRST_BYTE_TIMEOUT_MS = 10_000

/**
 * One port, two protocols: a TLS handshake starts with byte 0x16 (a handshake record), HTTP with a
 * method's letter. The dashboard speaks plain HTTP on loopback; kubectl needs TLS, because it sends
 * a kubeconfig's token to https servers only.
 */
function dispatchByFirstByte(socket: Socket, plain: Server, secure: HttpsServer, pending: Set<Socket>): void {
  pending.add(socket)
  const drop = (): void => {
    pending.delete(socket)
    socket.destroy()
  }
  socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, drop)
  socket.once('error', drop)
  socket.once('readable', () => {
    pending.delete(socket)
    socket.setTimeout(0)
    socket.off('error', drop)
    const chunk = socket.read() as Buffer | null
    if (!chunk) {
      socket.destroy()
      return
    }
    socket.unshift(chunk)
    ;(chunk[0] === 0x16 ? secure : plain).emit('connection', socket)
  })
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { controlPlane } = options
  const ca = loadOrCreateCertificateAuthority(controlPlane.dataDir, controlPlane.clusterName)
  const serving = issueServingCertificate(ca, options.listen)
  const handlers = createHandlers({ ...options, kubernetesCaPem: ca.certPem })
  const plain: Server = createServer({ shouldUpgradeCallback: handlers.shouldUpgrade }, handlers.request)
  const secure: HttpsServer = createHttpsServer(
    { key: serving.keyPem, cert: serving.certPem, minVersion: 'TLSv1.2', shouldUpgradeCallback: handlers.shouldUpgrade },
    handlers.request,
  )
  for (const server of [plain, secure]) {
    server.on('upgrade', handlers.upgrade)
    // Slow or idle clients must not pin the process: bounded header and keep-alive times.
    server.headersTimeout = 10_000
    server.requestTimeout = 30_000
    server.keepAliveTimeout = 5_000
  }
  secure.on('tlsClientError', (err) => options.log.debug('tls handshake failed', { err }))
  const pending = new Set<Socket>()
  const front = createNetServer((socket) => dispatchByFirstByte(socket, plain, secure, pending))

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      const hint = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (the port is taken: choose another with --port N, or --port 0 for any free one)' : ''
      reject(new Error(`listen on ${options.listen}:${options.port}: ${err.message}${hint}`, { cause: err }))
    }
    front.once('error', onError)
    front.listen(options.port, options.listen, () => {
      front.off('error', onError)
      resolve()
    })
  })
  front.on('error', (err) => options.log.error('http server error', { err }))
  // The inner servers never listen themselves, and Node starts tracking a server's connections
  // (which closeAllConnections() and the header and request timeouts need) on 'listening'.
  plain.emit('listening')
  secure.emit('listening')

  const port = (front.address() as AddressInfo).port
  const baseUrl = `http://${urlHost(options.listen)}:${port}`
  const kubernetesUrl = `https://${urlHost(options.listen)}:${port}`
  const kubeconfigPath = writeKubeconfig(controlPlane.dataDir, {
    clusterName: controlPlane.clusterName,
    server: kubernetesUrl,
    token: options.token,
    certificateAuthorityPem: ca.certPem,
  })
  let closing: Promise<void> | null = null
  return {
    port,
    baseUrl,
    kubernetesUrl,
    loginUrl: `${baseUrl}/login?token=${encodeURIComponent(options.token)}`,
    kubeconfigPath,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        front.close((err) => (err ? reject(err) : resolve()))
        for (const socket of pending) socket.destroy()
        handlers.closeUpgrades()
        // Keep-alive sockets (a browser tab) and watches would otherwise hold close() open.
        for (const server of [plain, secure]) {
          server.closeAllConnections()
          // Stops the connection checks 'listening' started; "not running" is expected here.
          server.close(() => {})
        }
      })
      return closing
    },
  }
}
