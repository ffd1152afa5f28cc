import { describe, expect, it } from 'vitest'
import { LineDecoder, parseWatchLine, readWatchStream } from './watch-stream.ts'

const encoder = new TextEncoder()
const added = (name: string, rv = '1') => ({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, resourceVersion: rv } } })
const line = (value: unknown) => JSON.stringify(value) + '\n'

/** A body that delivers `chunks` one read at a time. */
function body(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
      controller.close()
    },
  })
}

async function read(chunks: (string | Uint8Array)[]): Promise<unknown[]> {
  const events: unknown[] = []
  await readWatchStream(body(chunks), (e) => events.push(e))
  return events
}

describe('LineDecoder', () => {
  it('keeps a line split across chunks until its newline arrives', () => {
    const lines = new LineDecoder()
    expect(lines.push(encoder.encode('{"a":'))).toEqual([])
    expect(lines.push(encoder.encode('1}\n{"b"'))).toEqual(['{"a":1}'])
    expect(lines.push(encoder.encode(':2}\n'))).toEqual(['{"b":2}'])
    expect(lines.end()).toEqual([])
  })

  it('decodes a multi-byte character split between chunks', () => {
    const bytes = encoder.encode('"ü€"\n')
    const lines = new LineDecoder()
    // Split inside both the 2-byte ü and the 3-byte €.
    expect(lines.push(bytes.slice(0, 2))).toEqual([])
    expect(lines.push(bytes.slice(2, 5))).toEqual([])
    expect(lines.push(bytes.slice(5))).toEqual(['"ü€"'])
  })

  it('drops blank lines and gives the last line without a newline at the end', () => {
    const lines = new LineDecoder()
    expect(lines.push(encoder.encode('\n\r\n{"a":1}\n\n{"b"'))).toEqual(['{"a":1}'])
    expect(lines.push(encoder.encode(':2}'))).toEqual([])
    expect(lines.end()).toEqual(['{"b":2}'])
  })
})

describe('parseWatchLine', () => {
  it('reads events', () => {
    expect(parseWatchLine(JSON.stringify(added('a')))).toEqual(added('a'))
    expect(parseWatchLine('{"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"9"}}}')).toEqual({
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', metadata: { resourceVersion: '9' } },
    })
  })

  it('reads an ERROR event’s Status, and makes one up when the object is not a Status', () => {
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 5 (12)', reason: 'Expired', code: 410 }
    expect(parseWatchLine(JSON.stringify({ type: 'ERROR', object: status }))).toEqual({ type: 'ERROR', object: status })
    expect(parseWatchLine('{"type":"ERROR","object":{"oops":1}}')).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 500, reason: 'InternalError' } })
  })

  it.each([
    ['not JSON', '{"type":'],
    ['an unknown type', '{"type":"RENAMED","object":{"metadata":{}}}'],
    ['no object', '{"type":"ADDED"}'],
    ['an object without metadata', '{"type":"ADDED","object":{"kind":"Pod"}}'],
    ['an array', '[1,2]'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseWatchLine(text)).toThrow(/watch stream/)
  })
})

describe('readWatchStream', () => {
  it('reads events in order, however the chunks fall', async () => {
    const text = line(added('a', '1')) + line(added('b', '2')) + line(added('c', '3'))
    const expected = [added('a', '1'), added('b', '2'), added('c', '3')]
    // One chunk; one byte per chunk; every split in between.
    expect(await read([text])).toEqual(expected)
    expect(await read([...encoder.encode(text)].map((b) => new Uint8Array([b])))).toEqual(expected)
    for (let at = 1; at < text.length; at += 7) expect(await read([text.slice(0, at), text.slice(at)])).toEqual(expected)
  })

  it('passes ERROR events on like any other', async () => {
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 }
    expect(await read([line(added('a')), line({ type: 'ERROR', object: status })])).toEqual([added('a'), { type: 'ERROR', object: status }])
  })

  it('rejects a stream carrying something that is not an event, after the events before it', async () => {
    const events: unknown[] = []
    await expect(readWatchStream(body([line(added('a')), 'garbage\n', line(added('b'))]), (e) => events.push(e))).rejects.toThrow(/not JSON: garbage/)
    expect(events).toEqual([added('a')])
  })

  it('rejects when the connection breaks mid-stream', async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(line(added('a'))))
        controller.error(new TypeError('network error'))
      },
    })
    const events: unknown[] = []
    await expect(readWatchStream(broken, (e) => events.push(e))).rejects.toThrow('network error')
  })
})
