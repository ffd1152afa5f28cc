import { PassThrough } from 'node:stream'
import { text } from 'node:stream/consumers'
import { describe, expect, it } from 'vitest'
import { containerLogStream, dockerLogsQuery } from './docker-logs.ts'
import { muxFrame } from './testing.ts'

describe('dockerLogsQuery', () => {
  it('asks for both streams, all lines unless told, and only the window asked for', () => {
    expect(dockerLogsQuery({ follow: false, timestamps: false })).toEqual({ stdout: true, stderr: true, follow: false, timestamps: false, tail: 'all' })
    expect(dockerLogsQuery({ follow: true, timestamps: true, tail: 0, since: '10.5', until: '20.000000001' })).toEqual({
      stdout: true,
      stderr: true,
      follow: true,
      timestamps: true,
      tail: 0,
      since: '10.5',
      until: '20.000000001',
    })
  })
})

describe('containerLogStream', () => {
  it('merges stdout and stderr in Docker’s order', async () => {
    const response = new PassThrough()
    const { output } = containerLogStream(response, { tty: false, what: 'container web' })
    response.write(Buffer.concat([muxFrame(1, 'out 1\n'), muxFrame(2, 'err 1\n')]))
    response.end(muxFrame(1, 'out 2\n'))
    expect(await text(output)).toBe('out 1\nerr 1\nout 2\n')
  })

  it('passes a TTY container’s raw log through', async () => {
    const response = new PassThrough()
    const { output } = containerLogStream(response, { tty: true, what: 'container web' })
    response.end('raw\r\nbytes')
    expect(await text(output)).toBe('raw\r\nbytes')
  })

  it('stops at limitBytes, mid-line, and lets go of the node’s stream', async () => {
    const response = new PassThrough()
    let closed = 0
    const { output } = containerLogStream(response, { tty: false, limitBytes: 7, what: 'container web', onClose: () => closed++ })
    response.write(Buffer.concat([muxFrame(1, 'out 1\n'), muxFrame(2, 'err 1\n')]))
    expect(await text(output)).toBe('out 1\ne')
    expect(response.destroyed).toBe(true)
    expect(closed).toBe(1)
  })

  it('lets go of the node’s stream when the reader closes it', () => {
    const response = new PassThrough()
    let closed = 0
    const stream = containerLogStream(response, { tty: true, what: 'container web', onClose: () => closed++ })
    stream.close()
    stream.close()
    expect(response.destroyed).toBe(true)
    expect(stream.output.destroyed).toBe(true)
    expect(closed).toBe(1)
  })

  it('fails the output, saying which log, when the node’s stream breaks', async () => {
    const response = new PassThrough()
    const { output } = containerLogStream(response, { tty: true, what: 'container web of pod default/shop on node-1' })
    response.destroy(new Error('channel closed'))
    await expect(text(output)).rejects.toThrow('read the log of container web of pod default/shop on node-1: channel closed')
  })

  it('holds the node’s stream back while the reader is slow', async () => {
    const response = new PassThrough()
    const { output } = containerLogStream(response, { tty: true, what: 'container web' })
    response.write(Buffer.alloc(64 * 1024))
    expect(response.isPaused()).toBe(true)
    const drained = new Promise((resolve) => output.once('drain', resolve))
    output.resume()
    await drained
    expect(response.isPaused()).toBe(false)
  })
})
