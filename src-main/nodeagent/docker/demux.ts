// Docker's multiplexed stream format (container logs and attach without a TTY): frames of an 8-byte
// header — stream type (1 stdout, 2 stderr), three zero bytes, big-endian payload length — then payload.

export interface DemuxedOutput {
  stdout: string
  stderr: string
}

/** Splits a complete multiplexed buffer into stdout and stderr. Throws on a truncated frame. */
export function demuxDockerStream(buffer: Buffer): DemuxedOutput {
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  let offset = 0
  while (offset < buffer.length) {
    if (offset + 8 > buffer.length) throw new Error(`docker stream: truncated frame header at byte ${offset}`)
    const type = buffer[offset]
    const length = buffer.readUInt32BE(offset + 4)
    const start = offset + 8
    if (start + length > buffer.length) throw new Error(`docker stream: frame at byte ${offset} needs ${length} bytes, ${buffer.length - start} left`)
    const payload = buffer.subarray(start, start + length)
    if (type === 2) stderr.push(payload)
    else if (type === 1 || type === 0) stdout.push(payload)
    offset = start + length
  }
  return { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }
}

export type DockerStreamName = 'stdout' | 'stderr'

/**
 * Splits Docker's multiplexed stream as it arrives (container logs, exec and attach without a TTY):
 * frames may span chunks and chunks may hold many frames. Payloads are handed on as they come, in
 * order, without waiting for a frame to be complete; stdin frames (type 0) count as stdout, as the
 * Docker CLI treats them.
 */
export class DockerStreamDemuxer {
  readonly #onPayload: (stream: DockerStreamName, payload: Buffer) => void
  readonly #header = Buffer.alloc(8)
  #headerBytes = 0
  #remaining = 0
  #stream: DockerStreamName = 'stdout'

  constructor(onPayload: (stream: DockerStreamName, payload: Buffer) => void) {
    this.#onPayload = onPayload
  }

  push(chunk: Buffer): void {
    let offset = 0
    while (offset < chunk.length) {
      if (this.#remaining === 0) {
        const take = Math.min(8 - this.#headerBytes, chunk.length - offset)
        chunk.copy(this.#header, this.#headerBytes, offset, offset + take)
        this.#headerBytes += take
        offset += take
        if (this.#headerBytes < 8) return
        this.#headerBytes = 0
        this.#stream = this.#header[0] === 2 ? 'stderr' : 'stdout'
        this.#remaining = this.#header.readUInt32BE(4)
        continue
      }
      const take = Math.min(this.#remaining, chunk.length - offset)
      this.#remaining -= take
      this.#onPayload(this.#stream, chunk.subarray(offset, offset + take))
      offset += take
    }
  }

  /** True between frames: the stream so far ended on a frame boundary. */
  get atBoundary(): boolean {
    return this.#remaining === 0 && this.#headerBytes === 0
  }
}
