// Debian's Chromium through playwright-core (never a downloaded browser), and page helpers that
// wait on conditions instead of sleeping.

import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`)
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
}

/** Waits until the element with `testId` shows `text`. */
export async function waitForText(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).filter({ hasText: text }).waitFor({ state: 'visible', timeout: 15_000 })
}

/** Console errors and uncaught exceptions — a CSP violation shows up here. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text())
  })
  page.on('pageerror', (err) => errors.push(err.message))
  return errors
}

/**
 * Removes a Machine through the page's own session without draining it (force-remove annotation,
 * then DELETE), and waits up to 20 s for it to be gone. For clean-up: failures are ignored.
 */
export async function forceRemoveMachine(page: Page, name: string): Promise<void> {
  await page
    .evaluate(async (machine) => {
      const url = `/apis/coxswain.dev/v1alpha1/machines/${machine}`
      await fetch(url, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ metadata: { annotations: { 'coxswain.dev/force-remove': 'true' } } }),
      })
      await fetch(url, { method: 'DELETE' })
    }, name)
    .catch(() => {})
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const status = await page.evaluate((machine) => fetch(`/apis/coxswain.dev/v1alpha1/machines/${machine}`).then((r) => r.status), name).catch(() => 0)
    if (status === 404) break
    await new Promise((r) => setTimeout(r, 250))
  }
}
