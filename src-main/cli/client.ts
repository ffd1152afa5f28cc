// A small client for the Kubernetes API of a running Coxswain server: bearer token from the data
// dir, the server's address (and its CA, for https) from DATA_DIR/kubeconfig unless given. Errors
// carry the server's Status message, which already says what is wrong and how to fix it.

import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { KubeList, KubeObject, Status } from '../api/index.ts'

export interface ClientOptions {
  server: string
  token: string
  /** PEM of the CA the server's certificate chains to (https). */
  ca?: string
  /** Per request. Default 30 s. */
  timeoutMs?: number
}

export class ApiRequestError extends Error {
  override name = 'ApiRequestError'
  readonly code: number
  readonly status: Status | undefined
  constructor(code: number, message: string, status?: Status) {
    super(message)
    this.code = code
    this.status = status
  }
}

interface Kubeconfig {
  clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[]
}

/** Server, token and CA for a data dir: the token file, and the kubeconfig `serve` writes at start. */
export function clientOptionsFor(dataDir: string, server: string | undefined): ClientOptions {
  let token: string
  try {
    token = readFileSync(join(dataDir, 'token'), 'utf8').trim()
  } catch (cause) {
    throw new Error(`no access token in ${dataDir}: start the server with \`npm run serve -- --data-dir ${dataDir}\`, or pass --data-dir`, { cause })
  }
  if (server !== undefined) return { server, token }
  let kubeconfig: Kubeconfig
  try {
    kubeconfig = parseYaml(readFileSync(join(dataDir, 'kubeconfig'), 'utf8')) as Kubeconfig
  } catch (cause) {
    throw new Error(`no kubeconfig in ${dataDir} to find the server: is it running? Or pass --server URL`, { cause })
  }
  const cluster = kubeconfig.clusters?.[0]?.cluster
  if (!cluster?.server) throw new Error(`${join(dataDir, 'kubeconfig')} names no server; pass --server URL`)
  const ca = cluster['certificate-authority-data']
  return { server: cluster.server, token, ...(ca ? { ca: Buffer.from(ca, 'base64').toString('utf8') } : {}) }
}

export class ApiClient {
  readonly #o: ClientOptions

  constructor(options: ClientOptions) {
    this.#o = options
  }

  get server(): string {
    return this.#o.server
  }

  get<T extends KubeObject>(path: string): Promise<T> {
    return this.#call('GET', path) as Promise<T>
  }

  list<T extends KubeObject>(path: string): Promise<KubeList<T>> {
    return this.#call('GET', path) as Promise<KubeList<T>>
  }

  create<T extends KubeObject>(path: string, body: T): Promise<T> {
    return this.#call('POST', path, body) as Promise<T>
  }

  mergePatch<T extends KubeObject>(path: string, patch: object): Promise<T> {
    return this.#call('PATCH', path, patch, 'application/merge-patch+json') as Promise<T>
  }

  delete(path: string): Promise<unknown> {
    return this.#call('DELETE', path)
  }

  #call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
    const url = new URL(path, this.#o.server)
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const timeoutMs = this.#o.timeoutMs ?? 30_000
    return new Promise((resolvePromise, reject) => {
      const req = request(
        url,
        {
          method,
          headers: {
            Authorization: `Bearer ${this.#o.token}`,
            Accept: 'application/json',
            ...(payload === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) }),
          },
          ...(this.#o.ca ? { ca: this.#o.ca } : {}),
          // A fresh connection per call: an idle keep-alive socket would hold the process open.
          agent: false,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            let json: unknown
            try {
              json = text ? JSON.parse(text) : undefined
            } catch {
              json = undefined
            }
            const code = res.statusCode ?? 0
            if (code >= 200 && code < 300) {
              resolvePromise(json)
              return
            }
            const status = (json as Status | undefined)?.kind === 'Status' ? (json as Status) : undefined
            reject(new ApiRequestError(code, status?.message ?? `${method} ${url.pathname}: HTTP ${code} ${text.slice(0, 200)}`, status))
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer from ${this.#o.server} within ${timeoutMs} ms`)))
      req.on('error', (err) => reject(new Error(`${method} ${url.pathname} on ${this.#o.server}: ${err.message}`, { cause: err })))
      req.end(payload)
    })
  }
}
