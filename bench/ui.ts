// Dashboard benchmark: what the browser adds on top of the watch, measured in one run against the
// built headless server (out/main/serve.js; `npx electron-vite build` first) and Debian's Chromium.
//
//   (a) a pod's status changes 100 times (a status-subresource write from the page); for each, the
//       time until the Pods list shows it, against the time until a bare watch stream opened in
//       the same page (fetch + line splitting, no framework) sees the change — the baseline;
//   (b) frame timing while scrolling a 1,000-pod list top to bottom (requestAnimationFrame
//       intervals), against the same page idle.
//
//   npm run bench:ui          (about 20 s)

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium } from '../test/e2e/support/browser.ts'
import { KubeRest } from '../test/e2e/support/rest.ts'
import { killServe, requireBuiltServe, startServe } from '../test/e2e/support/serve.ts'

/**
 * The browser globals the in-page functions use, typed here: this file is checked with Node's
 * library, not the DOM's (fetch, performance and TextDecoderStream exist in both).
 */
interface PageElement {
  textContent: string | null
  scrollTop: number
  readonly scrollHeight: number
  readonly clientHeight: number
}
interface PageGlobals {
  document: { body: unknown; querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): { length: number } }
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void }
  requestAnimationFrame(callback: (time: number) => void): number
}

const PODS = 1_000
const CHANGES = 100
const SCROLL_FRAMES = 300

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}
const ms = (n: number): string => `${n.toFixed(1)} ms`

