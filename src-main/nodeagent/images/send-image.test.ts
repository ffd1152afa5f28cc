import { Readable } from 'node:stream'
import type Dockerode from 'dockerode'
import { describe, expect, it } from 'vitest'
import { sendImage, type SendImageProgress } from './send-image.ts'

const CHUNK = 64 * 1024
const CHUNKS = 64

interface FakeOptions {
  images?: Record<string, string>
  /** loadImage fails after reading this many bytes. */
  failAfter?: number
  /** loadImage reads slowly (ms per chunk), to exercise back-pressure. */
  slowMs?: number
  /** loadImage never answers (deadline). */
  hang?: boolean
}

class FakeDocker {
  readonly images: Record<string, string>
  received = 0
  loads = 0
  saves = 0
  maxSourceAhead = 0
  readonly #o: FakeOptions
  constructor(o: FakeOptions = {}) {
    this.#o = o
    this.images = { ...o.images }
  }

  getImage(name: string) {
    return {
      inspect: async () => {
        const id = this.images[name]
        if (!id) throw Object.assign(new Error(`no such image: ${name}`), { statusCode: 404 })
        return { Id: id }
      },
      get: async () => {
        this.saves++
        let i = 0
        return new Readable({
          read() {
            if (i++ < CHUNKS) this.push(Buffer.alloc(CHUNK, i))
            else this.push(null)
          },
        })
      },
    }
  }

  async loadImage(stream: Readable, opts: { abortSignal?: AbortSignal }): Promise<Readable> {
    this.loads++
    if (this.#o.hang) {
      await new Promise((_, reject) => opts.abortSignal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }))
    }
    for await (const chunk of stream) {
      this.received += (chunk as Buffer).length
      if (this.#o.failAfter !== undefined && this.received >= this.#o.failAfter) throw new Error('disk full')
      if (this.#o.slowMs) await new Promise((r) => setTimeout(r, this.#o.slowMs))
    }
    this.images.busybox = 'sha256:abc'
    return Readable.from([Buffer.from('{"stream":"Loaded image: busybox\\n"}\r\n')])
  }
}

const asDocker = (f: FakeDocker) => f as unknown as Dockerode

describe('sendImage', () => {
  it('fans one docker save out to every target, skipping one that has the image and surviving one that fails', async () => {
    const source = new FakeDocker({ images: { busybox: 'sha256:abc' } })
    const good = new FakeDocker({ slowMs: 1 })
    const good2 = new FakeDocker({ images: { busybox: 'sha256:old' } })
    const failing = new FakeDocker({ failAfter: 5 * CHUNK })
    const present = new FakeDocker({ images: { busybox: 'sha256:abc' } })
    const progress: SendImageProgress[] = []
    const result = await sendImage({
      image: 'busybox',
      from: asDocker(source),
      to: [
        { name: 'good', docker: asDocker(good) },
        { name: 'good2', docker: asDocker(good2) },
        { name: 'failing', docker: asDocker(failing) },
        { name: 'present', docker: asDocker(present) },
      ],
      onProgress: (p) => progress.push(p),
      progressIntervalMs: 0,
    })
    expect(result.id).toBe('sha256:abc')
    expect(source.saves).toBe(1)
    const byName = Object.fromEntries(result.targets.map((t) => [t.name, t]))
    expect(byName.good).toMatchObject({ ok: true, bytes: CHUNK * CHUNKS })
    expect(byName.good2).toMatchObject({ ok: true, bytes: CHUNK * CHUNKS })
    expect(byName.failing).toMatchObject({ ok: false, error: expect.stringContaining('disk full') })
    expect(byName.failing?.bytes).toBeLessThan(CHUNK * CHUNKS)
    expect(byName.present).toMatchObject({ ok: true, skipped: true, bytes: 0 })
    expect(present.loads).toBe(0)
    expect(good.received).toBe(CHUNK * CHUNKS)
    expect(good2.images.busybox).toBe('sha256:abc')
    expect(progress.filter((p) => p.target === 'good').at(-1)?.bytes).toBe(CHUNK * CHUNKS)
    expect(progress.some((p) => p.target === 'present')).toBe(false)
  })

  it('does not read the source when every target already has the image', async () => {
    const source = new FakeDocker({ images: { busybox: 'sha256:abc' } })
    const present = new FakeDocker({ images: { busybox: 'sha256:abc' } })
    const result = await sendImage({ image: 'busybox', from: asDocker(source), to: [{ name: 'p', docker: asDocker(present) }] })
    expect(source.saves).toBe(0)
    expect(result.targets).toEqual([expect.objectContaining({ name: 'p', ok: true, skipped: true })])
  })

  it('drops a target that passes its deadline while the others finish', async () => {
    const source = new FakeDocker({ images: { busybox: 'sha256:abc' } })
    const hung = new FakeDocker({ hang: true })
    const good = new FakeDocker()
    const result = await sendImage({
      image: 'busybox',
      from: asDocker(source),
      to: [
        { name: 'hung', docker: asDocker(hung) },
        { name: 'good', docker: asDocker(good) },
      ],
      timeoutMs: 300,
    })
    const byName = Object.fromEntries(result.targets.map((t) => [t.name, t]))
    expect(byName.hung).toMatchObject({ ok: false, error: expect.stringContaining('within 300 ms') })
    expect(byName.good).toMatchObject({ ok: true, bytes: CHUNK * CHUNKS })
  })

  it('fails when the source has no such image', async () => {
    await expect(sendImage({ image: 'nope', from: asDocker(new FakeDocker()), to: [] })).rejects.toThrow(/no image nope/)
  })
})
