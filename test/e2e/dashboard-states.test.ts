// Dashboard states the served binary cannot be pushed into yet: the built renderer against an
// in-process server whose control plane reports node connections (node agents do not exist yet
// to produce them), and a control plane that goes away and comes back.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser } from 'playwright-core'
import { ControlPlane } from '../../src-main/controlplane.ts'
import { startHttpServer, type RunningHttpServer } from '../../src-main/server/http-server.ts'
import { generateToken } from '../../src-main/server/token.ts'
import { createLogger } from '../../src-main/util/log.ts'
import { collectPageErrors, launchChromium, waitForText } from './support/browser.ts'

const root = resolve(import.meta.dirname, '../..')
const rendererDir = join(root, 'out/renderer')
const quiet = createLogger({}, () => {}, 'error')

describe('dashboard states', () => {
  let dataDir: string
  let cp: ControlPlane
  let server: RunningHttpServer
  let browser: Browser
  const token = generateToken()
  const start = (port: number) =>
    startHttpServer({ controlPlane: cp, token, rendererDir, log: quiet, listen: '127.0.0.1', port })

  beforeAll(async () => {
    if (!existsSync(join(rendererDir, 'index.html'))) {
      throw new Error(`${rendererDir}/index.html is missing: build first with \`npx electron-vite build\``)
    }
    dataDir = mkdtempSync(join(tmpdir(), 'coxswain-e2e-nodes-'))
    cp = new ControlPlane({ dataDir, log: quiet })
    await cp.start()
    cp.setNodeConnection('node-1', 'connected')
    cp.setNodeConnection('node-2', 'connecting')
    cp.setNodeConnection('node-3', 'unreachable', 'ssh: no answer to keepalive for 3 s')
    server = await start(0)
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await cp?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('shows each node with its connection state and detail', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors = collectPageErrors(page)
    await page.goto(server.loginUrl)
    await waitForText(page, 'connection-state', 'Connected')
    const table = page.getByTestId('nodes-table')
    await table.waitFor({ state: 'visible' })

    const rows = await table.locator('tbody tr').allInnerTexts()
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatch(/node-1\s+Connected/)
    expect(rows[1]).toMatch(/node-2\s+Connecting/)
    expect(rows[2]).toMatch(/node-3\s+Unreachable.*ssh: no answer to keepalive for 3 s/s)
    expect(errors).toEqual([])

    const dir = join(root, 'test-results/screenshots')
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: join(dir, 'nodes.png'), fullPage: true })
  })

  it('says when the control plane is unreachable and reconnects on Retry', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(server.loginUrl)
    await waitForText(page, 'connection-state', 'Connected')

    const port = server.port
    await server.close()
    // The page re-checks when it becomes visible again; pretend the user came back to the tab.
    // (A string, because this file is type-checked without the DOM library.)
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    await waitForText(page, 'connection-state', 'Unreachable')
    const retry = page.getByRole('button', { name: 'Retry now' })
    await retry.waitFor({ state: 'visible' })
    // The last good answer stays on screen while the control plane is away.
    expect(await page.getByTestId('cluster-name').textContent()).toContain('coxswain')
    const dir = join(root, 'test-results/screenshots')
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: join(dir, 'unreachable.png'), fullPage: true })

    server = await start(port)
    // The page also retries by itself (backoff, and its Machine/Node watches re-check when they
    // reconnect), so it may be back before the click lands: Retry is for when it is not yet.
    await retry.click({ timeout: 2000 }).catch(async (error: unknown) => {
      if (await retry.isVisible()) throw error
    })
    await waitForText(page, 'connection-state', 'Connected')
  })
})
