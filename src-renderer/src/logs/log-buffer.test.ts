import { describe, expect, it } from 'vitest'
import { LogBuffer, logFileName, matchLines, mergeByTime } from './log-buffer.ts'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('LogBuffer', () => {
  it.each([
    ['whole lines', ['a\nb\n'], ['a', 'b']],
    ['a line split across chunks', ['hel', 'lo\nwor', 'ld\n'], ['hello', 'world']],
    ['CRLF line ends', ['a\r\nb\r\n'], ['a', 'b']],
    ['empty lines kept', ['a\n\nb\n'], ['a', '', 'b']],
    ['no newline yet', ['partial'], []],
  ])('%s', (_name, chunks, expected) => {
    const buffer = new LogBuffer()
    for (const c of chunks) buffer.push(bytes(c))
    expect(buffer.lines().map((l) => l.text)).toEqual(expected)
  })

  it('joins a UTF-8 character split between chunks', () => {
    const all = bytes('grüße\n')
    const buffer = new LogBuffer()
    buffer.push(all.slice(0, 3))
    buffer.push(all.slice(3))
    expect(buffer.lines()[0]?.text).toBe('grüße')
  })

  it('keeps the last line when the stream ends without a newline', () => {
    const buffer = new LogBuffer()
    buffer.push(bytes('a\nlast'))
    buffer.end()
    expect(buffer.text()).toBe('a\nlast\n')
  })

  it('keeps only the newest lines, with stable numbers', () => {
    const buffer = new LogBuffer(3)
    buffer.push(bytes('1\n2\n3\n4\n5\n'))
    expect(buffer.lines()).toEqual([
      { n: 2, text: '3' },
      { n: 3, text: '4' },
      { n: 4, text: '5' },
    ])
    expect(buffer.dropped).toBe(2)
  })
})

describe('matchLines', () => {
  const lines = ['GET /health 200', 'POST /login 401', 'get /index 200'].map((text, n) => ({ n, text }))
  it.each([
    ['', 3],
    ['get', 2],
    [' 401 ', 1],
    ['nothing', 0],
  ])('%j matches %d lines', (search, count) => expect(matchLines(lines, search)).toHaveLength(count))
})

describe('logFileName', () => {
  it('names pod, container and time without characters file systems refuse', () => {
    expect(logFileName('web-7d9f', 'app', new Date('2026-01-02T03:04:05.678Z'))).toBe('web-7d9f_app_2026-01-02T03-04-05-678Z.log')
  })
})

describe('mergeByTime', () => {
  it('interleaves pods by timestamp and prefixes each line with its pod', () => {
    const merged = mergeByTime({
      'web-1': '2026-01-01T00:00:01.000000000Z a1\n2026-01-01T00:00:03.000000000Z a2\n',
      'web-2': '2026-01-01T00:00:02.000000000Z b1\r\ncontinued without a time\n',
    })
    expect(merged.map((l) => l.text)).toEqual(['[web-1] a1', '[web-2] b1', '[web-2] continued without a time', '[web-1] a2'])
  })

  it('keeps only the newest lines', () => {
    expect(mergeByTime({ p: '2026-01-01T00:00:01Z 1\n2026-01-01T00:00:02Z 2\n2026-01-01T00:00:03Z 3\n' }, 2).map((l) => l.text)).toEqual(['[p] 2', '[p] 3'])
  })

  it('is empty for empty logs', () => {
    expect(mergeByTime({ a: '', b: '\n' })).toEqual([])
  })
})
