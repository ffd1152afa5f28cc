// POST /api/coxswain/v1/install-key through the real HTTP server and control plane, against an
// ssh2 test server that takes a password (the lab's real sshd is in test/e2e/install-key.test.ts).

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ControlPlane } from '../controlplane.ts'
import { fingerprintOf } from '../nodeagent/ssh/host-key.ts'
import { TestSshServer, generateKeyPair, publicKeyBlob, type KeyPair } from '../nodeagent/ssh/test-ssh-server.ts'
import { createLogger } from '../util/log.ts'
import { startHttpServer, type RunningHttpServer } from './http-server.ts'
import { generateToken } from './token.ts'

const PASSWORD = 'Lab-only "pass" word 42'
const WRONG = 'not-the-Password-77'

describe('POST /api/coxswain/v1/install-key', () => {
  let root: string
  let home: string
  let cp: ControlPlane
  let server: RunningHttpServer
  let ssh: TestSshServer
  let hostKey: KeyPair
  let hostFingerprint: string
  const logLines: string[] = []
  const token = generateToken()
  const readOnlyToken = generateToken()

  const post = (body: unknown, headers: Record<string, string> = {}, bearer = token) =>
    fetch(`${server.baseUrl}/api/coxswain/v1/install-key`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const request = (overrides: Record<string, unknown> = {}) => ({ host: '127.0.0.1', port: ssh.port, user: 'tester', password: PASSWORD, ...overrides })
  const authorizedKeys = () => {
    try {
      return readFileSync(join(home, '.ssh', 'authorized_keys'), 'utf8')
    } catch {
      return ''
    }
  }
  /** Every byte the server wrote: answers are checked one by one, logs and the data dir here. */
  const everythingWritten = (): string => {
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else files.push(readFileSync(path).toString('latin1'))
      }
    }
    walk(cp.dataDir)
    return [...logLines, ...files].join('\n')
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'coxswain-install-key-'))
    home = join(root, 'home')
    mkdirSync(home)
    const rendererDir = join(root, 'renderer')
    mkdirSync(rendererDir)
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>')
    const log = createLogger({}, (line) => logLines.push(line), 'debug')
    cp = new ControlPlane({ dataDir: join(root, 'data'), log })
    await cp.start()
    server = await startHttpServer({ controlPlane: cp, token, readOnlyToken, rendererDir, log, listen: '127.0.0.1', port: 0 })
    hostKey = generateKeyPair()
    hostFingerprint = fingerprintOf(publicKeyBlob(hostKey))
    ssh = await TestSshServer.start({ hostKey, clientPublicKey: generateKeyPair().public, password: PASSWORD, commandEnv: { ...process.env, HOME: home } })
  })

  afterAll(async () => {
    await ssh?.stop()
    await server?.close()
    await cp?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  beforeEach(() => {
    rmSync(join(home, '.ssh'), { recursive: true, force: true })
  })

  it('answers an unknown host key with its fingerprint, before sending the password', async () => {
    const res = await post(request())
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      installed: false,
      hostPort: `127.0.0.1:${ssh.port}`,
      presentedFingerprint: hostFingerprint,
      message: expect.stringMatching(/not trusted yet/) as unknown,
    })
    expect(ssh.authentications).toBe(0)
    expect(authorizedKeys()).toBe('')
  })

  it('installs the cluster key once the user confirms the fingerprint, and pins the host key', async () => {
    const res = await post(request({ hostKeyFingerprint: hostFingerprint }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ installed: true, hostPort: `127.0.0.1:${ssh.port}`, hostKeyFingerprint: hostFingerprint })
    expect(authorizedKeys()).toBe(`${cp.clusterPublicKey.publicKeyLine}\n`)
    // Pinned: a second call needs no fingerprint.
    const again = await post(request())
    expect(await again.json()).toMatchObject({ installed: true, hostKeyFingerprint: hostFingerprint })
  })

  it('says a refused password in plain words, without the password', async () => {
    const res = await post(request({ password: WRONG, trustOnFirstUse: true }))
    expect(res.status).toBe(403)
    const body = (await res.json()) as { message: string; reason: string }
    expect(body).toMatchObject({ kind: 'Status', reason: 'Forbidden', message: `log in as tester@127.0.0.1:${ssh.port} with the password failed: wrong password, or the machine does not accept passwords` })
    expect(JSON.stringify(body)).not.toContain(WRONG)
    expect(authorizedKeys()).toBe('')
  })

  it('shows both fingerprints when the machine presents another key than the expected one', async () => {
    // A machine never pinned (the first one is by now).
    const fresh = await TestSshServer.start({ hostKey: generateKeyPair(), clientPublicKey: generateKeyPair().public, password: PASSWORD, commandEnv: { ...process.env, HOME: home } })
    const other = fingerprintOf(publicKeyBlob(generateKeyPair()))
    const res = await post(request({ port: fresh.port, hostKeyFingerprint: other }))
    await fresh.stop()
    const presented = fingerprintOf(publicKeyBlob(fresh.hostKey))
    expect(res.status).toBe(409)
    const body = (await res.json()) as { message: string; details: { causes: unknown[] } }
    expect(body.message).toContain(other)
    expect(body.message).toContain(presented)
    expect(body.details.causes).toEqual([
      { reason: 'HostKeyExpected', field: 'hostKeyFingerprint', message: other },
      { reason: 'HostKeyPresented', message: presented },
    ])
    expect(fresh.authentications).toBe(0)
    expect(authorizedKeys()).toBe('')
  })

  it('says when nothing answers at the address', async () => {
    const closed: Server = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as { port: number }).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const res = await post(request({ port, trustOnFirstUse: true }))
    expect(res.status).toBe(500)
    expect(await res.json()).toMatchObject({ message: `cannot reach tester@127.0.0.1:${port}: connection refused (is sshd running, and is the port right?)` })
  })

  it.each([
    ['a missing password', { host: 'h', user: 'root' }, 'password', /Required value/],
    ['a bad port', { host: 'h', user: 'root', password: PASSWORD, port: 70000 }, 'port', /1 to 65535/],
    ['a fingerprint and trust on first use', { host: 'h', user: 'root', password: PASSWORD, trustOnFirstUse: true, hostKeyFingerprint: 'SHA256:' + 'a'.repeat(43) }, 'trustOnFirstUse', /either/],
  ])('refuses %s with a 400 naming the field', async (_, body, field, message) => {
    const res = await post(body)
    expect(res.status).toBe(400)
    const status = (await res.json()) as { reason: string; message: string; details: { causes: { field: string; message: string }[] } }
    expect(status.reason).toBe('BadRequest')
    expect(status.details.causes[0]?.field).toBe(field)
    expect(status.details.causes[0]?.message).toMatch(message)
    expect(status.message).not.toContain(PASSWORD)
  })

  it('refuses a body that is not JSON without quoting it', async () => {
    const res = await post(`{"password": "${PASSWORD}", oops}`)
    expect(res.status).toBe(400)
    expect(await res.text()).not.toContain(PASSWORD)
  })

  it.each([
    ['a read-only token', () => post(request({ trustOnFirstUse: true }), {}, readOnlyToken), 403, /read-only user may not/],
    ['no token', () => fetch(`${server.baseUrl}/api/coxswain/v1/install-key`, { method: 'POST', body: '{}' }), 401, /Unauthorized/],
    ['GET', () => fetch(`${server.baseUrl}/api/coxswain/v1/install-key`, { headers: { Authorization: `Bearer ${token}` } }), 405, /use POST/],
    ['a form post', () => post('host=h', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, /JSON body/],
    ['a huge body', () => post({ ...request(), password: 'x'.repeat(20_000) }), 413, /larger than/],
  ])('refuses %s', async (_, send, code, message) => {
    const res = await send()
    expect(res.status).toBe(code)
    expect(((await res.json()) as { message: string }).message).toMatch(message)
    expect(authorizedKeys()).toBe('')
  })

  it('leaves the password in no log line and no file of the data dir', () => {
    // Runs last: every call above, right and wrong passwords, has been logged by now.
    expect(logLines.some((line) => line.includes('cluster key installed with a one-time password'))).toBe(true)
    const written = everythingWritten()
    expect(written).not.toContain(PASSWORD)
    expect(written).not.toContain(WRONG)
  })
})
