import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DeadlineExceededError } from '../../util/deadline.ts'
import { createLogger } from '../../util/log.ts'
import { NodeConnection } from '../ssh/connection.ts'
import { fingerprintOf } from '../ssh/host-key.ts'
import { PinnedHostKeys } from '../ssh/pinned-host-keys.ts'
import { TestSshServer, generateKeyPair, publicKeyBlob, type KeyPair } from '../ssh/test-ssh-server.ts'
import { dockerCall, dockerOverSsh, dockerPing, type NodeDocker } from './client.ts'

/** A stand-in for dockerd on a unix socket: answers /_ping and /containers/json, or hangs when told. */
class FakeDockerd {
  readonly server: Server
  readonly connections = new Set<Socket>()
  accepted = 0
  hang = false
  constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (this.hang) return
      if (req.url?.endsWith('/_ping')) res.end('OK')
      else if (req.url?.startsWith('/containers/json')) res.setHeader('content-type', 'application/json').end('[{"Id":"abc","Names":["/web"]}]')
      else res.writeHead(404).end('{"message":"no such thing"}')
    })
    this.server.on('connection', (socket: Socket) => {
      this.accepted++
      this.connections.add(socket)
      socket.on('close', () => this.connections.delete(socket))
    })
  }
  listen(path: string): Promise<void> {
    return new Promise((resolve) => this.server.listen(path, () => resolve()))
  }
  close(): void {
    this.server.closeAllConnections()
    this.server.close()
  }
}

let hostKey: KeyPair
let clientKey: KeyPair
beforeAll(() => {
  hostKey = generateKeyPair()
  clientKey = generateKeyPair()
})

let dir: string
let sshd: TestSshServer
let dockerd: FakeDockerd
let connection: NodeConnection
let node: NodeDocker
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coxswain-docker-'))
  dockerd = new FakeDockerd()
  await dockerd.listen(join(dir, 'docker.sock'))
  sshd = await TestSshServer.start({ hostKey, clientPublicKey: clientKey.public })
  connection = new NodeConnection({
    name: 'node-d',
    host: '127.0.0.1',
    port: sshd.port,
    username: 'tester',
    auth: { kind: 'privateKey', privateKey: clientKey.private },
    hostKeys: { store: new PinnedHostKeys(join(dir, 'known-hosts.json')), expectedFingerprint: fingerprintOf(publicKeyBlob(hostKey)) },
    readyTimeoutMs: 1000,
    backoff: { initialMs: 20, maxMs: 200 },
    logger: createLogger({}, () => {}),
  })
  connection.start()
  await connection.waitFor((s) => s.state === 'connected', 3000)
  node = dockerOverSsh(connection, { socketPath: join(dir, 'docker.sock'), openTimeoutMs: 300 })
})
afterEach(async () => {
  node.agent.destroy()
  await connection.close(200)
  await sshd.stop()
  dockerd.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('dockerode over the SSH connection', () => {
  it('answers API calls through the node’s Docker socket', async () => {
    expect(String(await node.docker.ping())).toBe('OK')
    expect(await node.docker.listContainers()).toEqual([{ Id: 'abc', Names: ['/web'] }])
    await expect(node.docker.getContainer('nope').inspect()).rejects.toThrow(/no such thing/)
  })

  it('reuses idle channels and carries concurrent calls', async () => {
    for (let i = 0; i < 5; i++) await node.docker.ping()
    expect(dockerd.accepted).toBe(1)
    const results = await Promise.all(Array.from({ length: 20 }, () => node.docker.listContainers()))
    expect(results.every((r) => r.length === 1)).toBe(true)
  })

  it('keeps util.inspect of what docker-modem inspects away from the SSH client', async () => {
    await node.docker.ping()
    expect(inspect(node.agent, { showHidden: true, depth: null })).toBe(`DockerSshAgent(node-d:${join(dir, 'docker.sock')})`)
    const modemView = inspect(node.docker.modem, { showHidden: true, depth: null })
    expect(modemView.length).toBeLessThan(4000)
    expect(modemView).not.toContain('_chanMgr')
  })

  it('ends a call at its deadline and tears its channel down', async () => {
    await node.docker.ping()
    dockerd.hang = true
    const started = performance.now()
    const call = dockerCall('ping docker on node-d', 200, (abortSignal) => dockerPing(node.docker, abortSignal))
    await expect(call).rejects.toThrow(new DeadlineExceededError('ping docker on node-d', 200))
    expect(performance.now() - started).toBeLessThan(1000)
    // The aborted request's channel is closed, so dockerd's side of it goes away too.
    await expect.poll(() => dockerd.connections.size, { timeout: 2000 }).toBe(0)
  })

  it('never hangs on a dead link: calls end at their deadline, channel opens at theirs', async () => {
    await node.docker.ping()
    sshd.goSilent()
    await expect(dockerCall('ping docker on node-d', 150, (abortSignal) => dockerPing(node.docker, abortSignal))).rejects.toThrow(DeadlineExceededError)
    // A fresh channel (none idle now) cannot open on the silent link: the agent's open limit fails it.
    await expect(node.docker.listContainers()).rejects.toThrow(/open node-d:.*docker\.sock: no answer within 300 ms/)
  })

  it('fails at once while the node is not connected', async () => {
    await connection.close(200)
    await expect(node.docker.ping()).rejects.toThrow(/node node-d is not connected \(closed\)/)
  })
})
