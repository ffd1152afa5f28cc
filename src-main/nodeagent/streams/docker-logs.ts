// A container's log from Docker's logs API as one byte stream: stdout and stderr merged in the
// order Docker recorded them (as the kubelet serves them), cut at `limitBytes`, ending when Docker
// ends it (at once, or with `follow` when the container stops) or when the reader closes it.

import type { IncomingMessage } from 'node:http'
import { PassThrough, finished, type Readable } from 'node:stream'
import type Docker from 'dockerode'
import { DockerStreamDemuxer } from '../docker/demux.ts'

export interface DockerLogsRequest {
  follow: boolean
  timestamps: boolean
  /** The last this many lines; all when absent. */
  tail?: number
  /** Docker timestamps (`seconds.nanoseconds`). */
  since?: string
  until?: string
}

/** The part of docker-modem's Modem used here (dockerode types it as `any`). */
interface DockerModem {
  dial(
    options: { path: string; method: string; options: Record<string, unknown>; isStream: boolean; abortSignal?: AbortSignal; statusCodes: Record<number, true | string> },
    callback: (err: Error | null, result: unknown) => void,
  ): void
}

/** `GET /containers/{id}/logs?…` as the raw response stream (multiplexed unless the container has a TTY). */
export function dockerLogsQuery(request: DockerLogsRequest): Record<string, string | boolean | number> {
  const query: Record<string, string | boolean | number> = { stdout: true, stderr: true, follow: request.follow, timestamps: request.timestamps, tail: request.tail ?? 'all' }
  if (request.since !== undefined) query.since = request.since
  if (request.until !== undefined) query.until = request.until
  return query
}

/**
 * Opens a container's log as a stream. Dockerode's `logs()` would buffer a log it is not asked to
 * follow, and even JSON-parse it; this always streams. `abortSignal` tears the request down.
 */
export function openDockerLogs(docker: Docker, containerId: string, request: DockerLogsRequest, abortSignal: AbortSignal): Promise<IncomingMessage> {
  const modem = docker.modem as DockerModem
  return new Promise((resolve, reject) => {
    modem.dial(
      {
        path: `/containers/${encodeURIComponent(containerId)}/logs?`,
        method: 'GET',
        options: dockerLogsQuery(request),
        isStream: true,
        abortSignal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
      },
      (err, result) => (err ? reject(err) : resolve(result as IncomingMessage)),
    )
  })
}

/** A log being read: `output` carries the bytes; `close()` stops reading (idempotent). */
export interface LogStream {
  readonly output: Readable
  close(): void
}

export interface ContainerLogOptions {
  /** The container has a TTY: its log is raw, not multiplexed. */
  tty: boolean
  limitBytes?: number
  /** Says where the log came from, for errors: `container web of pod default/web on node-1`. */
  what: string
  /** Called once when reading stops, however it stops (to abort the request). */
  onClose?: () => void
}

/**
 * Turns Docker's answer into a LogStream: demultiplexed (stdout and stderr in Docker's order),
 * at most `limitBytes`, with backpressure from `output` to the node.
 */
export function containerLogStream(response: Readable, options: ContainerLogOptions): LogStream {
  const output = new PassThrough()
  let remaining = options.limitBytes ?? Number.POSITIVE_INFINITY
  let done = false

  const stop = (): void => {
    if (done) return
    done = true
    response.destroy()
    options.onClose?.()
  }

  const emit = (payload: Buffer): void => {
    if (done || remaining <= 0 || payload.length === 0) return
    const part = payload.length > remaining ? payload.subarray(0, remaining) : payload
    remaining -= part.length
    if (!output.write(part) && !done) {
      response.pause()
      output.once('drain', () => response.resume())
    }
    if (remaining <= 0) {
      stop()
      output.end()
    }
  }
  const demux = options.tty ? null : new DockerStreamDemuxer((_stream, payload) => emit(payload))

  response.on('data', (chunk: Buffer) => (demux ? demux.push(chunk) : emit(chunk)))
  finished(response, (err) => {
    if (done) return
    done = true
    options.onClose?.()
    if (err) output.destroy(new Error(`read the log of ${options.what}: ${err.message}`, { cause: err }))
    else output.end()
  })
  output.on('close', stop)

  return {
    output,
    close: () => {
      stop()
      output.destroy()
    },
  }
}
