// The DNS wire format, as much as the cluster DNS needs (RFC 1035, RFC 2782): read a query's header
// and question, write an answer with A or SRV records, or an error code. Pure and dependency-free:
// this file also runs inside the DNS container on every node (with server.ts).

export const TYPE_A = 1
export const TYPE_PTR = 12
export const TYPE_AAAA = 28
export const TYPE_SRV = 33
export const TYPE_ANY = 255
export const CLASS_IN = 1

export const RCODE_OK = 0
export const RCODE_FORMAT_ERROR = 1
export const RCODE_SERVER_FAILURE = 2
export const RCODE_NAME_ERROR = 3
export const RCODE_NOT_IMPLEMENTED = 4

export interface Question {
  id: number
  /** Recursion desired (echoed back). */
  rd: boolean
  /** Lower case, without the trailing dot. */
  name: string
  type: number
  qclass: number
  /** Where the question section ends (answers are written after it). */
  end: number
}

export interface SrvTarget {
  priority: number
  weight: number
  port: number
  target: string
}

export type Answer = { type: typeof TYPE_A; address: string } | { type: typeof TYPE_SRV; srv: SrvTarget }

/** Reads the first question of a query; null when the packet is not a well-formed standard query. */
export function parseQuery(packet: Buffer): Question | null {
  if (packet.length < 12) return null
  const flags = packet.readUInt16BE(2)
  const isResponse = (flags & 0x8000) !== 0
  const opcode = (flags >> 11) & 0xf
  if (isResponse || opcode !== 0 || packet.readUInt16BE(4) < 1) return null
  const labels: string[] = []
  let at = 12
  for (;;) {
    if (at >= packet.length) return null
    const len = packet[at] ?? 0
    if (len === 0) {
      at++
      break
    }
    if (len > 63 || at + 1 + len > packet.length) return null
    labels.push(packet.subarray(at + 1, at + 1 + len).toString('latin1').toLowerCase())
    at += 1 + len
  }
  if (at + 4 > packet.length) return null
  return { id: packet.readUInt16BE(0), rd: (flags & 0x0100) !== 0, name: labels.join('.'), type: packet.readUInt16BE(at), qclass: packet.readUInt16BE(at + 2), end: at + 4 }
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean)
  const bytes: number[] = []
  for (const p of parts) {
    const label = Buffer.from(p, 'latin1')
    bytes.push(label.length, ...label)
  }
  bytes.push(0)
  return Buffer.from(bytes)
}

function encodeAnswer(answer: Answer, ttl: number): Buffer {
  // The owner name is a pointer to the question's name at offset 12.
  let rdata: Buffer
  let type: number
  if (answer.type === TYPE_A) {
    type = TYPE_A
    rdata = Buffer.from(answer.address.split('.').map(Number))
  } else {
    type = TYPE_SRV
    const fixed = Buffer.alloc(6)
    fixed.writeUInt16BE(answer.srv.priority, 0)
    fixed.writeUInt16BE(answer.srv.weight, 2)
    fixed.writeUInt16BE(answer.srv.port, 4)
    rdata = Buffer.concat([fixed, encodeName(answer.srv.target)])
  }
  const head = Buffer.alloc(12)
  head.writeUInt16BE(0xc00c, 0)
  head.writeUInt16BE(type, 2)
  head.writeUInt16BE(CLASS_IN, 4)
  head.writeUInt32BE(ttl, 6)
  head.writeUInt16BE(rdata.length, 10)
  return Buffer.concat([head, rdata])
}

/**
 * The response to `query` (the original packet): its header and question, then `answers`. The
 * response is authoritative for names we own; recursion is offered as the resolver forwards others.
 */
export function buildResponse(query: Buffer, q: Question, rcode: number, answers: readonly Answer[], ttl = 5): Buffer {
  const header = Buffer.alloc(12)
  header.writeUInt16BE(q.id, 0)
  header.writeUInt16BE(0x8000 | 0x0400 | (q.rd ? 0x0100 : 0) | 0x0080 | (rcode & 0xf), 2)
  header.writeUInt16BE(1, 4)
  header.writeUInt16BE(answers.length, 6)
  return Buffer.concat([header, query.subarray(12, q.end), ...answers.map((a) => encodeAnswer(a, ttl))])
}

/** A bare error answer for a packet we could not read (FORMERR), echoing its id. */
export function formatError(packet: Buffer): Buffer | null {
  if (packet.length < 2) return null
  const header = Buffer.alloc(12)
  header.writeUInt16BE(packet.readUInt16BE(0), 0)
  header.writeUInt16BE(0x8000 | RCODE_FORMAT_ERROR, 2)
  return header
}
