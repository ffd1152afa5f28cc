import { describe, expect, it } from 'vitest'
import { query } from './testing.ts'
import { buildResponse, formatError, parseQuery, RCODE_NAME_ERROR, RCODE_OK, TYPE_A, TYPE_AAAA, TYPE_SRV } from './wire.ts'


describe('parseQuery', () => {
  it('reads id, flags and the question, lower-casing the name', () => {
    const packet = query('Web.Default.svc.cluster.local', TYPE_A)
    expect(parseQuery(packet)).toEqual({ id: 0x1234, rd: true, name: 'web.default.svc.cluster.local', type: TYPE_A, qclass: 1, end: packet.length })
  })

  it.each([
    ['too short', Buffer.from([0, 1, 2])],
    ['a response', Buffer.from([0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1])],
    ['no question', Buffer.from([0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['a label running past the end', Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, 0x61])],
    ['a compression pointer in a query', Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1])],
  ])('refuses %s', (_, packet) => {
    expect(parseQuery(packet)).toBeNull()
  })
})

describe('buildResponse', () => {
  it('answers A records after the question, the owner pointing at it', () => {
    const q = query('web.default.svc.cluster.local', TYPE_A)
    const parsed = parseQuery(q)
    if (!parsed) throw new Error('query did not parse')
    const r = buildResponse(q, parsed, RCODE_OK, [{ type: TYPE_A, address: '10.96.0.2' }], 5)
    expect(r.readUInt16BE(0)).toBe(0x1234)
    expect(r.readUInt16BE(2)).toBe(0x8580) // response, authoritative, RD echoed, RA
    expect([r.readUInt16BE(4), r.readUInt16BE(6)]).toEqual([1, 1])
    expect([...r.subarray(q.length)]).toEqual([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 96, 0, 2])
  })

  it('writes SRV targets as uncompressed names', () => {
    const q = query('_http._tcp.web.default.svc.cluster.local', TYPE_SRV)
    const parsed = parseQuery(q)
    if (!parsed) throw new Error('query did not parse')
    const r = buildResponse(q, parsed, RCODE_OK, [{ type: TYPE_SRV, srv: { priority: 0, weight: 100, port: 80, target: 'web.ns' } }], 5)
    expect([...r.subarray(q.length + 10)]).toEqual([0, 14, 0, 0, 0, 100, 0, 80, 3, 0x77, 0x65, 0x62, 2, 0x6e, 0x73, 0])
  })

  it('says NXDOMAIN with no answers', () => {
    const q = query('nope.default.svc.cluster.local', TYPE_AAAA)
    const parsed = parseQuery(q)
    if (!parsed) throw new Error('query did not parse')
    const r = buildResponse(q, parsed, RCODE_NAME_ERROR, [])
    expect(r.readUInt16BE(2) & 0xf).toBe(RCODE_NAME_ERROR)
    expect(r.length).toBe(q.length)
  })

  it('answers garbage with FORMERR under its id', () => {
    expect([...(formatError(Buffer.from([0xab, 0xcd, 0xff])) ?? [])]).toEqual([0xab, 0xcd, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0])
  })
})
