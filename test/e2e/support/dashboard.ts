// The dashboard suites' common setup: the built `serve` on a fresh data dir with an admin REST
// client, and Chromium signed in to it. Split in two so a suite can prepare the cluster (wait for
// lab nodes, create a namespace) before the page opens, and clean it up after the page closes.
//
// Needs a build first: `npx electron-vite build`.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { collectPageErrors, launchChromium } from './browser.ts'
import { KubeRest } from './rest.ts'
import { killServe, requireBuiltServe, root, startServe, type RunningServe } from './serve.ts'

/** Where the suites' screenshots land, to look at after a run. */
export const screenshotDir = join(root, 'test-results/screenshots')

export interface DashboardServer {
  dataDir: string
  serve: RunningServe
  rest: KubeRest
}

/** `serve` on a fresh data dir named after the suite (`coxswain-e2e-<suite>-…`), `serveArgs` appended. */
export async function startDashboardServer(suite: string, serveArgs: string[] = []): Promise<DashboardServer> {
  requireBuiltServe()
  mkdirSync(screenshotDir, { recursive: true })
  const dataDir = mkdtempSync(join(tmpdir(), `coxswain-e2e-${suite}-`))
  const serve = await startServe(dataDir, undefined, serveArgs)
  return { dataDir, serve, rest: KubeRest.forDataDir(serve.baseUrl, dataDir) }
}

/** Stops `serve` and removes its data dir; safe when the start failed part way. */
export async function stopDashboardServer(server: DashboardServer | undefined): Promise<void> {
  await killServe(server?.serve)
  if (server?.dataDir) rmSync(server.dataDir, { recursive: true, force: true })
}

export interface DashboardPage {
  browser: Browser
  context: BrowserContext
  page: Page
  /** Console errors and uncaught exceptions since the page opened: a CSP refusal shows up here. */
  errors: string[]
}

/**
 * Chromium signed in through the login URL, once the menu is shown. `watchPage` runs before the
 * sign-in so that what it listens for is heard from the first request on.
 */
export async function openDashboardPage(
  serve: RunningServe,
  contextOptions: BrowserContextOptions,
  watchPage?: (page: Page, errors: string[]) => void,
): Promise<DashboardPage> {
  const browser = await launchChromium()
  try {
    const context = await browser.newContext(contextOptions)
    const page = await context.newPage()
    const errors = collectPageErrors(page)
    watchPage?.(page, errors)
    await page.goto(serve.loginUrl)
    await page.getByTestId('nav').waitFor()
    return { browser, context, page, errors }
  } catch (err) {
    // The suite never gets the browser to close it.
    await browser.close()
    throw err
  }
}

/** Closes the page's browser; safe when the opening failed part way. */
export async function closeDashboardPage(opened: DashboardPage | undefined): Promise<void> {
  await opened?.context.close().catch(() => {})
  await opened?.browser.close()
}
