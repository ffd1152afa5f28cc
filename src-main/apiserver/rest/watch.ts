// Watch streaming: a chunked HTTP/1.1 answer with one JSON event per line
// (`{"type":"ADDED","object":{…}}`), each flushed as it happens. The stream ends when the core's
// watch ends, when `timeoutSeconds` pass (the client re-watches from its last resourceVersion), or
// when the client goes away — which stops the core's watch too. An error after the headers went
// out can only travel as an ERROR event carrying a Status, as kube-apiserver sends 410 Expired.

import { once } from 'node:events'
import type { ServerResponse } from 'node:http'
import type { Status } from '../../api/types/meta.ts'
import type { Logger } from '../../util/log.ts'
import type { ApiWatch, ApiWatchEvent } from '../types.ts'
import { statusOf } from './errors.ts'

/** kube-apiserver's `--min-request-timeout`: a watch without timeoutSeconds lasts 1–2 times this. */
export const MIN_REQUEST_TIMEOUT_SECONDS = 1800

/** The watch's lifetime when the client gave none, spread so that many clients do not re-watch at once. */
export function defaultWatchTimeoutSeconds(random: () => number = Math.random): number {
  return Math.floor(MIN_REQUEST_TIMEOUT_SECONDS * (1 + random()))
}

export interface WatchStream {
  res: ServerResponse
  /** `application/json` or `application/json;stream=watch`, as the client asked. */
  contentType: string
  timeoutSeconds: number
  /** Shapes each event for the wire (Table rows, metadata only, or as is). */
  render: (event: ApiWatchEvent) => unknown
  log: Logger
}

function startStream(res: ServerResponse, contentType: string): void {
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Transfer-Encoding': 'chunked' })
  // The client learns the watch is established before the first event.
  res.flushHeaders()
}

/** Writes one line; waits while the client is slower than the events (never buffers without bound). */
async function writeLine(res: ServerResponse, value: unknown): Promise<void> {
  if (res.destroyed) return
  if (res.write(JSON.stringify(value) + '\n')) return
  const done = new AbortController()
  try {
    await Promise.race([once(res, 'drain', { signal: done.signal }), once(res, 'close', { signal: done.signal })])
  } finally {
    done.abort()
  }
}

/** Streams `watch` to the client until one side ends it. Never rejects. */
export async function streamWatch(watch: ApiWatch, stream: WatchStream): Promise<void> {
  const { res } = stream
  const stop = (): void => watch.stop()
  const timer = setTimeout(stop, stream.timeoutSeconds * 1000)
  timer.unref()
  res.once('close', stop)
  try {
    startStream(res, stream.contentType)
    for await (const event of watch) {
      if (res.destroyed) break
      await writeLine(res, stream.render(event))
      // An ERROR ends a watch: the client must start over (relist on 410).
      if (event.type === 'ERROR') break
    }
  } catch (err) {
    const status = statusOf(err)
    if (status.code === 500) stream.log.error('watch failed', { err })
    await writeLine(res, { type: 'ERROR', object: status })
  } finally {
    clearTimeout(timer)
    res.off('close', stop)
    watch.stop()
    if (!res.destroyed) res.end()
  }
}

/** A watch that could not start because its resourceVersion is too old: 200, then one ERROR event. */
export function sendWatchError(res: ServerResponse, contentType: string, status: Status): void {
  startStream(res, contentType)
  res.end(JSON.stringify({ type: 'ERROR', object: status }) + '\n')
}
