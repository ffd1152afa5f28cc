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
