// `image send IMAGE [--from NODE|local] [--to N1,N2]`: POSTs to the server's images/send and
// prints its stream of JSON lines as progress and a per-node result.

import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { SendImageResult } from '../nodeagent/images/send-image.ts'
import { clientOptionsFor, type ClientOptions } from './client.ts'
import type { CliCommand } from './args.ts'
import type { CliIo } from './commands.ts'

export const IMAGE_SEND_API = '/api/coxswain/v1/images/send'

type Line =
  | { type: 'start'; image: string; from: string; to: string[] }
  | { type: 'progress'; target: string; bytes: number }
  | ({ type: 'result' } & SendImageResult)
  | { type: 'error'; message: string }

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`

/** Streams the request's answer line by line into `onLine`; resolves when the answer ends. */
export function postLines(options: ClientOptions, path: string, body: unknown, onLine: (line: Line) => void): Promise<void> {
  const url = new URL(path, options.server)
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  const payload = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
        ...(options.ca ? { ca: options.ca } : {}),
        agent: false,
      },
      (res) => {
        let text = ''
        const code = res.statusCode ?? 0
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
          if (code !== 200) return
          let nl: number
          while ((nl = text.indexOf('\n')) >= 0) {
            const raw = text.slice(0, nl)
            text = text.slice(nl + 1)
            if (raw.trim()) onLine(JSON.parse(raw) as Line)
          }
        })
        res.on('error', reject)
        res.on('end', () => {
          if (code === 200) {
            resolve()
            return
          }
          let message = `HTTP ${code}: ${text.slice(0, 200)}`
          try {
            message = (JSON.parse(text) as { message?: string }).message ?? message
          } catch {
            // not a Status
          }
          reject(new Error(message))
        })
      },
    )
    req.on('error', (err) => reject(new Error(`POST ${url.pathname} on ${options.server}: ${err.message}`, { cause: err })))
    req.end(payload)
  })
}

export async function sendImageCommand(command: Extract<CliCommand, { kind: 'image-send' }>, io: CliIo, options?: ClientOptions): Promise<number> {
  const client = options ?? clientOptionsFor(command.global.dataDir, command.global.server)
  let result: SendImageResult | undefined
  let error: string | undefined
  const started = performance.now()
  await postLines(client, IMAGE_SEND_API, { image: command.image, ...(command.from ? { from: command.from } : {}), ...(command.to ? { to: command.to } : {}) }, (line) => {
    if (line.type === 'start') io.out(`sending ${line.image} from ${line.from} to ${line.to.join(', ')}`)
    else if (line.type === 'progress') io.out(`  ${line.target}: ${mb(line.bytes)} (${(line.bytes / 1e6 / Math.max((performance.now() - started) / 1000, 0.001)).toFixed(1)} MB/s)`)
    else if (line.type === 'result') result = line
    else error = line.message
  })
  if (error !== undefined || !result) {
    io.err(`image send failed: ${error ?? 'the server ended without a result'}`)
    return 1
  }
  for (const t of result.targets) {
    if (t.skipped) io.out(`${t.name}: already has ${result.image} (${result.id.slice(0, 19)})`)
    else if (t.ok) io.out(`${t.name}: loaded ${mb(t.bytes)} in ${(t.ms / 1000).toFixed(1)} s (${(t.bytes / 1e3 / Math.max(t.ms, 1)).toFixed(1)} MB/s)`)
    else io.err(`${t.name}: failed: ${t.error ?? 'unknown error'}`)
  }
  return result.targets.every((t) => t.ok) ? 0 : 1
}
