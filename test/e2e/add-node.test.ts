// End to end with the real lab: the built headless server (no --lab, its own data dir), driven by
// Chromium through the Add-node view. Lab node-1 is added with its key file and a wrong expected
// fingerprint (without any, the API server answers 422 next to the field: checked first), so the
// machine is Refused showing the key it presented; "Trust this key" pins that one and it connects,
// then shows Ready on the Overview. The Machine is force-removed at the end.
//
// Needs a build (`npx electron-vite build`) and the lab (`npx node scripts/lab/cli.ts up`).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { readLabFile } from '../../scripts/lab/lab-file.ts'
import { collectPageErrors, forceRemoveMachine, launchChromium } from './support/browser.ts'
import { killServe, requireBuiltServe, root, startServe, type RunningServe } from './support/serve.ts'

const screenshotDir = join(root, 'test-results/screenshots')
const lab = readLabFile(root)
const node = lab.nodes.find((n) => n.name === 'node-1') ?? lab.nodes[0]
if (!node) throw new Error('the lab has no nodes')
const otherFingerprint = lab.nodes.find((n) => n.hostKeyFingerprint !== node.hostKeyFingerprint)?.hostKeyFingerprint ?? 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

describe('adding a lab node from the dashboard', () => {
  let dataDir: string
  let serve: RunningServe
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let errors: string[]

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true })

  beforeAll(async () => {
    requireBuiltServe()
    mkdirSync(screenshotDir, { recursive: true })
    dataDir = mkdtempSync(join(tmpdir(), 'coxswain-e2e-add-node-'))
    serve = await startServe(dataDir)
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    page = await context.newPage()
    errors = collectPageErrors(page)
  })

  afterAll(async () => {
    if (serve && page) {
      await forceRemoveMachine(page, node.name)
    }
    await context?.close().catch(() => {})
    await browser?.close()
    await killServe(serve)
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('adds node-1 through the wizard, trusts its host key, and sees it Ready', { timeout: 120_000 }, async () => {
    await page.goto(serve.loginUrl)
    await page.getByTestId('add-node').click()
    await page.getByTestId('add-node-form').waitFor()
    await expect.poll(() => page.getByTestId('install-command').textContent()).toContain('authorized_keys')

    await page.getByTestId('field-address').fill(node.address)
    await page.getByTestId('field-port').fill(String(node.sshPort))
    await page.getByTestId('field-user').fill(lab.user)
    await page.getByTestId('field-name').fill(node.name)
    await page.getByTestId('auth-key-file').check()
    await page.getByTestId('field-key-path').fill(lab.keyPath)
    expect(await page.getByTestId('field-tofu').isChecked()).toBe(false)

    // No fingerprint and no trust on first use: the API server's 422 shows next to the field.
    await page.getByTestId('add-node-submit').click()
    await expect.poll(() => page.getByTestId('error-fingerprint').textContent()).toMatch(/Required value|unless trustOnFirstUse/)
    await shot('add-node-1-field-error')

    // A fingerprint that is not this machine's: refused, showing what it presented.
    await page.getByTestId('field-fingerprint').fill(otherFingerprint)
    await page.getByTestId('add-node-submit').click()
    await page.getByTestId('machine-state').filter({ hasText: 'Refused' }).waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('presented-fingerprint').textContent()).toBe(node.hostKeyFingerprint)
    expect(await page.getByTestId('expected-fingerprint').textContent()).toBe(otherFingerprint)
    await shot('add-node-2-refused')

    await page.getByTestId('trust-key').click()
    await page.getByTestId('trust-confirm').waitFor()
    await page.getByTestId('trust-key-confirm').click()
    await page.getByTestId('machine-state').filter({ hasText: 'Connected' }).waitFor({ timeout: 45_000 })
    // Privilege and Docker's version arrive with the first probe, right after the connection.
    await expect.poll(() => page.getByTestId('machine-privilege').textContent(), { timeout: 30_000 }).toContain('root')
    await expect.poll(async () => (await page.getByTestId('machine-docker').textContent())?.trim(), { timeout: 30_000 }).toMatch(/^\d+\.\d+/)
    await shot('add-node-3-connected')

    await page.getByTestId('back-to-overview').click()
    await page.getByTestId(`node-ready-${node.name}`).filter({ hasText: 'Ready' }).waitFor({ timeout: 45_000 })
    expect(await page.getByTestId(`node-row-${node.name}`).textContent()).toMatch(/Connected/)
    await shot('add-node-4-overview')
    // The 422 above is the browser logging the refused create, which the form showed.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([])
  })
})
