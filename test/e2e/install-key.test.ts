// End to end with the lab's real sshd: the built headless server (no --lab, its own data dir and
// cluster key) driven by Chromium through the Add-node view's password step. A wrong password for
// node-2 gives the plain error and changes nothing; node-1 is then added with the lab's root
// password: the view shows the unknown host key, the user checks it and types the password again,
// the key is installed, the Machine (cluster-key auth) connects and the node turns Ready. Neither
// password is left in the server's output or anywhere in its data dir.
//
// Afterwards the Machine is force-removed and the cluster key this test installed is taken out of
// node-1's /root/.ssh/authorized_keys again.
//
// Needs a build (`npx electron-vite build`) and the lab (`LAB_ID=… npx node scripts/lab/cli.ts up`).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { planNode, settingsFromEnv } from '../../scripts/lab/config.ts'
import { readLabFile } from '../../scripts/lab/lab-file.ts'
import { collectPageErrors, forceRemoveMachine, launchChromium } from './support/browser.ts'
import { killServe, requireBuiltServe, root, startServe, type RunningServe } from './support/serve.ts'

const screenshotDir = join(root, 'test-results/screenshots')
const lab = readLabFile(root)
const node1 = lab.nodes.find((n) => n.name === 'node-1')
const node2 = lab.nodes.find((n) => n.name === 'node-2')
if (!node1 || !node2) throw new Error('the lab needs node-1 and node-2')
if (typeof lab.rootPassword !== 'string') throw new Error('the lab predates the root password: run the lab `up` again')
const WRONG_PASSWORD = `wrong-${lab.rootPassword.slice(0, 4)}-Xq9`

/** A node's /root/.ssh/authorized_keys as the host sees it (the node bind-mounts its dir over /root). */
const authorizedKeysPath = (index: number): string => join(planNode(settingsFromEnv(process.env, root), index).dir, 'root', '.ssh', 'authorized_keys')
const readAuthorizedKeys = (index: number): string => readFileSync(authorizedKeysPath(index), 'utf8')

/** Every file under `dir`, as bytes read as latin1 so a search finds UTF-8 text in binary files too. */
function allFileContents(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...allFileContents(path))
    else out.push(readFileSync(path).toString('latin1'))
  }
  return out
}

