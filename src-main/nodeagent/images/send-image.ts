// Sends an image from one Docker engine to others without a registry: `docker save` on the source
// (GET /images/NAME/get) streamed into `docker load` (POST /images/load) on every target at once.
// One read of the source feeds all targets; a chunk is read only when every live target has taken
// the previous one (back-pressure), a target that fails or passes its deadline is dropped without
// stopping the others, and targets that already hold the same image ID are skipped.

import { PassThrough, type Readable } from 'node:stream'
import type Dockerode from 'dockerode'
import { withDeadline } from '../../util/deadline.ts'

export interface SendImageTarget {
  name: string
  docker: Dockerode
}

export interface SendImageProgress {
  target: string
  /** Bytes of the saved image handed to this target so far. */
  bytes: number
}

export interface SendImageTargetResult {
  name: string
  ok: boolean
  /** The target already had the image with the same ID: nothing was sent. */
  skipped?: boolean
  error?: string
  bytes: number
  ms: number
}

export interface SendImageResult {
  image: string
  /** The source's image ID (sha256:…). */
  id: string
  targets: SendImageTargetResult[]
  ms: number
}

export interface SendImageOptions {
  image: string
  from: Dockerode
  to: readonly SendImageTarget[]
  onProgress?: (progress: SendImageProgress) => void
  /** Per target, from the start of the transfer to docker load's answer. Default 10 min. */
  timeoutMs?: number
  /** Deadline of the inspect calls. Default 15 s. */
  inspectTimeoutMs?: number
  /** Minimum time between two progress reports of one target. Default 250 ms. */
  progressIntervalMs?: number
  /** Aborts every target (a client that went away). */
  signal?: AbortSignal
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number } | null)?.statusCode === 404
}

/** The image's ID on `docker`, or undefined when it has no image by that name. */
async function imageId(docker: Dockerode, image: string, what: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const info = await withDeadline(what, timeoutMs, () => docker.getImage(image).inspect())
    return info.Id
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/** Reads docker load's answer (JSON messages) and fails on an `error` among them. */
async function readLoadAnswer(answer: Readable): Promise<void> {
  let text = ''
  for await (const chunk of answer) text += (chunk as Buffer).toString('utf8')
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue
    let message: { error?: string; errorDetail?: { message?: string } }
    try {
      message = JSON.parse(line) as typeof message
    } catch {
      continue
    }
    if (message.error || message.errorDetail) throw new Error(`docker load: ${message.errorDetail?.message ?? message.error}`)
  }
}

interface Live {
  name: string
  docker: Dockerode
  pipe: PassThrough
  bytes: number
  started: number
  lastReport: number
  failed?: string
  done: Promise<void>
  controller: AbortController
}

