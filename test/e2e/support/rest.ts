// A bare Kubernetes REST client for end-to-end tests: Node's fetch (keep-alive) with the bearer
// token, answers as status + parsed JSON, and a watch stream read line by line. No client library,
// so tests see exactly what goes over the wire — and can send what no client library would.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface RestAnswer {
  status: number
  headers: Headers
  text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown
}

export interface RestRequest {
  /** An object is sent as JSON; a string or bytes as they are. */
  body?: unknown
  contentType?: string
  accept?: string
  signal?: AbortSignal
}

/** The parts of a Kubernetes object and Status the tests read. */
export interface ObjectAnswer {
  kind?: string
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; annotations?: Record<string, string>; labels?: Record<string, string> }
  data?: Record<string, string>
}

export interface ListAnswer {
  kind?: string
  metadata: { resourceVersion: string; continue?: string }
  items: ObjectAnswer[]
}

export interface StatusAnswer {
  kind: 'Status'
  status: 'Failure' | 'Success'
  code: number
  reason?: string
  message?: string
  details?: { name?: string; kind?: string; causes?: { field?: string; reason?: string; message?: string }[] }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'
  object: ObjectAnswer
}

export class KubeRest {
  readonly baseUrl: string
  private readonly token: string

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl
    this.token = token
  }

  /** The admin client for a server started on `dataDir`. */
  static forDataDir(baseUrl: string, dataDir: string): KubeRest {
    return new KubeRest(baseUrl, readFileSync(join(dataDir, 'token'), 'utf8').trim())
  }

  async request(method: string, path: string, options: RestRequest = {}): Promise<RestAnswer> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: options.accept ?? 'application/json' }
    let body: string | Uint8Array | undefined
    if (options.body !== undefined) {
      body = typeof options.body === 'string' || options.body instanceof Uint8Array ? options.body : JSON.stringify(options.body)
      headers['Content-Type'] = options.contentType ?? 'application/json'
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body, signal: options.signal })
    const text = await res.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, text, json }
  }

  /** GET that must answer 200 with JSON. */
  async get<T>(path: string, accept?: string): Promise<T> {
    const answer = await this.request('GET', path, { accept })
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.text.slice(0, 500)}`)
    return answer.json as T
  }

  /** Every object of a list path, following `continue` in pages of `limit`. */
  async listAll(path: string, limit = 500): Promise<ListAnswer> {
    const items: ObjectAnswer[] = []
    let token: string | undefined
    let first: ListAnswer | undefined
    do {
      const sep = path.includes('?') ? '&' : '?'
      const page = await this.get<ListAnswer>(`${path}${sep}limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`)
      first ??= page
      items.push(...page.items)
      token = page.metadata.continue || undefined
    } while (token)
    return { ...(first as ListAnswer), items }
  }

  /** Opens a watch stream (`?watch=1` on `path`) and records its events as they arrive. */
  async watch(path: string): Promise<WatchStream> {
    const controller = new AbortController()
    const sep = path.includes('?') ? '&' : '?'
    const res = await fetch(`${this.baseUrl}${path}${sep}watch=1`, {
      headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' },
      signal: controller.signal,
    })
    if (res.status !== 200 || !res.body) throw new Error(`watch ${path}: ${res.status} ${await res.text()}`)
    return new WatchStream(res.body, controller)
  }
}

/** A watch being read in the background; `waitFor` resolves once an event matches. */
export class WatchStream {
  readonly events: WatchEvent[] = []
  /** Wall-clock (performance.now()) arrival of each event, same index as `events`. */
  readonly arrivals: number[] = []
  ended = false
  private readonly controller: AbortController
  private readonly listeners = new Set<() => void>()
  onEvent?: (event: WatchEvent, at: number) => void

  constructor(body: ReadableStream<Uint8Array>, controller: AbortController) {
    this.controller = controller
    void this.read(body)
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder()
    let buffered = ''
    try {
      for await (const chunk of body) {
        buffered += decoder.decode(chunk, { stream: true })
        let newline: number
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim()
          buffered = buffered.slice(newline + 1)
          if (!line) continue
          const event = JSON.parse(line) as WatchEvent
          const at = performance.now()
          this.events.push(event)
          this.arrivals.push(at)
          this.onEvent?.(event, at)
        }
        for (const listener of this.listeners) listener()
      }
    } catch {
      // Aborted by stop(), or the server went away: either way the stream has ended.
    } finally {
      this.ended = true
      for (const listener of this.listeners) listener()
    }
  }

  /** Resolves with the first event that matches, waiting up to `timeoutMs`. */
  waitFor(match: (event: WatchEvent) => boolean, timeoutMs = 5_000): Promise<WatchEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(match)
        if (found) {
          cleanup()
          resolve(found)
          return true
        }
        if (this.ended) {
          cleanup()
          reject(new Error(`watch ended before a matching event; saw ${this.events.length} events`))
          return true
        }
        return false
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`no matching watch event within ${timeoutMs} ms; saw ${this.events.length} events`))
      }, timeoutMs)
      const cleanup = (): void => {
        clearTimeout(timer)
        this.listeners.delete(listener)
      }
      const listener = (): void => void check()
      if (!check()) this.listeners.add(listener)
    })
  }

  stop(): void {
    this.controller.abort()
  }
}
