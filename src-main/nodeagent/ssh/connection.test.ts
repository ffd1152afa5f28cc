import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server as NetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DeadlineExceededError } from '../../util/deadline.ts'
import { createLogger } from '../../util/log.ts'
import { NodeConnection, NotConnectedError, SshAuthError, type ConnectionState, type NodeConnectionOptions } from './connection.ts'
import { fingerprintOf } from './host-key.ts'
import { HostKeyChangedError, HostKeyUnknownError } from './host-key-policy.ts'
import { PinnedHostKeys } from './pinned-host-keys.ts'
import { TestSshServer, generateKeyPair, publicKeyBlob, type KeyPair } from './test-ssh-server.ts'

const quiet = createLogger({}, () => {})
// Fast settings so failures are detected in a few hundred ms: keepalive silence after 100 ms × (2 + 1).
const fast = { keepaliveIntervalMs: 100, keepaliveCountMax: 2, readyTimeoutMs: 1000, backoff: { initialMs: 20, maxMs: 200 } }

let hostKey: KeyPair
let otherKey: KeyPair
let clientKey: KeyPair
let hostFingerprint: string
beforeAll(() => {
  hostKey = generateKeyPair()
  otherKey = generateKeyPair()
  clientKey = generateKeyPair()
  hostFingerprint = fingerprintOf(publicKeyBlob(hostKey))
})

let dir: string
let store: PinnedHostKeys
let server: TestSshServer
const connections: NodeConnection[] = []
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coxswain-conn-'))
  store = new PinnedHostKeys(join(dir, 'known-hosts.json'))
  server = await TestSshServer.start({ hostKey, clientPublicKey: clientKey.public })
})
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close(200)))
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})

function connect(overrides: Partial<NodeConnectionOptions> = {}): NodeConnection {
  const connection = new NodeConnection({
    name: 'node-t',
    host: '127.0.0.1',
    port: server.port,
    username: 'tester',
    auth: { kind: 'privateKey', privateKey: clientKey.private },
    hostKeys: { store, expectedFingerprint: hostFingerprint },
    logger: quiet,
    ...fast,
    ...overrides,
  })
  connections.push(connection)
  connection.start()
  return connection
}

const inState = (state: ConnectionState) => (s: { state: ConnectionState }) => s.state === state
const waitState = (c: NodeConnection, state: ConnectionState, timeoutMs = 3000) => c.waitFor(inState(state), timeoutMs, state)

/** Records every state a connection passes through. */
function recordStates(connection: NodeConnection): ConnectionState[] {
  const seen: ConnectionState[] = []
  connection.on('state', (status) => seen.push(status.state))
  return seen
}