export async function sendImage(options: SendImageOptions): Promise<SendImageResult> {
  const started = performance.now()
  const inspectTimeoutMs = options.inspectTimeoutMs ?? 15_000
  const timeoutMs = options.timeoutMs ?? 600_000
  const interval = options.progressIntervalMs ?? 250
  const id = await imageId(options.from, options.image, `inspect ${options.image} on the source`, inspectTimeoutMs)
  if (!id) throw new Error(`the source has no image ${options.image}`)

  const results = new Map<string, SendImageTargetResult>()
  const needed: SendImageTarget[] = []
  await Promise.all(
    options.to.map(async (t) => {
      const t0 = performance.now()
      try {
        const present = await imageId(t.docker, options.image, `inspect ${options.image} on ${t.name}`, inspectTimeoutMs)
        if (present === id) results.set(t.name, { name: t.name, ok: true, skipped: true, bytes: 0, ms: Math.round(performance.now() - t0) })
        else needed.push(t)
      } catch (err) {
        results.set(t.name, { name: t.name, ok: false, error: messageOf(err), bytes: 0, ms: Math.round(performance.now() - t0) })
      }
    }),
  )
  const finish = (): SendImageResult => ({
    image: options.image,
    id,
    targets: options.to.map((t) => results.get(t.name) ?? { name: t.name, ok: false, error: 'not sent', bytes: 0, ms: 0 }),
    ms: Math.round(performance.now() - started),
  })
  if (needed.length === 0) return finish()

  const live: Live[] = needed.map((t) => {
    const controller = new AbortController()
    const pipe = new PassThrough({ highWaterMark: 1024 * 1024 })
    const entry: Live = { name: t.name, docker: t.docker, pipe, bytes: 0, started: performance.now(), lastReport: 0, controller, done: Promise.resolve() }
    entry.done = withDeadline(`send ${options.image} to ${t.name}`, timeoutMs, async (signal) => {
      signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
      const loadImage = t.docker.loadImage.bind(t.docker) as unknown as (file: NodeJS.ReadableStream, opts: { abortSignal: AbortSignal }) => Promise<Readable>
      const answer = await loadImage(pipe, { abortSignal: controller.signal })
      await readLoadAnswer(answer)
    }).then(
      () => {
        if (entry.failed === undefined) results.set(t.name, { name: t.name, ok: true, bytes: entry.bytes, ms: Math.round(performance.now() - entry.started) })
      },
      (err: unknown) => fail(entry, messageOf(err)),
    )
    // An error on the pipe is reported through loadImage; this only keeps it from being unhandled.
    pipe.on('error', () => {})
    return entry
  })

  function fail(entry: Live, message: string): void {
    if (entry.failed !== undefined) return
    entry.failed = message
    results.set(entry.name, { name: entry.name, ok: false, error: message, bytes: entry.bytes, ms: Math.round(performance.now() - entry.started) })
    entry.controller.abort(new Error(message))
    entry.pipe.destroy(new Error(message))
    wake(entry)
  }

  // Writers waiting for a target's 'drain' are woken when it drains, closes or fails.
  const waiters = new Map<Live, () => void>()
  function wake(entry: Live): void {
    const waiter = waiters.get(entry)
    waiters.delete(entry)
    waiter?.()
  }
  const report = (entry: Live, force = false): void => {
    const now = performance.now()
    if (!force && now - entry.lastReport < interval) return
    entry.lastReport = now
    options.onProgress?.({ target: entry.name, bytes: entry.bytes })
  }
  const write = (entry: Live, chunk: Buffer): Promise<void> => {
    if (entry.failed !== undefined) return Promise.resolve()
    entry.bytes += chunk.length
    report(entry)
    if (entry.pipe.write(chunk)) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const done = (): void => wake(entry)
      waiters.set(entry, () => {
        entry.pipe.off('drain', done)
        entry.pipe.off('close', done)
        resolve()
      })
      entry.pipe.once('drain', done)
      entry.pipe.once('close', done)
    })
  }

  const onAbort = (): void => {
    for (const entry of live) fail(entry, `aborted: ${messageOf(options.signal?.reason ?? 'aborted')}`)
  }
  if (options.signal?.aborted) onAbort()
  options.signal?.addEventListener('abort', onAbort, { once: true })

  let source: Readable | undefined
  try {
    if (live.some((e) => e.failed === undefined)) {
      source = (await withDeadline(`docker save ${options.image}`, inspectTimeoutMs, () => options.from.getImage(options.image).get())) as unknown as Readable
      for await (const chunk of source) {
        const alive = live.filter((e) => e.failed === undefined)
        if (alive.length === 0) break
        await Promise.all(alive.map((e) => write(e, chunk as Buffer)))
      }
    }
    for (const entry of live) {
      if (entry.failed !== undefined) continue
      report(entry, true)
      entry.pipe.end()
    }
  } catch (err) {
    for (const entry of live) fail(entry, `reading the image from the source: ${messageOf(err)}`)
  } finally {
    source?.destroy()
    options.signal?.removeEventListener('abort', onAbort)
  }
  await Promise.all(live.map((e) => e.done))
  return finish()
}
