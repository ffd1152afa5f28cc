// End to end: the built headless server (out/main/serve.js) on Node 24, driven by Debian's
// Chromium. Proves the printed login URL signs a browser in, the first page shows live control
// plane data under the strict CSP, the API refuses callers without the token, and SIGTERM exits 0.
//
// Needs a build first: `npx electron-vite build` (scripts/test.sh and scripts/run.sh do it).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import pkg from '../../package.json' with { type: 'json' }
import { collectPageErrors, launchChromium, waitForText } from './support/browser.ts'
import { killServe, requireBuiltServe, root, startServe, type RunningServe } from './support/serve.ts'

const screenshotDir = join(root, 'test-results/screenshots')

describe('dashboard served by `serve`', () => {
  let dataDir: string
  let serve: RunningServe
  let browser: Browser
  const contexts: BrowserContext[] = []

  async function newPage(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options })
    contexts.push(context)
    return context.newPage()
  }

  beforeAll(async () => {
    requireBuiltServe()
    dataDir = mkdtempSync(join(tmpdir(), 'coxswain-e2e-'))
    serve = await startServe(dataDir)
    browser = await launchChromium()
  })

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    await browser?.close()
    await killServe(serve)
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('prints one line with its version and a login URL', () => {
    expect(serve.version).toBe(pkg.version)
    expect(serve.stdoutLines).toHaveLength(1)
    expect(serve.stderr()).not.toContain(new URL(serve.loginUrl).searchParams.get('token'))
  })

  it('refuses an API call without the token with 401 and a Kubernetes Status', async () => {
    const res = await fetch(`${serve.baseUrl}/api/coxswain/v1/info`)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 })
  })

  it('signs in with the printed URL and shows cluster name, version and "connected"', async () => {
    const page = await newPage()
    const errors = collectPageErrors(page)
    await page.goto(serve.loginUrl)
    // The login redirect drops the token from the address bar.
    expect(page.url()).not.toContain('token=')

    await waitForText(page, 'connection-state', 'Connected')
    expect(await page.getByTestId('cluster-name').textContent()).toContain('coxswain')
    expect(await page.getByTestId('version').textContent()).toContain(`Coxswain ${pkg.version}`)
    await page.getByTestId('nodes-empty').waitFor({ state: 'visible' })
    expect(errors).toEqual([])

    mkdirSync(screenshotDir, { recursive: true })
    await page.screenshot({ path: join(screenshotDir, 'home.png'), fullPage: true })
  })

  it('offers a kubeconfig for kubectl to download', async () => {
    const page = await newPage()
    await page.goto(serve.loginUrl)
    const link = page.getByTestId('download-kubeconfig')
    await link.waitFor({ state: 'visible' })
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    const text = await readFile(await download.path(), 'utf8')
    expect(text).toContain('kind: Config')
    expect(text).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/)
    expect(text).toContain('certificate-authority-data:')
  })

  it('looks right in dark mode too', async () => {
    const page = await newPage({ colorScheme: 'dark' })
    await page.goto(serve.loginUrl)
    await waitForText(page, 'connection-state', 'Connected')
    const path = join(screenshotDir, 'home-dark.png')
    mkdirSync(dirname(path), { recursive: true })
    await page.screenshot({ path, fullPage: true })
  })

  it('tells a browser that is not signed in how to sign in', async () => {
    const page = await newPage()
    await page.goto(serve.baseUrl + '/')
    await waitForText(page, 'connection-state', 'Not signed in')
    expect(await page.getByTestId('signed-out').textContent()).toContain('coxswain serve')
    mkdirSync(screenshotDir, { recursive: true })
    await page.screenshot({ path: join(screenshotDir, 'signed-out.png'), fullPage: true })
  })

  it('stops cleanly on SIGTERM with exit code 0', async () => {
    serve.child.kill('SIGTERM')
    expect(await serve.exited).toBe(0)
  })
})