describe('NodeConnection host keys', () => {
  it('refuses an unknown host key, showing its fingerprint, and does not retry', async () => {
    const connection = connect({ hostKeys: { store } })
    const status = await waitState(connection, 'refused')
    expect(status.error).toBeInstanceOf(HostKeyUnknownError)
    expect(status.reason).toContain(`presented ${hostFingerprint}`)
    expect(store.get(connection.endpoint)).toBeUndefined()
    expect(server.authentications).toBe(0)
    // Retries would come every 20–200 ms; over 300 ms none may come.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(server.connections).toBe(1)
    expect(connection.state).toBe('refused')
  })

  it('accepts and pins a key that matches the expected fingerprint; the pin alone suffices later', async () => {
    const first = connect()
    await waitState(first, 'connected')
    expect(store.get(first.endpoint)?.fingerprint).toBe(hostFingerprint)
    const reloaded = new PinnedHostKeys(store.path)
    const second = connect({ hostKeys: { store: reloaded } })
    await waitState(second, 'connected')
  })

  it('pins on explicit trust-on-first-use', async () => {
    const connection = connect({ hostKeys: { store, trustOnFirstUse: true } })
    await waitState(connection, 'connected')
    expect(store.get(connection.endpoint)?.fingerprint).toBe(hostFingerprint)
  })

  it('refuses a changed host key with both fingerprints in the message, and retries when asked', async () => {
    const endpoint = `127.0.0.1:${server.port}`
    const pinnedFingerprint = store.pin(endpoint, publicKeyBlob(otherKey)).fingerprint
    const connection = connect()
    const status = await waitState(connection, 'refused')
    expect(status.error).toBeInstanceOf(HostKeyChangedError)
    expect(status.reason).toContain(`expected ${pinnedFingerprint}`)
    expect(status.reason).toContain(`presented ${hostFingerprint}`)
    expect(status.reason).toContain(store.path)

    // A person checks the new key and forgets the old pin; the expected fingerprint then pins the new one.
    store.forget(endpoint)
    connection.reconnect()
    await waitState(connection, 'connected')
    expect(store.get(endpoint)?.fingerprint).toBe(hostFingerprint)
  })

  it('refuses when the node does not accept our key, without retrying', async () => {
    const connection = connect({ auth: { kind: 'privateKey', privateKey: otherKey.private } })
    const status = await waitState(connection, 'refused')
    expect(status.error).toBeInstanceOf(SshAuthError)
    expect(status.reason).toMatch(/authentication as tester on 127\.0\.0\.1:\d+ failed/)
    expect(server.authentications).toBe(0)
  })

  it('refuses a private key it cannot use, without touching the network', async () => {
    const connection = connect({ auth: { kind: 'privateKey', privateKey: 'not a key' } })
    const status = await waitState(connection, 'refused')
    expect(status.error).toBeInstanceOf(SshAuthError)
    expect(status.reason).toMatch(/^the private key cannot be used: /)
    expect(server.connections).toBe(0)
  })

  it('refuses when the private key file cannot be read', async () => {
    const connection = connect({ auth: { kind: 'privateKeyFile', path: join(dir, 'missing') } })
    const status = await waitState(connection, 'refused')
    expect(status.reason).toMatch(/read private key .*missing: ENOENT/)
  })
})