async function main(): Promise<void> {
  requireBuiltServe()
  const dataDir = mkdtempSync(join(tmpdir(), 'coxswain-bench-ui-'))
  const serve = await startServe(dataDir)
  const browser = await launchChromium()
  try {
    const rest = KubeRest.forDataDir(serve.baseUrl, dataDir)
    const names = ['aaa-target', ...Array.from({ length: PODS - 1 }, (_, i) => `bench-${String(i).padStart(4, '0')}`)]
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(
        names.slice(i, i + 50).map(async (name) => {
          const answer = await rest.request('POST', '/api/v1/namespaces/default/pods', {
            body: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { bench: 'ui' } }, spec: { containers: [{ name: 'app', image: 'busybox' }] } },
          })
          if (answer.status !== 201) throw new Error(`create ${name}: ${answer.status} ${answer.text}`)
        }),
      )
    }

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(serve.loginUrl)
    await page.goto(`${serve.baseUrl}/#/workloads/pods?l=bench%3Dui`)
    await page.getByTestId('list-count').filter({ hasText: `${PODS}` }).waitFor({ timeout: 60_000 })
    await page.getByTestId('row-default/aaa-target').waitFor()

    // (a) In the page: one write at a time; a bare watch (the baseline) and the DOM are both timed
    // from the same performance.now() taken just before the write is sent.
    const latencies = await page.evaluate(async ({ changes }) => {
      const { document, MutationObserver, requestAnimationFrame } = globalThis as unknown as PageGlobals
      const target = '/api/v1/namespaces/default/pods/aaa-target'
      const current = (await (await fetch(target)).json()) as { metadata: { resourceVersion: string } }
      const seenByWatch = new Map<string, number>()
      const controller = new AbortController()
      const watch = await fetch(`/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3Daaa-target&resourceVersion=${current.metadata.resourceVersion}`, { signal: controller.signal })
      if (!watch.body) throw new Error('watch: no body')
      const reader = watch.body.pipeThrough(new TextDecoderStream()).getReader()
      let buffered = ''
      void (async () => {
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
          if (done) return
          buffered += value
          let nl: number
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl)
            buffered = buffered.slice(nl + 1)
            const reason = (JSON.parse(line) as { object?: { status?: { reason?: string } } }).object?.status?.reason
            if (reason && !seenByWatch.has(reason)) seenByWatch.set(reason, performance.now())
          }
        }
      })()
      const cell = () => document.querySelector('[data-testid="row-default/aaa-target"] [data-col="status"]')
      const rendered = (text: string): Promise<number> =>
        new Promise((resolve) => {
          const check = (): boolean => {
            if (!cell()?.textContent?.includes(text)) return false
            resolve(performance.now())
            return true
          }
          if (check()) return
          const observer = new MutationObserver(() => {
            if (check()) observer.disconnect()
          })
          observer.observe(document.body, { subtree: true, childList: true, characterData: true })
        })
      const out: { watch: number; dom: number }[] = []
      for (let i = 0; i < changes; i++) {
        const reason = `Bench${i}`
        const shown = rendered(reason)
        const t0 = performance.now()
        const res = await fetch(`${target}/status`, { method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: JSON.stringify({ status: { reason } }) })
        if (!res.ok) throw new Error(`patch status: ${res.status} ${await res.text()}`)
        const t1 = await shown
        // Paint: the frame after the DOM change.
        await new Promise((r) => requestAnimationFrame(() => r(null)))
        const painted = performance.now()
        const seen = seenByWatch.get(reason) ?? NaN
        out.push({ watch: seen - t0, dom: Math.max(t1, painted) - t0 })
      }
      controller.abort()
      return out
    }, { changes: CHANGES })

    // (b) Frame intervals: idle, then scrolling the list's viewport one step per frame to the end.
    const frames = await page.evaluate(async ({ count }) => {
      const { document, requestAnimationFrame } = globalThis as unknown as PageGlobals
      const body = document.querySelector('[data-testid="table-body"]')
      if (!body) throw new Error('no table body')
      const intervals = async (step: ((i: number) => void) | null): Promise<number[]> => {
        const out: number[] = []
        let last = performance.now()
        for (let i = 0; i < count; i++) {
          step?.(i)
          const now = await new Promise<number>((r) => requestAnimationFrame(r))
          out.push(now - last)
          last = now
        }
        return out
      }
      const idle = await intervals(null)
      body.scrollTop = 0
      const end = body.scrollHeight - body.clientHeight
      const scrolling = await intervals((i) => (body.scrollTop = Math.round((end * (i + 1)) / count)))
      const rows = document.querySelectorAll('[role="row"][aria-rowindex]').length
      return { idle, scrolling, rows, reachedEnd: body.scrollTop + body.clientHeight >= body.scrollHeight - 2 }
    }, { count: SCROLL_FRAMES })

    const watch = latencies.map((l) => l.watch)
    const dom = latencies.map((l) => l.dom)
    console.log(`bench:ui — ${PODS} pods listed, ${CHANGES} status changes, Chromium headless`)
    console.log('(a) pod status change -> shown in the Pods list')
    console.log(`    bare watch in the page (baseline)  p50 ${ms(quantile(watch, 0.5))}  p99 ${ms(quantile(watch, 0.99))}`)
    console.log(`    rendered in the dashboard          p50 ${ms(quantile(dom, 0.5))}  p99 ${ms(quantile(dom, 0.99))}`)
    console.log(`    ratio dashboard / bare watch       p50 ${(quantile(dom, 0.5) / quantile(watch, 0.5)).toFixed(2)}x  p99 ${(quantile(dom, 0.99) / quantile(watch, 0.99)).toFixed(2)}x`)
    const slow = (xs: number[]): string => `${((100 * xs.filter((x) => x > 1000 / 60 + 1).length) / xs.length).toFixed(1)}%`
    console.log(`(b) frames while scrolling ${PODS} pods (${frames.rows} rows in the page, reached the end: ${frames.reachedEnd})`)
    console.log(`    idle (baseline)   p50 ${ms(quantile(frames.idle, 0.5))}  p99 ${ms(quantile(frames.idle, 0.99))}  max ${ms(Math.max(...frames.idle))}  frames over 17.7 ms ${slow(frames.idle)}`)
    console.log(`    scrolling         p50 ${ms(quantile(frames.scrolling, 0.5))}  p99 ${ms(quantile(frames.scrolling, 0.99))}  max ${ms(Math.max(...frames.scrolling))}  frames over 17.7 ms ${slow(frames.scrolling)}`)
    console.log(`    ratio scrolling / idle  p50 ${(quantile(frames.scrolling, 0.5) / quantile(frames.idle, 0.5)).toFixed(2)}x  p99 ${(quantile(frames.scrolling, 0.99) / quantile(frames.idle, 0.99)).toFixed(2)}x`)
  } finally {
    await browser.close()
    await killServe(serve)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
