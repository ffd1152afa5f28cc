// End to end: the dashboard's DNS view (#/dns) in Chromium against the built headless server. A
// Service created by another client (Node's fetch with the bearer token, as kubectl would) shows
// up with its name, cluster IP and SRV record through the watch alone, and goes when deleted.
//
// Needs a build first: `npx electron-vite build`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { collectPageErrors, launchChromium, waitForText } from './support/browser.ts'
import { killServe, requireBuiltServe, root, startServe, type RunningServe } from './support/serve.ts'

const services = '/api/v1/namespaces/default/services'

describe('the DNS view', () => {
  let dataDir: string
  let serve: RunningServe
  let browser: Browser
  let page: Page
  let pageErrors: string[]
  let token: string

  const kube = (method: string, path: string, body?: unknown) =>
    fetch(serve.baseUrl + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })

  beforeAll(async () => {
    requireBuiltServe()
    dataDir = mkdtempSync(join(tmpdir(), 'coxswain-e2e-dns-'))
    serve = await startServe(dataDir)
    token = new URL(serve.loginUrl).searchParams.get('token') ?? ''
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    pageErrors = collectPageErrors(page)
    await page.goto(serve.loginUrl)
    await page.goto(`${serve.baseUrl}/#/dns`)
    await waitForText(page, 'dns-state', 'Live')
  })

  afterAll(async () => {
    await browser?.close()
    await killServe(serve)
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('lists a new Service by name with its cluster IP and SRV record, and drops it when deleted', async () => {
    await page.getByTestId('dns-empty').waitFor({ state: 'visible' })
    const created = await kube('POST', services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop' }, spec: { selector: { app: 'shop' }, ports: [{ name: 'http', port: 80 }] } })
    expect(created.status).toBe(201)
    const ip = ((await created.json()) as { spec: { clusterIP: string } }).spec.clusterIP
    const row = page.getByTestId('dns-row-shop.default.svc.cluster.local')
    await row.waitFor({ state: 'visible' })
    expect(await row.innerText()).toContain(ip)
    expect(await page.getByTestId('dns-row-_http._tcp.shop.default.svc.cluster.local').innerText()).toContain('shop.default.svc.cluster.local:80')
    mkdirSync(join(root, 'test-results/screenshots'), { recursive: true })
    await page.screenshot({ path: join(root, 'test-results/screenshots/dns.png'), fullPage: true })

    expect((await kube('DELETE', `${services}/shop`)).status).toBe(200)
    await row.waitFor({ state: 'detached' })
    expect(pageErrors).toEqual([])
  })
})
