// The real hosts against stand-ins for a machine: an in-process SSH server (real protocol, real
// /bin/sh) and a fake Docker engine on a unix socket answering /_ping, /info and /images/json.

import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { quietLog } from '../../apiserver/testing.ts'
import { observeNode } from '../node/observe.ts'
import { busyboxImage, dockerInfo } from '../node/testing.ts'
import type { ConnectionStatus } from '../ssh/connection.ts'
import { fingerprintOf } from '../ssh/host-key.ts'
import { PinnedHostKeys } from '../ssh/pinned-host-keys.ts'
import { TestSshServer, generateKeyPair, publicKeyBlob, type KeyPair } from '../ssh/test-ssh-server.ts'
import { LocalMachineHost, SshMachineHost, type MachineHost } from './host.ts'

let dir: string
let docker: Server
let socketPath: string
const hosts: MachineHost[] = []

async function fakeDocker(path: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = (req.url ?? '').replace(/^\/v[\d.]+/, '')
    const json = (body: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (url.startsWith('/_ping')) res.end('OK')
    else if (url.startsWith('/info')) json(dockerInfo({ DockerRootDir: dir }))
    else if (url.startsWith('/images/json')) json([busyboxImage])
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(path, resolve))
  return server
}

const waitState = (host: MachineHost, state: ConnectionStatus['state']) =>
  new Promise<ConnectionStatus>((resolve) => {
    if (host.status.state === state) resolve(host.status)
    const dispose = host.on('state', (s) => {
      if (s.state !== state) return
      dispose()
      resolve(s)
    })
  })

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coxswain-host-'))
  socketPath = join(dir, 'docker.sock')
  docker = await fakeDocker(socketPath)
})
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()))
  await new Promise((resolve) => docker.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

describe('LocalMachineHost', () => {
  it('is connected while the Docker engine answers, and probes this machine', async () => {
    const host = new LocalMachineHost({ name: 'laptop', dockerSocket: socketPath, log: quietLog, pingIntervalMs: 20 })
    hosts.push(host)
    host.start()
    await waitState(host, 'connected')
    const observation = await observeNode(host, 5000)
    expect(observation.docker.NCPU).toBe(2)
    expect(observation.memory.totalBytes).toBeGreaterThan(0)
    expect(observation.disk.capacityBytes).toBeGreaterThan(0)
    expect(observation.images).toEqual([busyboxImage])
    expect(host.hostKeyFingerprint).toBeUndefined()
  })

  it('is unreachable, saying why, when the socket does not answer', async () => {
    const host = new LocalMachineHost({ name: 'laptop', dockerSocket: join(dir, 'missing.sock'), log: quietLog })
    hosts.push(host)
    host.start()
    const status = await waitState(host, 'unreachable')
    expect(status.reason).toMatch(/^the Docker engine at .*missing\.sock does not answer: .*ENOENT/)
  })

  it('runs commands here, with exit codes and deadlines', async () => {
    const host = new LocalMachineHost({ name: 'laptop', dockerSocket: socketPath, log: quietLog })
    hosts.push(host)
    expect(await host.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 5000 })).toEqual({ code: 3, signal: null, stdout: 'out\n', stderr: 'err\n' })
    await expect(host.exec(['sleep', '5'], { timeoutMs: 100 })).rejects.toThrow('exec sleep on laptop: no answer within 100 ms')
    await expect(host.exec(['/nonexistent/tool'], { timeoutMs: 1000 })).rejects.toThrow(/exec \/nonexistent\/tool on laptop: .*ENOENT/)
  })

  it('dials TCP from here', async () => {
    const server = createServer((_req, res) => res.end('hi'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    const host = new LocalMachineHost({ name: 'laptop', dockerSocket: socketPath, log: quietLog })
    hosts.push(host)
    const socket = await host.dial('127.0.0.1', port, 1000)
    socket.destroy()
    await new Promise((resolve) => server.close(resolve))
    await expect(host.dial('127.0.0.1', port, 1000)).rejects.toThrow(/ECONNREFUSED/)
  })
})

describe('SshMachineHost', () => {
  let hostKey: KeyPair
  let clientKey: KeyPair
  let sshd: TestSshServer
  beforeAll(() => {
    hostKey = generateKeyPair()
    clientKey = generateKeyPair()
  })
  beforeEach(async () => {
    sshd = await TestSshServer.start({ hostKey, clientPublicKey: clientKey.public })
  })
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.close()))
    await sshd.stop()
  })

  it('probes the machine over one SSH connection: the shell probe and Docker through stream-local channels', async () => {
    const pins = new PinnedHostKeys(join(dir, 'known_hosts.json'))
    const fingerprint = fingerprintOf(publicKeyBlob(hostKey))
    const host = new SshMachineHost({
      connection: {
        name: 'node-t',
        host: '127.0.0.1',
        port: sshd.port,
        username: 'tester',
        auth: { kind: 'privateKey', privateKey: clientKey.private },
        hostKeys: { store: pins, expectedFingerprint: fingerprint },
        logger: quietLog,
      },
      dockerSocket: socketPath,
      pins,
    })
    hosts.push(host)
    host.start()
    await waitState(host, 'connected')
    expect(host.hostKeyFingerprint).toBe(fingerprint)
    const observation = await observeNode(host, 5000)
    expect(observation.docker.ServerVersion).toBe('20.10.24+dfsg1')
    expect(observation.images).toEqual([busyboxImage])
    // The test server runs commands without an SSH_CONNECTION: the address falls back to the machine's.
    expect(observation.internalIP).toBe('127.0.0.1')
    expect(observation.pids.max).toBeGreaterThan(0)
  })
})
