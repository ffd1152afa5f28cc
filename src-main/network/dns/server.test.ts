import { describe, expect, it } from 'vitest'
import { answer, nameservers, ownName } from './server.ts'
import { RCODE_NAME_ERROR, RCODE_OK, RCODE_SERVER_FAILURE, TYPE_A, TYPE_AAAA, TYPE_SRV } from './wire.ts'
import { query } from './testing.ts'

const TABLE = {
  domain: 'cluster.local',
  records: {
    'web.default.svc.cluster.local': { a: ['10.96.0.2'] },
    'db.default.svc.cluster.local': { a: ['10.244.1.5', '10.244.2.6'] },
    '_http._tcp.web.default.svc.cluster.local': { srv: [{ port: 80, target: 'web.default.svc.cluster.local' }] },
  },
}
const noUpstream = async (): Promise<Buffer | null> => null

function summary(r: Buffer | null): { rcode: number; answers: number } {
  if (!r) throw new Error('no answer')
  return { rcode: r.readUInt16BE(2) & 0xf, answers: r.readUInt16BE(6) }
}

describe('the cluster DNS server', () => {
  it.each([
    ['web.default.svc.cluster.local', TYPE_A, { rcode: RCODE_OK, answers: 1 }],
    ['db.default.svc.cluster.local', TYPE_A, { rcode: RCODE_OK, answers: 2 }],
    ['web.default.svc.cluster.local', TYPE_AAAA, { rcode: RCODE_OK, answers: 0 }],
    ['_http._tcp.web.default.svc.cluster.local', TYPE_SRV, { rcode: RCODE_OK, answers: 1 }],
    ['web.default', TYPE_A, { rcode: RCODE_OK, answers: 1 }],
    ['web.default.svc', TYPE_A, { rcode: RCODE_OK, answers: 1 }],
    ['nope.default.svc.cluster.local', TYPE_A, { rcode: RCODE_NAME_ERROR, answers: 0 }],
    ['example.com', TYPE_A, { rcode: RCODE_SERVER_FAILURE, answers: 0 }],
  ])('answers %s (type %d)', async (name, type, expected) => {
    expect(summary(await answer(query(name, type), TABLE, noUpstream))).toEqual(expected)
  })

  it('passes other names to the node resolvers untouched', async () => {
    const seen: Buffer[] = []
    const upstreamAnswer = Buffer.from('upstream answer')
    const q = query('example.com', TYPE_A)
    expect(await answer(q, TABLE, async (p) => (seen.push(p), upstreamAnswer))).toBe(upstreamAnswer)
    expect(seen).toEqual([q])
  })

  it.each([
    ['web.default', 'web.default.svc.cluster.local'],
    ['web.default.svc', 'web.default.svc.cluster.local'],
    ['nope.default', null],
    ['example.com', null],
    ['a.b.c.cluster.local', 'a.b.c.cluster.local'],
  ])('takes %s as %s', (name, own) => {
    expect(ownName(name, TABLE)).toBe(own)
  })

  it('keeps the question it was asked, so a client matches the answer', async () => {
    const q = query('web.default', TYPE_A)
    const r = await answer(q, TABLE, noUpstream)
    expect(r?.subarray(12, q.length)).toEqual(q.subarray(12))
  })

  it('reads the node resolvers from resolv.conf', () => {
    expect(nameservers('# comment\nsearch lan\nnameserver 192.168.1.1\nnameserver ::1\nnameserver 10.0.0.2 \noptions ndots:1\n')).toEqual(['192.168.1.1', '10.0.0.2'])
  })
})
