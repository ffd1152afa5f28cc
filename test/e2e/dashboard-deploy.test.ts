// End to end: the Deploy form and the YAML editor against the built headless server (no lab:
// these are API writes; the lab suite watches pods run). Checks the YAML preview, that a refused
// field is shown at its field or line and nothing is half-applied, and what lands in the store.
//
// Needs a build first: `npx electron-vite build`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
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

describe('deploying from the dashboard', () => {
  let server: DashboardServer
  let opened: DashboardPage
  let rest: KubeRest
  let page: Page
  let errors: string[]

  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true })
  const status = async (path: string) => (await rest.request('GET', path)).status
  // Typed as a user would (Playwright's fill() uses execCommand, whose inline styles the CSP refuses).
  const typeInEditor = async (text: string): Promise<void> => {
    await page.getByTestId('yaml-input').click()
    await page.keyboard.press('ControlOrMeta+A')
    await page.keyboard.press('Delete')
    await page.keyboard.insertText(text)
  }

  beforeAll(async () => {
    server = await startDashboardServer('deploy')
    opened = await openDashboardPage(server.serve, { viewport: { width: 1280, height: 900 } })
    rest = server.rest
    page = opened.page
    errors = opened.errors
  })

  afterAll(async () => {
    await closeDashboardPage(opened)
    await stopDashboardServer(server)
  })

  it('names a refused field next to it, and creates nothing', async () => {
    await page.getByTestId('nav-/deploy').click()
    await page.getByTestId('deploy-image').fill('nginx:1.27')
    await page.getByTestId('deploy-name').fill('Bad_Name')
    await page.getByTestId('deploy-ports').fill('80')
    await page.getByTestId('deploy-expose-ClusterIP').check()
    await page.getByTestId('deploy-submit').click()
    await page.getByTestId('error-name').waitFor()
    expect(await page.getByTestId('error-name').textContent()).toContain('metadata.name')
    expect(await status('/apis/apps/v1/namespaces/default/deployments/Bad_Name')).toBe(404)
    await shot('deploy-form-error')
  })

  it('shows the YAML it will apply, then creates the Deployment and its Service', async () => {
    await page.getByTestId('deploy-name').fill('web')
    await page.getByTestId('deploy-replicas').fill('2')
    await page.getByTestId('deploy-env-add').click()
    await page.getByTestId('deploy-env-key-0').fill('MODE')
    await page.getByTestId('deploy-env-value-0').fill('fast')
    await page.getByTestId('deploy-cpu-request').fill('100m')
    await page.getByTestId('deploy-expose-NodePort').check()
    const yaml = (await page.getByTestId('deploy-yaml').textContent()) ?? ''
    for (const line of ['kind: Deployment', 'name: web', 'replicas: 2', 'image: nginx:1.27', 'containerPort: 80', 'name: MODE', 'cpu: 100m', 'kind: Service', 'type: NodePort']) {
      expect(yaml).toContain(line)
    }
    await shot('deploy-form')
    await page.getByTestId('deploy-submit').click()
    await page.getByTestId('detail-title').filter({ hasText: 'web' }).waitFor()
    const deployment = await rest.get<{ spec: { replicas: number; template: { spec: { containers: { env: unknown[]; resources: unknown }[] } } } }>('/apis/apps/v1/namespaces/default/deployments/web')
    expect(deployment.spec.replicas).toBe(2)
    expect(deployment.spec.template.spec.containers[0]?.env).toEqual([{ name: 'MODE', value: 'fast' }])
    const service = await rest.get<{ spec: { type: string; selector: Record<string, string>; ports: { port: number; nodePort?: number }[] } }>('/api/v1/namespaces/default/services/web')
    expect(service.spec.type).toBe('NodePort')
    expect(service.spec.selector).toEqual({ app: 'web' })
    expect(service.spec.ports[0]?.port).toBe(80)
  })

  it('marks a refused field on its line in the YAML editor and applies nothing', async () => {
    await page.getByTestId('nav-/apply').click()
    const editor = page.getByTestId('yaml-input')
    await editor.waitFor()
    const broken = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: settings',
      'data:',
      '  mode: fast',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      'spec:',
      '  replicas: -1',
      '  selector:',
      '    matchLabels: {app: api}',
      '  template:',
      '    metadata:',
      '      labels: {app: api}',
      '    spec:',
      '      containers: [{name: api, image: nginx}]',
      '',
    ].join('\n')
    await typeInEditor(broken)
    await page.getByTestId('yaml-apply').click()
    await page.getByTestId('yaml-error').first().waitFor()
    const message = (await page.getByTestId('yaml-error').first().textContent()) ?? ''
    expect(message).toContain('line 13')
    expect(message).toContain('spec.replicas')
    expect(await page.getByTestId('yaml-result-1').textContent()).toContain('not applied')
    // Marked inline too: CodeMirror's lint range sits on the refused line.
    expect(await page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0)
    expect(await status('/api/v1/namespaces/default/configmaps/settings')).toBe(404)
    await shot('yaml-error')

    await typeInEditor(broken.replace('replicas: -1', 'replicas: 1'))
    await page.getByTestId('yaml-apply').click()
    await page.getByTestId('yaml-done').waitFor()
    expect(await status('/api/v1/namespaces/default/configmaps/settings')).toBe(200)
    expect(await status('/apis/apps/v1/namespaces/default/deployments/api')).toBe(200)

    // Applying again updates what exists.
    await typeInEditor(broken.replace('replicas: -1', 'replicas: 3').replace('mode: fast', 'mode: slow'))
    await page.getByTestId('yaml-apply').click()
    await page.getByTestId('yaml-result-1').filter({ hasText: 'configured' }).waitFor()
    expect((await rest.get<{ data: Record<string, string> }>('/api/v1/namespaces/default/configmaps/settings')).data.mode).toBe('slow')
    expect((await rest.get<{ spec: { replicas: number } }>('/apis/apps/v1/namespaces/default/deployments/api')).spec.replicas).toBe(3)
    await shot('yaml-applied')
  })

  it('raised no console errors (CSP included)', () => {
    // A refused write is an HTTP error the browser logs by itself; anything else is a defect.
    expect(errors.filter((e) => !/status of (400|404|409|422)/.test(e))).toEqual([])
  })
})
