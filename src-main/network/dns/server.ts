// The cluster DNS server that runs in a container on every node (host network), answering from the
// table the control plane writes to the node's disk (records.ts). It keeps answering while the
// control plane is away; a new table is picked up within a quarter second of being written. Names
// outside the cluster domain go to the node's own resolvers, byte for byte. Only Node's built-ins
// and wire.ts: this file is copied into the DNS image as it is.
//
//   node server.ts TABLE_FILE [PORT]     (UDP and TCP on 0.0.0.0:PORT, default 10053)

import { createSocket, type RemoteInfo } from 'node:dgram'
import { readFileSync, watchFile } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import {
  buildResponse,
  formatError,
  parseQuery,
  RCODE_NAME_ERROR,
  RCODE_NOT_IMPLEMENTED,
  RCODE_OK,
  RCODE_SERVER_FAILURE,
  TYPE_A,
  TYPE_ANY,
  TYPE_SRV,
  CLASS_IN,
  type Answer,
} from './wire.ts'

interface Table {
  domain: string
  records: Record<string, { a?: string[]; srv?: { port: number; target: string }[] }>
}

export type Forward = (packet: Buffer) => Promise<Buffer | null>

/**
 * The table's name for `name`: itself within the cluster domain; `SVC.NS` and `SVC.NS.svc` asked
 * bare (clients such as busybox nslookup apply search domains only to names without a dot) when
 * such a Service exists; otherwise null: not ours.
 */
export function ownName(name: string, table: Table): string | null {
  if (name === table.domain || name.endsWith(`.${table.domain}`)) return name
  const labels = name.split('.')
  const candidate = labels.length === 2 ? `${name}.svc.${table.domain}` : labels.length === 3 && labels[2] === 'svc' ? `${name}.${table.domain}` : null
  return candidate && table.records[candidate] ? candidate : null
}

/** The answer to one packet: from the table for the cluster domain, else whatever `forward` returns. */
export async function answer(packet: Buffer, table: Table, forward: Forward): Promise<Buffer | null> {
  const q = parseQuery(packet)
  if (!q) return formatError(packet)
  const name = ownName(q.name, table)
  if (name === null) return (await forward(packet)) ?? buildResponse(packet, q, RCODE_SERVER_FAILURE, [])
  if (q.qclass !== CLASS_IN) return buildResponse(packet, q, RCODE_NOT_IMPLEMENTED, [])
  const record = table.records[name]
  if (!record) return buildResponse(packet, q, RCODE_NAME_ERROR, [])
  const answers: Answer[] = []
  if (q.type === TYPE_A || q.type === TYPE_ANY) for (const address of record.a ?? []) answers.push({ type: TYPE_A, address })
  if (q.type === TYPE_SRV || q.type === TYPE_ANY) for (const s of record.srv ?? []) answers.push({ type: TYPE_SRV, srv: { priority: 0, weight: 100, port: s.port, target: s.target } })
  // Other types (AAAA, say) of a name we own: no data, no error, so resolvers do not give up on A.
  return buildResponse(packet, q, RCODE_OK, answers)
}

/** The node's resolvers, from a resolv.conf. */
export function nameservers(resolvConf: string): string[] {
  return resolvConf
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w[0] === 'nameserver' && w[1] && /^\d+\.\d+\.\d+\.\d+$/.test(w[1]))
    .map((w) => w[1] ?? '')
}

function udpForwarder(servers: readonly string[], timeoutMs: number): Forward {
  return async (packet) => {
    for (const server of servers) {
      const reply = await new Promise<Buffer | null>((resolve) => {
        const socket = createSocket('udp4')
        const timer = setTimeout(() => done(null), timeoutMs)
        const done = (value: Buffer | null): void => {
          clearTimeout(timer)
          socket.close()
          resolve(value)
        }
        socket.on('error', () => done(null))
        socket.on('message', (msg) => done(msg))
        socket.send(packet, 53, server)
      })
      if (reply) return reply
    }
    return null
  }
}

function main(): void {
  const [tableFile = '/data/records.json', portArg = '10053'] = process.argv.slice(2)
  const port = Number(portArg)
  let table: Table = { domain: 'cluster.local', records: {} }
  const load = (): void => {
    try {
      table = JSON.parse(readFileSync(tableFile, 'utf8')) as Table
    } catch (err) {
      // Keep answering from the last good table; the control plane writes a new one atomically.
      process.stderr.write(`cluster DNS: cannot read ${tableFile}: ${(err as Error).message}\n`)
    }
  }
  load()
  watchFile(tableFile, { interval: 200, persistent: true }, load)
  let upstream: string[] = []
  try {
    upstream = nameservers(readFileSync('/etc/resolv.conf', 'utf8'))
  } catch {
    upstream = []
  }
  const forward = udpForwarder(upstream, 2000)

  const udp = createSocket('udp4')
  udp.on('message', (msg: Buffer, peer: RemoteInfo) => {
    void answer(msg, table, forward).then((reply) => reply && udp.send(reply, peer.port, peer.address))
  })
  udp.bind(port, '0.0.0.0')

  createServer((socket: Socket) => {
    let buffered = Buffer.alloc(0)
    socket.on('error', () => socket.destroy())
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const packet = buffered.subarray(2, 2 + buffered.readUInt16BE(0))
        buffered = buffered.subarray(2 + packet.length)
        void answer(packet, table, forward).then((reply) => {
          if (!reply) return
          const length = Buffer.alloc(2)
          length.writeUInt16BE(reply.length)
          socket.write(Buffer.concat([length, reply]))
        })
      }
    })
  }).listen(port, '0.0.0.0')
  process.stdout.write(`cluster DNS on :${port}, table ${tableFile}, upstream ${upstream.join(' ') || 'none'}\n`)
}

if (process.argv[1]?.endsWith('server.ts') && process.env.COXSWAIN_DNS_SERVER === '1') main()
