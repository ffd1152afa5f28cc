import { describe, expect, it } from 'vitest'
import { DockerStreamDemuxer, demuxDockerStream, type DockerStreamName } from './demux.ts'

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = type
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

describe('demuxDockerStream', () => {
  it('splits frames into stdout and stderr, in order', () => {
    const buffer = Buffer.concat([frame(1, 'hello '), frame(2, 'oops\n'), frame(1, 'world\n'), frame(1, '')])
    expect(demuxDockerStream(buffer)).toEqual({ stdout: 'hello world\n', stderr: 'oops\n' })
  })

  it('reads an empty stream as empty output', () => {
    expect(demuxDockerStream(Buffer.alloc(0))).toEqual({ stdout: '', stderr: '' })
  })

  it('refuses a truncated frame', () => {
    expect(() => demuxDockerStream(frame(1, 'hello').subarray(0, 10))).toThrow(/needs 5 bytes, 2 left/)
    expect(() => demuxDockerStream(Buffer.alloc(3))).toThrow(/truncated frame header/)
  })
})

describe('DockerStreamDemuxer', () => {
  const collect = (): { demux: DockerStreamDemuxer; out: [DockerStreamName, string][] } => {
    const out: [DockerStreamName, string][] = []
    return { demux: new DockerStreamDemuxer((stream, payload) => out.push([stream, payload.toString('utf8')])), out }
  }
  const merged = (out: [DockerStreamName, string][]): string => out.map(([stream, text]) => `${stream}:${text}`).join('|')

  it('hands on payloads in order, several frames per chunk', () => {
    const { demux, out } = collect()
    demux.push(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]))
    expect(merged(out)).toBe('stdout:out 1\n|stderr:err 1\n|stdout:out 2\n')
    expect(demux.atBoundary).toBe(true)
  })

  it('reads frames split anywhere, even one byte at a time', () => {
    const stream = Buffer.concat([frame(2, 'warning\n'), frame(1, 'done\n')])
    const { demux, out } = collect()
    for (const byte of stream) demux.push(Buffer.of(byte))
    expect(out.filter(([s]) => s === 'stderr').map(([, t]) => t).join('')).toBe('warning\n')
    expect(out.filter(([s]) => s === 'stdout').map(([, t]) => t).join('')).toBe('done\n')
  })

  it('passes a large payload on as it arrives, without waiting for the whole frame', () => {
    const big = frame(1, 'x'.repeat(100_000))
    const { demux, out } = collect()
    demux.push(big.subarray(0, 5000))
    expect(out.map(([, t]) => t.length)).toEqual([4992])
    expect(demux.atBoundary).toBe(false)
    demux.push(big.subarray(5000))
    expect(out.reduce((n, [, t]) => n + t.length, 0)).toBe(100_000)
    expect(demux.atBoundary).toBe(true)
  })

  it('counts stdin frames (type 0) as stdout and skips empty frames', () => {
    const { demux, out } = collect()
    demux.push(Buffer.concat([frame(0, 'echo'), frame(1, ''), frame(2, '!')]))
    expect(out).toEqual([
      ['stdout', 'echo'],
      ['stderr', '!'],
    ])
  })
})