describe('installing the cluster key with a password from the dashboard', () => {
  let dataDir: string
  let serve: RunningServe
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let errors: string[]
  let clusterKeyLine = ''
  const node2KeysBefore = readAuthorizedKeys(2)

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true })

  const fillMachine = async (node: typeof node1, password: string) => {
    await page.getByTestId('field-address').fill(node.address)
    await page.getByTestId('field-port').fill(String(node.sshPort))
    await page.getByTestId('field-user').fill(lab.user)
    await page.getByTestId('field-name').fill(node.name)
    await page.getByTestId('auth-cluster-key').check()
    await page.getByTestId('field-use-password').check()
    await page.getByTestId('field-password').fill(password)
  }

  beforeAll(async () => {
    requireBuiltServe()
    mkdirSync(screenshotDir, { recursive: true })
    dataDir = mkdtempSync(join(tmpdir(), 'coxswain-e2e-install-key-'))
    // Debug logging, so "never logged" covers every line the server can write.
    const previousLevel = process.env.COXSWAIN_LOG_LEVEL
    process.env.COXSWAIN_LOG_LEVEL = 'debug'
    try {
      serve = await startServe(dataDir)
    } finally {
      if (previousLevel === undefined) delete process.env.COXSWAIN_LOG_LEVEL
      else process.env.COXSWAIN_LOG_LEVEL = previousLevel
    }
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } })
    page = await context.newPage()
    errors = collectPageErrors(page)
    await page.goto(serve.loginUrl)
    const key = (await page.evaluate(() => fetch('/api/coxswain/v1/cluster-key').then((r) => r.json()))) as { publicKeyLine: string }
    clusterKeyLine = key.publicKeyLine
    expect(readAuthorizedKeys(1)).not.toContain(clusterKeyLine)
  })

  afterAll(async () => {
    if (serve && page) {
      await forceRemoveMachine(page, node1.name)
    }
    // Take the key this test installed out again; the lab's own client key stays.
    if (clusterKeyLine && existsSync(authorizedKeysPath(1))) {
      const kept = readAuthorizedKeys(1).split('\n').filter((line) => line.trim() !== clusterKeyLine.trim())
      writeFileSync(authorizedKeysPath(1), kept.join('\n'), { mode: 0o600 })
    }
    await context?.close().catch(() => {})
    await browser?.close()
    await killServe(serve)
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('says a wrong password in plain words and changes nothing', { timeout: 60_000 }, async () => {
    await page.getByTestId('add-node').click()
    await page.getByTestId('add-node-form').waitFor()
    await fillMachine(node2, WRONG_PASSWORD)
    await page.getByTestId('field-tofu').check()
    await page.getByTestId('add-node-submit').click()
    const alert = page.getByTestId('add-node-error')
    await alert.waitFor({ timeout: 30_000 })
    expect((await alert.textContent())?.trim()).toBe(
      `log in as ${lab.user}@${node2.address}:${node2.sshPort} with the password failed: wrong password, or the machine does not accept passwords`,
    )
    // The password left the renderer's state with the call; no Machine was created.
    expect(await page.getByTestId('field-password').inputValue()).toBe('')
    await expect.poll(() => page.getByTestId('add-node-form').isVisible()).toBe(true)
    expect(readAuthorizedKeys(2)).toBe(node2KeysBefore)
    const machines = (await page.evaluate(() => fetch('/apis/coxswain.dev/v1alpha1/machines').then((r) => r.json()))) as { items: unknown[] }
    expect(machines.items).toEqual([])
    await shot('install-key-1-wrong-password')
  })

  it('installs the key with the password after the user confirms the host key, and the node turns Ready', { timeout: 120_000 }, async () => {
    await page.goto(`${serve.baseUrl}/`)
    await page.getByTestId('add-node').click()
    await page.getByTestId('add-node-form').waitFor()
    await fillMachine(node1, lab.rootPassword)
    expect(await page.getByTestId('field-tofu').isChecked()).toBe(false)
    expect(await page.getByTestId('field-fingerprint').inputValue()).toBe('')

    // Nothing vouched for: the view shows the key node-1 presented, and nothing was sent yet.
    await page.getByTestId('add-node-submit').click()
    await page.getByTestId('host-key-confirm').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('confirm-fingerprint').textContent()).toBe(node1.hostKeyFingerprint)
    expect(await page.getByTestId('field-password').inputValue()).toBe('')
    expect(readAuthorizedKeys(1)).not.toContain(clusterKeyLine)
    await shot('install-key-2-confirm-host-key')

    // Keyboard only: the password field has the focus; type it again and press Enter to confirm.
    await expect.poll(() => page.locator(':focus').getAttribute('data-testid')).toBe('field-password')
    await page.keyboard.type(lab.rootPassword)
    await page.keyboard.press('Enter')

    await page.getByTestId('add-node-progress').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('install-key-note').textContent()).toContain(node1.hostKeyFingerprint)
    expect(readAuthorizedKeys(1)).toContain(clusterKeyLine)
    await page.getByTestId('machine-state').filter({ hasText: 'Connected' }).waitFor({ timeout: 45_000 })
    await expect.poll(() => page.getByTestId('machine-privilege').textContent(), { timeout: 30_000 }).toContain('root')
    await shot('install-key-3-connected')

    // The Machine authenticates with the cluster key, and pins the key the user confirmed.
    const machine = (await page.evaluate((name) => fetch(`/apis/coxswain.dev/v1alpha1/machines/${name}`).then((r) => r.json()), node1.name)) as {
      spec: { auth?: { type: string }; hostKeyFingerprint?: string }
    }
    expect(machine.spec).toMatchObject({ auth: { type: 'ClusterKey' }, hostKeyFingerprint: node1.hostKeyFingerprint })

    await page.getByTestId('back-to-overview').click()
    await page.getByTestId(`node-ready-${node1.name}`).filter({ hasText: 'Ready' }).waitFor({ timeout: 45_000 })
    await shot('install-key-4-overview')
    // The wrong password's 403 is the browser logging the refused call, which the form showed.
    expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([])
  })

  it('leaves neither password in the server output nor in its data dir', () => {
    const output = [serve.stdoutLines.join('\n'), serve.stderr()].join('\n')
    expect(output).toMatch(/cluster key installed with a one-time password/)
    for (const secret of [lab.rootPassword, WRONG_PASSWORD]) {
      expect(output).not.toContain(secret)
      for (const contents of allFileContents(dataDir)) expect(contents.includes(secret)).toBe(false)
    }
  })
})
