// Reads a Kubernetes watch response: a chunked body of JSON events, one per line
// (`{"type":"ADDED","object":{…}}\n`). Chunks split wherever the network pleases — inside a line,
// inside a multi-byte character — so bytes are decoded as a stream and only whole lines parsed.

import type { ApiWatchEvent, WatchEventType } from '../../../src-main/apiserver/types.ts'
import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import { failureStatus, isStatus } from './api-error.ts'

/** Larger than any object the API serves; a line longer than this is a broken stream, not an event. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024

const EVENT_TYPES: readonly WatchEventType[] = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']

/** Splits a byte stream into lines; feed chunks with `push`, then call `end`. */
export class LineDecoder {
  private readonly decoder = new TextDecoder()
  private buffer = ''

  /** The lines this chunk completes (without their newline; blank lines dropped). */
  push(chunk: Uint8Array): string[] {
    this.buffer += this.decoder.decode(chunk, { stream: true })
    const lines = this.buffer.split('\n')
    this.buffer = lines.pop() ?? ''
    if (this.buffer.length > MAX_LINE_CHARS) throw new Error(`watch stream: a line is longer than ${MAX_LINE_CHARS} characters`)
    return lines.filter((line) => line.trim() !== '')
  }

  /** Whatever followed the last newline, once the stream has ended. */
  end(): string[] {
    const rest = this.buffer + this.decoder.decode()
    this.buffer = ''
    return rest.trim() === '' ? [] : [rest]
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** One line of a watch stream as an event; throws on anything that is not one. */
export function parseWatchLine(line: string): ApiWatchEvent {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (err) {
    throw new Error(`watch stream: not JSON: ${line.length > 80 ? line.slice(0, 80) + '…' : line}`, { cause: err })
  }
  if (!isObject(value) || !EVENT_TYPES.includes(value.type as WatchEventType) || !isObject(value.object)) {
    throw new Error(`watch stream: not a watch event: ${line.length > 80 ? line.slice(0, 80) + '…' : line}`)
  }
  const type = value.type as WatchEventType
  if (type === 'ERROR') {
    const object = isStatus(value.object) ? value.object : failureStatus(500, 'InternalError', `watch failed: ${JSON.stringify(value.object)}`)
    return { type, object }
  }
  if (!isObject(value.object.metadata)) throw new Error(`watch stream: ${type} event without object metadata`)
  return { type, object: value.object as unknown as KubeObject }
}

/**
 * Reads `body` to its end, calling `onEvent` for each event in order. Rejects when the stream
 * breaks or carries something that is not an event (cancel it by aborting its fetch).
 */
export async function readWatchStream(body: ReadableStream<Uint8Array>, onEvent: (event: ApiWatchEvent) => void): Promise<void> {
  const reader = body.getReader()
  const lines = new LineDecoder()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      for (const line of lines.push(value)) onEvent(parseWatchLine(line))
    }
    for (const line of lines.end()) onEvent(parseWatchLine(line))
  } finally {
    reader.releaseLock()
  }
}
