// End to end with the real lab: the built headless server joined to the lab's nodes (--lab),
// driven by Chromium. A pod runs on a real node and the dashboard shows it Running with its
// containers, events, live log (follow, search, download) and a shell; a Deployment deployed
// through the form runs its pods, is scaled from 2 to 4, paused, resumed, restarted, undone and
// deleted; its Service and DNS name are listed; a node is cordoned and uncordoned.
//
// Needs a build (`npx electron-vite build`) and the lab (`LAB_ID=… npx node scripts/lab/cli.ts up`).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { readLabFile, type LabFile } from '../../scripts/lab/lab-file.ts'
import {
  closeDashboardPage,
  openDashboardPage,
  screenshotDir,
  startDashboardServer,
  stopDashboardServer,
  type DashboardPage,
  type DashboardServer,
} from './support/dashboard.ts'
import type { KubeRest } from './support/rest.ts'
import { root, type RunningServe } from './support/serve.ts'
const NS = 'dash-e2e'

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('dashboard workloads on the lab', () => {
  let lab: LabFile
  let server: DashboardServer
  let opened: DashboardPage
  let serve: RunningServe
  let rest: KubeRest
  let page: Page
  let errors: string[]

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true })
  const deployment = () => rest.get<{ spec: { replicas: number; paused?: boolean; template: { metadata?: { annotations?: Record<string, string> } } } }>(`/apis/apps/v1/namespaces/${NS}/deployments/web`)

  beforeAll(async () => {
    lab = readLabFile()
    server = await startDashboardServer('workloads', ['--lab', join(root, '.lab', 'nodes.json')])
    serve = server.serve
    rest = server.rest
    await until('a Ready node', async () => {
      const nodes = await rest.get<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>('/api/v1/nodes')
      return nodes.items.some((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ? true : undefined
    })
    expect((await rest.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } })).status).toBe(201)
    opened = await openDashboardPage(serve, { viewport: { width: 1280, height: 900 }, acceptDownloads: true }, (p, errors) => {
      p.on('response', (r) => {
        if (r.status() >= 400) errors.push(`${r.status()} ${r.request().method()} ${r.url()}`)
      })
    })
    page = opened.page
    errors = opened.errors
  }, 120_000)

  afterAll(async () => {
    await closeDashboardPage(opened)
    if (rest) {
      await rest.request('DELETE', `/apis/apps/v1/namespaces/${NS}/deployments/web`).catch(() => undefined)
      await rest.request('DELETE', `/api/v1/namespaces/${NS}/services/web`).catch(() => undefined)
      await rest.request('DELETE', `/api/v1/namespaces/${NS}/pods/ticker?gracePeriodSeconds=0`).catch(() => undefined)
      await until('the pods gone', async () => ((await rest.get<{ items: unknown[] }>(`/api/v1/namespaces/${NS}/pods`)).items.length === 0 ? true : undefined), 30_000).catch(() => undefined)
    }
    await stopDashboardServer(server)
  })

  it('shows a pod running on a lab node with its containers, events and live log', async () => {
    const created = await rest.request('POST', `/api/v1/namespaces/${NS}/pods`, {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'ticker', labels: { app: 'ticker' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'app', image: lab.image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done'] }],
        },
      },
    })
    expect(created.status).toBe(201)
    await page.goto(`${serve.baseUrl}/#/pods/${NS}/ticker`)
    await page.getByTestId('pod-status').filter({ hasText: 'Running' }).waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('pod-node').textContent()).toMatch(/node-\d/)
    expect(await page.getByTestId('pod-ip').textContent()).toMatch(/\d+\.\d+\.\d+\.\d+/)
    expect(await page.getByTestId('container-app').textContent()).toContain('Running')

    // The log follows: lines keep arriving after the first ones.
    await page.getByTestId('logs-view').filter({ hasText: 'tick 1' }).waitFor()
    await page.getByTestId('logs-view').filter({ hasText: 'tick 12' }).waitFor({ timeout: 20_000 })
    await page.getByTestId('logs-search').fill('tick 3')
    await until('only matching lines', async () => {
      const lines = await page.getByTestId('logs-view').locator('.logs__line').allTextContents()
      return lines.length > 0 && lines.every((l) => l.includes('tick 3')) ? true : undefined
    }, 10_000)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('logs-download').click()])
    const text = readFileSync(await download.path(), 'utf8')
    expect(text).toContain('tick 0\n')
    expect(download.suggestedFilename()).toMatch(/^ticker_app_.*\.log$/)
    await page.getByTestId('logs-search').fill('')
    await shot('pod-detail')
  })

  it('opens a shell in the pod, runs a command and shows its output', async () => {
    await page.getByTestId('tab-shell').click()
    await page.getByTestId('shell-state').filter({ hasText: 'open' }).waitFor()
    await page.getByTestId('shell-terminal').click()
    await page.keyboard.type('echo "answer=$((6*7))"; hostname\n')
    await page.getByTestId('shell-terminal').filter({ hasText: 'answer=42' }).waitFor()
    expect(await page.getByTestId('shell-terminal').textContent()).toContain('ticker')
    await shot('pod-shell')
    await page.keyboard.type('exit\n')
    await page.getByTestId('shell-state').filter({ hasText: 'exited' }).waitFor()
    expect(await page.getByTestId('shell-message').textContent()).toContain('code 0')
  })

  it('lists the pod as Running with its node and IP', async () => {
    await page.goto(`${serve.baseUrl}/#/workloads/pods?q=ticker`)
    const row = page.getByTestId(`row-${NS}/ticker`)
    await row.locator('[data-col="status"]').filter({ hasText: 'Running' }).waitFor()
    const podNode = ((await row.locator('[data-col="node"]').textContent()) ?? '').trim()
    expect(podNode).toMatch(/^node-\d$/)
    expect(await row.locator('[data-col="ip"]').textContent()).toMatch(/\d+\.\d+\.\d+\.\d+/)
    await page.getByTestId('nav-/nodes').click()
    await page.locator('[data-col="pods"]').filter({ hasText: /^\s*1\// }).first().waitFor()
    expect(await page.locator('[data-col="docker"]').first().textContent()).toMatch(/\d+\.\d+/)
    await shot('nodes-lab')

    // The Overview's map: the pod is a window in its node's building, and leads to the pod.
    await page.getByTestId('nav-/').click()
    const window = page.getByTestId(`building-${podNode}`).locator(`[data-testid="map-pod"][title="${NS}/ticker: Running"]`)
    await window.waitFor()
    expect(Number(await page.getByTestId('phase-Running').locator('.phase__count').textContent())).toBeGreaterThanOrEqual(1)
    await shot('overview-lab')
    await window.click()
    await page.getByTestId('detail-title').filter({ hasText: 'ticker' }).waitFor()
  })

  it('cordons and uncordons a node from its view', async () => {
    const unschedulable = async () => (await rest.get<{ spec?: { unschedulable?: boolean } }>('/api/v1/nodes/node-3')).spec?.unschedulable === true
    await page.goto(`${serve.baseUrl}/#/nodes`)
    await page.getByTestId('row-node-3').getByRole('link', { name: 'node-3' }).click()
    await page.getByTestId('node-cordon').filter({ hasText: 'Cordon' }).click()
    await until('node-3 cordoned', async () => ((await unschedulable()) ? true : undefined), 10_000)
    await page.getByTestId('node-schedulable').filter({ hasText: 'Cordoned' }).waitFor()
    await shot('node-detail')
    await page.getByTestId('node-cordon').filter({ hasText: 'Uncordon' }).click()
    await until('node-3 schedulable', async () => (!(await unschedulable()) ? true : undefined), 10_000)
    await page.getByTestId('node-schedulable').filter({ hasText: 'Schedulable' }).waitFor()
  })

  it('deploys through the form, watches its pods run, scales 2 to 4; pause, resume, restart, undo, delete', async () => {
    // Deployed through the form, exposed as a ClusterIP Service.
    await page.getByTestId('nav-/deploy').click()
    await page.getByTestId('deploy-image').fill(lab.image)
    await page.getByTestId('deploy-pull-policy').selectOption('IfNotPresent')
    await page.getByTestId('deploy-command').fill(`sh -c 'echo "hello from $(hostname)"; exec sleep 3600'`)
    await page.getByTestId('deploy-name').fill('web')
    await page.getByTestId('deploy-namespace').fill(NS)
    await page.getByTestId('deploy-replicas').fill('2')
    await page.getByTestId('deploy-ports').fill('80')
    await page.getByTestId('deploy-expose-ClusterIP').check()
    await shot('deploy-form-lab')
    await page.getByTestId('deploy-submit').click()
    await page.getByTestId('detail-title').filter({ hasText: 'web' }).waitFor()
    const runningPods = page.getByTestId('deployment-pods').locator('tr', { hasText: 'Running' })
    await until('2 pods Running in the view', async () => ((await runningPods.count()) === 2 ? true : undefined))
    await page.getByTestId('rollout-state').filter({ hasText: 'Rolled out' }).waitFor({ timeout: 30_000 })

    await page.getByTestId('scale-up').click()
    await page.getByTestId('scale-value').filter({ hasText: '3' }).waitFor()
    await page.getByTestId('scale-up').click()
    await until('4 replicas written', async () => ((await deployment()).spec.replicas === 4 ? true : undefined), 10_000)
    await until('4 pods Running in the view', async () => ((await runningPods.count()) === 4 ? true : undefined))
    await page.getByTestId('deployment-ready').filter({ hasText: '4/4' }).waitFor({ timeout: 30_000 })
    // One log for all of them: each pod's line, prefixed with its name.
    const merged = page.getByTestId('merged-logs-view').locator('.logs__line', { hasText: 'hello from web-' })
    await until('4 pods in the merged log', async () => {
      if ((await merged.count()) === 4) return true
      // A snapshot: ask again, as a user would, once the last fetch finished.
      if (await page.getByTestId('merged-logs-refresh').isEnabled()) await page.getByTestId('merged-logs-refresh').click()
      return undefined
    }, 30_000)
    for (const line of await merged.allTextContents()) expect(line.trim()).toMatch(/^\[(web-[a-z0-9-]+)\] hello from \1$/)
    await shot('deployment-scaled')

    await page.getByTestId('rollout-pause').click()
    await until('paused', async () => ((await deployment()).spec.paused === true ? true : undefined), 10_000)
    await page.getByTestId('rollout-state').filter({ hasText: 'Paused' }).waitFor()
    expect(await page.getByTestId('rollout-pause').textContent()).toContain('Resume')
    await page.getByTestId('rollout-pause').click()
    await until('resumed', async () => ((await deployment()).spec.paused === false ? true : undefined), 10_000)

    // One revision so far: nothing to undo, and the button says so.
    await page.getByTestId('revision-1').waitFor()
    expect(await page.getByTestId('rollout-undo').isDisabled()).toBe(true)
    await page.getByTestId('rollout-restart').click()
    const restartedAt = await until('a restart annotation', async () => (await deployment()).spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], 10_000)
    expect(Date.parse(restartedAt)).toBeGreaterThan(Date.now() - 60_000)
    // The restart is revision 2; undo goes back to revision 1's template (no restart annotation).
    await page.getByTestId('revision-2').waitFor({ timeout: 30_000 })
    await page.getByTestId('rollout-undo').click()
    await until('the template rolled back', async () => ((await deployment()).spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'] === undefined ? true : undefined), 10_000)
    await page.getByTestId('rollout-state').filter({ hasText: 'Rolled out' }).waitFor({ timeout: 60_000 })
    await shot('deployment-detail')

    // Its Service and DNS name.
    await page.goto(`${serve.baseUrl}/#/network/dns?q=${NS}`)
    await page.getByTestId(`row-${NS}/web`).locator('[data-col="fqdn"]').filter({ hasText: `web.${NS}.svc.cluster.local` }).waitFor()
    await page.goto(`${serve.baseUrl}/#/network/services?q=${NS}`)
    await page.getByTestId(`row-${NS}/web`).locator('[data-col="endpoints"]').filter({ hasText: '4/4 ready' }).waitFor({ timeout: 30_000 })
    await shot('services-lab')
    await page.goto(`${serve.baseUrl}/#/deployments/${NS}/web`)
    await page.getByTestId('deployment-delete').click()
    await page.getByTestId('list-title').filter({ hasText: 'Deployments' }).waitFor()
    await until('the deployment gone', async () => ((await rest.request('GET', `/apis/apps/v1/namespaces/${NS}/deployments/web`)).status === 404 ? true : undefined), 30_000)
  })

  it('raised no console errors (CSP included)', () => {
    // Other labs on this machine add and remove network interfaces; Chromium then aborts what is in
    // flight with ERR_NETWORK_CHANGED and the dashboard reconnects. That is the machine, not the page.
    expect(errors.filter((e) => !e.includes('net::ERR_NETWORK_CHANGED'))).toEqual([])
  })
})
