import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemContext } from '../apiserver/api-server.ts'
import { eventually } from '../apiserver/testing.ts'
import { ControlPlane } from '../controlplane.ts'
import { createLogger } from '../util/log.ts'
import { startHttpServer, urlHost, type RunningHttpServer } from './http-server.ts'
import { generateToken } from './token.ts'

const quiet = createLogger({}, () => {}, 'error')

describe('http server', () => {
  let root: string
  let cp: ControlPlane
  let server: RunningHttpServer
  const token = generateToken()
  const api = (path: string) => `${server.baseUrl}/api/coxswain/v1/${path}`

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'coxswain-http-'))
    const rendererDir = join(root, 'renderer')
    mkdirSync(join(rendererDir, 'assets'), { recursive: true })
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Coxswain</title>')
    writeFileSync(join(rendererDir, 'assets', 'app-1234.js'), 'export {}')
    writeFileSync(join(root, 'secret.txt'), 'do not serve')
    cp = new ControlPlane({ dataDir: join(root, 'data'), log: quiet })
    await cp.start()
    server = await startHttpServer({ controlPlane: cp, token, rendererDir, log: quiet, listen: '127.0.0.1', port: 0 })
  })

  afterAll(async () => {
    await server.close()
    await cp.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('says how to pick another port when its port is taken', async () => {
    const port = Number(new URL(server.baseUrl).port)
    const second = startHttpServer({ controlPlane: cp, token, rendererDir: join(root, 'renderer'), log: quiet, listen: '127.0.0.1', port })
    await expect(second).rejects.toThrow(`listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port} (the port is taken: choose another with --port N, or --port 0 for any free one)`)
  })

  it('answers an API call without credentials with 401 and a Kubernetes Status', async () => {
    const res = await fetch(api('info'))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect(await res.json()).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 })
  })

  it('answers a wrong bearer token with 401', async () => {
    const res = await fetch(api('info'), { headers: { Authorization: `Bearer ${generateToken()}` } })
    expect(res.status).toBe(401)
  })

  it('serves cluster info to the bearer token', async () => {
    const res = await fetch(api('info'), { headers: { Authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toMatchObject({ clusterName: 'coxswain', version: cp.version, nodes: [] })
  })

  it('serves the cluster public key and its install command', async () => {
    const res = await fetch(api('cluster-key'), { headers: { Authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    const key = cp.clusterPublicKey
    expect(await res.json()).toEqual({ publicKeyLine: key.publicKeyLine, fingerprint: key.fingerprint, installCommand: key.installCommand })
    expect((await fetch(api('cluster-key'))).status).toBe(401)
  })

  it('lists every cluster DNS name with its target', async () => {
    await cp.api.create(
      { group: '', version: 'v1', resource: 'services', namespace: 'default' },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.77', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } },
      systemContext('test'),
    )
    const get = async () => (await (await fetch(api('dns'), { headers: { Authorization: `Bearer ${token}` } })).json()) as { items: unknown[] }
    await eventually(async () => (await get()).items.length === 2, 'the Service in the DNS list')
    expect((await get()).items).toEqual([
      { name: 'web.default.svc.cluster.local', type: 'A', targets: ['10.96.0.77'], namespace: 'default', service: 'web' },
      { name: '_http._tcp.web.default.svc.cluster.local', type: 'SRV', targets: ['web.default.svc.cluster.local:80'], namespace: 'default', service: 'web' },
    ])
  })

  it('signs a browser in with the login URL: cookie, then redirect to /', async () => {
    const login = await fetch(server.loginUrl, { redirect: 'manual' })
    expect(login.status).toBe(303)
    expect(login.headers.get('location')).toBe('/')
    const setCookie = login.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Strict/)

    const cookie = setCookie.split(';')[0] ?? ''
    const res = await fetch(api('info'), { headers: { Cookie: cookie } })
    expect(res.status).toBe(200)
  })

  it('refuses a login URL with a wrong token and sets no cookie', async () => {
    const res = await fetch(`${server.baseUrl}/login?token=${generateToken()}`, { redirect: 'manual' })
    expect(res.status).toBe(401)
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it('answers unknown API resources and wrong methods with Status objects', async () => {
    const auth = { Authorization: `Bearer ${token}` }
    const missing = await fetch(api('nope'), { headers: auth })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' })
    const wrong = await fetch(api('info'), { method: 'DELETE', headers: auth })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
  })

  it('serves the dashboard without credentials, with security headers', async () => {
    const res = await fetch(`${server.baseUrl}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('caches hashed assets forever and revalidates index.html', async () => {
    const asset = await fetch(`${server.baseUrl}/assets/app-1234.js`)
    expect(asset.headers.get('cache-control')).toMatch(/immutable/)
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/)
    const index = await fetch(`${server.baseUrl}/`)
    expect(index.headers.get('cache-control')).toBe('no-cache')
    const missing = await fetch(`${server.baseUrl}/assets/missing.js`)
    expect(missing.status).toBe(404)
  })

  it('never serves files outside the renderer folder', async () => {
    const res = await fetch(`${server.baseUrl}/..%2fsecret.txt`)
    expect(await res.text()).not.toContain('do not serve')
  })
})

describe('urlHost', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['0.0.0.0', '127.0.0.1'],
    ['::', '[::1]'],
    ['::1', '[::1]'],
    ['localhost', 'localhost'],
  ])('%s -> %s', (address, expected) => {
    expect(urlHost(address)).toBe(expected)
  })
})