describe('NodeConnection exec', () => {
  it('runs argv exactly as given, with stdin, output and exit code', async () => {
    const connection = connect()
    await waitState(connection, 'connected')
    const printed = await connection.exec(['printf', '%s|', 'a b', "it's", '$HOME', '*', ''], { timeoutMs: 2000 })
    expect(printed).toEqual({ code: 0, signal: null, stdout: "a b|it's|$HOME|*||", stderr: '' })
    expect((await connection.exec(['cat'], { stdin: 'hello\n', timeoutMs: 2000 })).stdout).toBe('hello\n')
    const failed = await connection.exec(['sh', '-c', 'echo oops >&2; exit 3'], { timeoutMs: 2000 })
    expect(failed).toMatchObject({ code: 3, stderr: 'oops\n' })
  })

  it('gives up at its deadline', async () => {
    const connection = connect()
    await waitState(connection, 'connected')
    const started = performance.now()
    await expect(connection.exec(['sleep', '5'], { timeoutMs: 200 })).rejects.toThrow(DeadlineExceededError)
    expect(performance.now() - started).toBeLessThan(1000)
    // The connection is still good afterwards.
    expect((await connection.exec(['echo', 'ok'], { timeoutMs: 2000 })).stdout).toBe('ok\n')
  })

  it('fails at once, saying why, while not connected', async () => {
    const connection = connect({ hostKeys: { store } })
    await waitState(connection, 'refused')
    expect(() => connection.exec(['true'], { timeoutMs: 1000 })).toThrow(NotConnectedError)
    expect(() => connection.exec(['true'], { timeoutMs: 1000 })).toThrow(/node node-t is not connected \(refused: host key/)
  })
})

describe('NodeConnection failures', () => {
  it('reconnects after the server drops the connection', async () => {
    const connection = connect()
    await waitState(connection, 'connected')
    const states = recordStates(connection)
    server.dropAll()
    const lost = await waitState(connection, 'unreachable')
    expect(lost.reason).toMatch(/closed the connection|ECONNRESET/)
    await waitState(connection, 'connected')
    expect(states).toEqual(['unreachable', 'connected'])
    expect((await connection.exec(['echo', 'back'], { timeoutMs: 2000 })).stdout).toBe('back\n')
  })

  it('reports unreachable when the server stops answering, never hangs a caller, and recovers', async () => {
    const socketDir = mkdtempSync(join(tmpdir(), 'coxswain-sock-'))
    const echo = await echoServer(join(socketDir, 'echo.sock'))
    try {
      const connection = connect()
      await waitState(connection, 'connected')
      server.goSilent()
      const silentAt = performance.now()

      // Calls on the silent link end at their own deadlines, well before the link is declared dead.
      await expect(connection.exec(['echo', 'x'], { timeoutMs: 150 })).rejects.toThrow(DeadlineExceededError)
      await expect(connection.openStreamLocal(join(socketDir, 'echo.sock'), 100)).rejects.toThrow(/no answer within 100 ms/)

      const status = await waitState(connection, 'unreachable', 2000)
      const detectedMs = performance.now() - silentAt
      expect(status.reason).toBe('no answer to 2 SSH keepalives sent 100 ms apart')
      expect(detectedMs).toBeGreaterThanOrEqual(250)
      expect(detectedMs).toBeLessThan(1000)
      expect(() => connection.exec(['true'], { timeoutMs: 1000 })).toThrow(NotConnectedError)

      // While silent, new attempts time out (readyTimeout) and the node stays unreachable.
      server.speakAgain()
      await waitState(connection, 'connected', 5000)
      expect((await connection.exec(['echo', 'back'], { timeoutMs: 2000 })).stdout).toBe('back\n')
    } finally {
      echo.close()
      rmSync(socketDir, { recursive: true, force: true })
    }
  })

  it('close() ends the connection for good', async () => {
    const connection = connect()
    await waitState(connection, 'connected')
    const states = recordStates(connection)
    await connection.close()
    expect(connection.state).toBe('closed')
    server.dropAll()
    expect(states).toEqual(['closed'])
    expect(() => connection.exec(['true'], { timeoutMs: 1000 })).toThrow(NotConnectedError)
    expect(() => connection.reconnect()).toThrow(/closed/)
  })

  it('stops notifying a listener once disposed', async () => {
    const connection = connect()
    const seen: string[] = []
    const dispose = connection.on('state', (s) => seen.push(s.state))
    await waitState(connection, 'connected')
    dispose()
    await connection.close()
    expect(seen).toEqual(['connected'])
  })
})

describe('NodeConnection stream-local channels', () => {
  let socketDir: string
  let echo: NetServer
  beforeEach(async () => {
    socketDir = mkdtempSync(join(tmpdir(), 'coxswain-sock-'))
    echo = await echoServer(join(socketDir, 'echo.sock'))
  })
  afterEach(() => {
    echo.close()
    rmSync(socketDir, { recursive: true, force: true })
  })

  it('carries bytes both ways to a unix socket on the node', async () => {
    const connection = connect()
    await waitState(connection, 'connected')
    const socket = await connection.openStreamLocal(join(socketDir, 'echo.sock'), 1000)
    const reply = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())))
    socket.write('ping')
    expect(await reply).toBe('ping')
    socket.destroy()
  })

  it('fails to open a socket that does not exist, promptly', async () => {
    const connection = connect()
    await waitState(connection, 'connected')
    await expect(connection.openStreamLocal(join(socketDir, 'nope.sock'), 1000)).rejects.toThrow(/open node-t:.*nope\.sock: .*Channel open failure/)
  })

  it('closes locally on destroy even when the peer never answers, and times out when idle', async () => {
    const connection = connect({ keepaliveIntervalMs: 10_000 })
    await waitState(connection, 'connected')
    const socket = await connection.openStreamLocal(join(socketDir, 'echo.sock'), 1000)
    const idle = new Promise<void>((resolve) => socket.setTimeout(50, resolve))
    await idle
    server.goSilent()
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.destroy()
    await closed
    expect(socket.destroyed).toBe(true)
  })
})

function echoServer(path: string): Promise<NetServer> {
  const server = createServer((socket) => {
    socket.on('error', () => {})
    socket.pipe(socket)
  })
  return new Promise((resolve) => server.listen(path, () => resolve(server)))
}
