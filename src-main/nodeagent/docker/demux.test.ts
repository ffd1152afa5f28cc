import { describe, expect, it } from 'vitest'
import { demuxDockerStream } from './demux.ts'

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
