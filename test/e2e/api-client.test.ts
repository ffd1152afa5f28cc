// End to end: the renderer's HTTP transport against the built headless server's Kubernetes REST
// door, in Chromium, signed in by the session cookie. The debug view (#/debug/configmaps) lists
// ConfigMaps with useWatchList and creates and deletes them through the transport; changes made by
// another client (Node, with the bearer token, as kubectl would) must reach it through the watch
// stream alone, and a bad object must come back as the API server's field error.
//
// Needs a build first: `npx electron-vite build`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { collectPageErrors, launchChromium, waitForText } from './support/browser.ts'
import { killServe, requireBuiltServe, root, startServe, type RunningServe } from './support/serve.ts'

const configMaps = '/api/v1/namespaces/default/configmaps'

describe('API client over HTTP, in the browser', () => {
  let dataDir: string
  let serve: RunningServe
  let browser: Browser
  let page: Page
  let pageErrors: string[]
  let token: string

  /** Another client of the same API: Node's fetch with the bearer token. */
  const kube = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    fetch(serve.baseUrl + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })

  const row = (name: string) => page.getByTestId(`cm-row-${name}`)

  beforeAll(async () => {
    requireBuiltServe()
    dataDir = mkdtempSync(join(tmpdir(), 'coxswain-e2e-api-'))
    serve = await startServe(dataDir)
    token = new URL(serve.loginUrl).searchParams.get('token') ?? ''
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    pageErrors = collectPageErrors(page)
    await page.goto(serve.loginUrl)
    await page.goto(`${serve.baseUrl}/#/debug/configmaps`)
    await waitForText(page, 'cm-state', 'Live')
  })

  afterAll(async () => {
    await browser?.close()
    await killServe(serve)
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('creates a ConfigMap through the transport and shows it', async () => {
    await page.getByTestId('cm-name').fill('e2e-settings')
    await page.getByTestId('cm-value').fill('fast')
    await page.getByTestId('cm-create').click()
    await row('e2e-settings').waitFor({ state: 'visible' })
    expect(await row('e2e-settings').innerText()).toContain('value=fast')

    const res = await kube('GET', `${configMaps}/e2e-settings`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ kind: 'ConfigMap', data: { value: 'fast' } })
  })

  it('shows what another client creates, changes and deletes, through the watch alone', async () => {
    const created = await kube('POST', configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-kubectl' }, data: { mode: 'one' } })
    expect(created.status).toBe(201)
    await row('from-kubectl').waitFor({ state: 'visible' })
    expect(await row('from-kubectl').innerText()).toContain('mode=one')

    const patched = await kube('PATCH', `${configMaps}/from-kubectl`, { data: { mode: 'two' } }, 'application/merge-patch+json')
    expect(patched.status).toBe(200)
    await row('from-kubectl').filter({ hasText: 'mode=two' }).waitFor({ state: 'visible' })

    const deleted = await kube('DELETE', `${configMaps}/from-kubectl`)
    expect(deleted.status).toBe(200)
    await row('from-kubectl').waitFor({ state: 'detached' })
  })

  it('shows the API server’s field error for an invalid ConfigMap', async () => {
    await page.getByTestId('cm-name').fill('Bad_Name')
    await page.getByTestId('cm-create').click()
    const error = page.getByTestId('api-error')
    await error.waitFor({ state: 'visible' })
    expect(await error.innerText()).toMatch(/ConfigMap "Bad_Name" is invalid/)
    expect(await page.getByTestId('api-error-reason').innerText()).toMatch(/Invalid\s*\(422\)/)
    expect(await page.getByTestId('api-error-cause').first().innerText()).toMatch(/^metadata\.name /)
    mkdirSync(join(root, 'test-results/screenshots'), { recursive: true })
    await page.screenshot({ path: join(root, 'test-results/screenshots/debug-configmaps.png'), fullPage: true })
  })

  it('deletes through the transport and sees the row go', async () => {
    await row('e2e-settings').getByRole('button', { name: 'Delete' }).click()
    await row('e2e-settings').waitFor({ state: 'detached' })
    expect((await kube('GET', `${configMaps}/e2e-settings`)).status).toBe(404)
  })

  it('did all of it without a page error (CSP included)', () => {
    // The failed create answers 422, which Chromium logs as a failed resource load; nothing else.
    expect(pageErrors.filter((e) => !/status of 422/.test(e))).toEqual([])
  })
})
