// End to end: the built headless server (out/main/serve.js) as users start it, and kubectl
// pointed at the kubeconfig it writes — `KUBECONFIG=DATA_DIR/kubeconfig kubectl get ns` works at
// once. Also: the read-only token, 401 on every Kubernetes path, the kubeconfig download, and a
// clean SIGTERM while a watch is open.
//
// Needs a build first: `npx electron-vite build` (scripts/test.sh and scripts/run.sh do it).

import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { Kubectl, kubectlBinary } from '../kubectl/support/kubectl.ts'
import { killServe, requireBuiltServe, startServe, type RunningServe } from './support/serve.ts'

const run = promisify(execFile)

describe('serve + kubectl', () => {
  let dataDir: string
  let home: string
  let serve: RunningServe
  let token: string
  let readOnlyToken: string
  const kubeconfig = () => join(dataDir, 'kubeconfig')

  beforeAll(async () => {
    requireBuiltServe()
    dataDir = mkdtempSync(join(tmpdir(), 'coxswain-e2e-kubectl-'))
    home = mkdtempSync(join(tmpdir(), 'coxswain-e2e-home-'))
    serve = await startServe(dataDir)
    token = readFileSync(join(dataDir, 'token'), 'utf8').trim()
    readOnlyToken = readFileSync(join(dataDir, 'token-readonly'), 'utf8').trim()
  })

  afterAll(async () => {
    await killServe(serve)
    for (const dir of [dataDir, home]) if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('writes the kubeconfig and the read-only token for the owner only', () => {
    expect(statSync(kubeconfig()).mode & 0o777).toBe(0o600)
    expect(statSync(join(dataDir, 'token-readonly')).mode & 0o777).toBe(0o600)
    const config = parse(readFileSync(kubeconfig(), 'utf8')) as { clusters: { cluster: { server: string } }[]; 'current-context': string }
    expect(config['current-context']).toBe('coxswain')
    expect(config.clusters[0]?.cluster.server).toBe(serve.baseUrl.replace('http:', 'https:'))
    expect(readOnlyToken).not.toBe(token)
  })

  it('serves kubectl through KUBECONFIG at once', async () => {
    const { stdout } = await run(kubectlBinary('1.33'), ['get', 'ns', '--cache-dir', join(home, 'cache')], {
      env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig() },
      timeout: 30_000,
    })
    expect(stdout).toMatch(/^NAME\s+STATUS\s+AGE$/m)
    expect(stdout).toMatch(/^default\s+Active\s+\d+s$/m)
  })

  it('answers 401 on every Kubernetes path without a token, /version included', async () => {
    for (const path of ['/version', '/api', '/apis', '/api/v1/namespaces', '/apis/apps/v1/deployments', '/openapi/v2', '/openapi/v3', '/healthz', '/livez', '/readyz']) {
      const res = await fetch(serve.baseUrl + path)
      expect(res.status, path).toBe(401)
      expect(await res.json(), path).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 })
    }
  })

  it('serves the Kubernetes API over plain HTTP on the same port to bearer clients (curl, the dashboard)', async () => {
    const res = await fetch(`${serve.baseUrl}/api/v1/namespaces`, { headers: { Authorization: `Bearer ${readOnlyToken}` } })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ kind: 'NamespaceList' })
  })

  it('offers the kubeconfig as a download to the admin only', async () => {
    const res = await fetch(`${serve.baseUrl}/api/coxswain/v1/kubeconfig`, { headers: { Authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="kubeconfig-coxswain.yaml"')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const config = parse(await res.text()) as { users: { user: { token: string } }[]; clusters: { cluster: Record<string, string> }[] }
    expect(config.users[0]?.user.token).toBe(token)
    expect(config.clusters[0]?.cluster['certificate-authority-data']).toBeTruthy()
    const readOnly = await fetch(`${serve.baseUrl}/api/coxswain/v1/kubeconfig`, { headers: { Authorization: `Bearer ${readOnlyToken}` } })
    expect(readOnly.status).toBe(403)
    expect((await fetch(`${serve.baseUrl}/api/coxswain/v1/kubeconfig`)).status).toBe(401)
  })

  it('stops cleanly on SIGTERM while kubectl is watching', async () => {
    const kubectl = new Kubectl('1.33', kubeconfig(), home)
    const watch = kubectl.start(['get', 'namespaces', '-w'])
    try {
      await watch.waitFor((out) => /^default\s+Active/m.test(out))
      serve.child.kill('SIGTERM')
      expect(await serve.exited).toBe(0)
    } finally {
      await watch.stop()
    }
  })
})
