// End to end: the dashboard's shell and lists against the built headless server (no lab: pods stay
// Pending, which is all a list needs). Objects are written over REST while the page is open, so
// every assertion also proves the list is live from its watch. Screenshots of each list are saved.
//
// Needs a build first: `npx electron-vite build`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
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
import type { RunningServe } from './support/serve.ts'

const pod = (name: string, labels: Record<string, string> = {}, namespace = 'default') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
})

const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
})

describe('dashboard lists', () => {
  let server: DashboardServer
  let opened: DashboardPage
  let serve: RunningServe
  let rest: KubeRest
  let browser: Browser
  let page: Page
  let errors: string[]

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) })
  const create = async (path: string, body: unknown): Promise<void> => {
    const answer = await rest.request('POST', path, { body })
    if (answer.status !== 201) throw new Error(`POST ${path}: ${answer.status} ${answer.text}`)
  }
  const row = (id: string) => page.getByTestId(`row-${id}`)
  const open = async (path: string): Promise<void> => {
    await page.getByTestId(`nav-${path}`).click()
    await page.getByTestId('list-loading').waitFor({ state: 'detached' })
  }

  beforeAll(async () => {
    server = await startDashboardServer('lists')
    opened = await openDashboardPage(server.serve, { viewport: { width: 1280, height: 800 } })
    serve = server.serve
    rest = server.rest
    browser = opened.browser
    page = opened.page
    errors = opened.errors
  })

  afterAll(async () => {
    await closeDashboardPage(opened)
    await stopDashboardServer(server)
  })

  it('says what to do next on an empty list', async () => {
    await open('/workloads/deployments')
    await page.getByTestId('list-empty').waitFor()
    expect(await page.getByTestId('list-empty').textContent()).toContain('Deploy')
    expect(await page.getByTestId('empty-action').getAttribute('href')).toContain('/deploy')
    await shot('list-empty')
  })

  it('shows a deployment the moment it is created, and scales it from its row', async () => {
    await create('/apis/apps/v1/namespaces/default/deployments', deployment('web', 2))
    await row('default/web').waitFor()
    const scale = row('default/web').locator('[data-col="scale"]')
    expect(await scale.getByTestId('scale-value').textContent()).toBe('2')
    expect(await row('default/web').locator('[data-col="image"]').textContent()).toContain('nginx:1.27')
    await scale.getByTestId('scale-up').click()
    await page.getByTestId('row-default/web').locator('[data-testid="scale-value"]', { hasText: '3' }).waitFor()
    const deadline = Date.now() + 10_000
    let replicas = 0
    while (Date.now() < deadline) {
      replicas = (await rest.get<{ spec: { replicas: number } }>('/apis/apps/v1/namespaces/default/deployments/web')).spec.replicas
      if (replicas === 3) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(replicas).toBe(3)
    await shot('deployments')
  })

  it('lists pods live, filters them by label and search, and names a bad selector', async () => {
    await open('/workloads/pods')
    await create('/api/v1/namespaces/default/pods', pod('front-1', { tier: 'front' }))
    await create('/api/v1/namespaces/default/pods', pod('back-1', { tier: 'back' }))
    await row('default/front-1').waitFor()
    await row('default/back-1').waitFor()
    expect(await row('default/front-1').locator('[data-col="status"]').textContent()).toContain('Pending')

    await page.getByTestId('list-labels').fill('tier=front')
    await page.getByTestId('list-labels').press('Enter')
    await row('default/back-1').waitFor({ state: 'detached' })
    expect(await row('default/front-1').isVisible()).toBe(true)

    await page.getByTestId('list-labels').fill('tier in (')
    await page.getByTestId('list-labels').press('Enter')
    expect(await page.getByTestId('label-error').textContent()).toContain('labelSelector')

    await page.getByTestId('list-labels').fill('')
    await page.getByTestId('list-labels').press('Enter')
    // "/" jumps to the search box from anywhere outside a field.
    await page.getByTestId('list-title').click()
    await page.keyboard.press('/')
    await page.keyboard.type('back')
    await row('default/front-1').waitFor({ state: 'detached' })
    expect(await row('default/back-1').isVisible()).toBe(true)
    await page.getByTestId('list-search').fill('no-such-pod')
    await page.getByTestId('clear-filter').click()
    await row('default/front-1').waitFor()
    await shot('pods')
  })

  it('follows the namespace chosen in the shell', async () => {
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } })
    await create('/api/v1/namespaces/shop/pods', pod('cart-1', {}, 'shop'))
    await row('shop/cart-1').waitFor()
    await page.getByTestId('namespace-select').selectOption('shop')
    await row('default/front-1').waitFor({ state: 'detached' })
    await row('shop/cart-1').waitFor()
    await page.getByTestId('namespace-select').selectOption('')
    await row('default/front-1').waitFor()
  })

  it('shows services with type, ClusterIP and ports, and their DNS names', async () => {
    await create('/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', clusterIP: '10.96.0.50', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80, nodePort: 30080 }] },
    })
    await open('/network/services')
    await row('default/web').waitFor()
    expect(await row('default/web').locator('[data-col="type"]').textContent()).toContain('NodePort')
    expect(await row('default/web').locator('[data-col="clusterIP"]').textContent()).toContain('10.96.0.50')
    expect(await row('default/web').locator('[data-col="ports"]').textContent()).toContain('80:30080/TCP')
    expect(await row('default/web').locator('[data-col="endpoints"]').textContent()).toMatch(/\d+\/\d+ ready|no pods/)
    await shot('services')
    await row('default/web').getByRole('link', { name: 'web' }).click()
    expect(await page.getByTestId('service-fqdn').textContent()).toBe('web.default.svc.cluster.local')
    await page.getByTestId('nav-/network/services').click()
    await open('/network/dns')
    expect(await row('default/web').locator('[data-col="fqdn"]').textContent()).toContain('web.default.svc.cluster.local')
    await shot('dns')
  })

  it('never shows secret values in the list', async () => {
    await create('/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'hunter2' } })
    await create('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'fast', level: '3' } })
    await open('/config/secrets')
    await row('default/db').waitFor()
    const text = (await page.getByTestId('list-secrets').textContent()) ?? ''
    expect(text).toContain('password')
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain(Buffer.from('hunter2').toString('base64'))
    await shot('secrets')

    // The detail view hides the values too, until asked.
    await row('default/db').getByRole('link', { name: 'db' }).click()
    await page.getByTestId('object-yaml').filter({ hasText: 'password' }).waitFor()
    const detail = (await page.locator('main').textContent()) ?? ''
    expect(detail).not.toContain('hunter2')
    expect(detail).not.toContain(Buffer.from('hunter2').toString('base64'))
    await page.getByTestId('secret-reveal').click()
    expect(await page.getByTestId('secret-value').textContent()).toBe('hunter2')
    await shot('secret-revealed')
    await open('/config/configmaps')
    expect(await row('default/settings').locator('[data-col="keys"]').textContent()).toContain('level, mode')
    await shot('configmaps')
  })

  it('lists nodes, events, replica sets and daemon sets with a clear empty state or rows', async () => {
    for (const path of ['/nodes', '/events', '/workloads/replicasets', '/workloads/daemonsets']) {
      await open(path)
      await page.locator('[data-testid="list-empty"], [role="row"][aria-rowindex="2"]').first().waitFor()
      await shot(path.split('/').at(-1) ?? 'list')
    }
  })

  it('keeps a 1,000-pod list to a few dozen rows in the page and scrolls to the end', async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => `bulk-${String(i).padStart(4, '0')}`)
    for (let i = 0; i < batch.length; i += 50) {
      await Promise.all(batch.slice(i, i + 50).map((name) => create('/api/v1/namespaces/default/pods', pod(name, { bulk: 'yes' }))))
    }
    await open('/workloads/pods')
    await page.getByTestId('list-labels').fill('bulk=yes')
    await page.getByTestId('list-labels').press('Enter')
    await page.getByTestId('list-count').filter({ hasText: /^1000 of/ }).waitFor()
    const rendered = await page.locator('[role="row"][aria-rowindex]').count()
    expect(rendered).toBeGreaterThan(5)
    expect(rendered).toBeLessThan(60)
    // Keyboard: focus the table, End goes to the last row.
    await page.getByTestId('table-body').focus()
    await page.keyboard.press('End')
    await row('default/bulk-0999').waitFor()
    expect(await page.locator('[role="row"][aria-rowindex]').count()).toBeLessThan(60)
    await shot('pods-1000')
  })

  it('moves through the menu with the arrow keys', async () => {
    await page.getByTestId('nav-/').focus()
    await page.keyboard.press('ArrowDown')
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('nav-/nodes')
    await page.keyboard.press('Enter')
    await page.getByTestId('list-title').filter({ hasText: 'Nodes' }).waitFor()
  })

  it('fits a 1024 px window in dark mode without horizontal scrolling', async () => {
    const dark = await browser.newContext({ viewport: { width: 1024, height: 700 }, colorScheme: 'dark' })
    const p = await dark.newPage()
    await p.goto(serve.loginUrl)
    await p.goto(`${serve.baseUrl}/#/workloads/pods?q=front`)
    await p.getByTestId('row-default/front-1').waitFor()
    const overflow = await p.locator('html').evaluate((el) => el.scrollWidth - el.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    const background = await p.evaluate('getComputedStyle(document.body).backgroundColor')
    expect(background).toBe('rgb(15, 19, 24)')
    await p.screenshot({ path: join(screenshotDir, 'pods-dark-1024.png') })
    await dark.close()
  })

  it('raised no console errors (CSP included)', () => {
    expect(errors).toEqual([])
  })
})
