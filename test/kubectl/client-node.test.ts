// @kubernetes/client-node 1.4 against Coxswain, through the kubeconfig the server writes: typed
// calls, and the Watch that informers are built on, seeing an ADDED and a MODIFIED.

import { CoreV1Api, KubeConfig, Watch, type V1ConfigMap } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/server.ts'

interface Seen {
  type: string
  name: string
  data: Record<string, string> | undefined
}

/** Collects watch events and lets a test wait for one. */
class Events {
  readonly seen: Seen[] = []
  private waiters: (() => void)[] = []

  push(e: Seen): void {
    this.seen.push(e)
    for (const w of this.waiters.splice(0)) w()
  }

  async waitFor(predicate: (seen: Seen[]) => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms
    while (!predicate(this.seen)) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`watch events not seen in time: ${JSON.stringify(this.seen)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }
}

describe('@kubernetes/client-node 1.4', () => {
  let srv: TestServer
  let kc: KubeConfig
  let core: CoreV1Api

  beforeAll(async () => {
    srv = await startTestServer()
    kc = new KubeConfig()
    kc.loadFromFile(srv.kubeconfig)
    core = kc.makeApiClient(CoreV1Api)
  })

  afterAll(async () => {
    await srv?.close()
  })

  it('lists namespaces over TLS with the kubeconfig’s token and CA', async () => {
    const list = await core.listNamespace()
    expect(list.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'kube-system']))
    expect(list.metadata?.resourceVersion).toMatch(/^\d+$/)
  })

  it('creates and reads typed objects', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'typed' }, data: { a: '1' } } })
    expect(created.metadata?.uid).toBeTruthy()
    const read = await core.readNamespacedConfigMap({ namespace: 'default', name: 'typed' })
    expect(read.data).toEqual({ a: '1' })
  })

  it('watches from a list’s resourceVersion and sees ADDED then MODIFIED, as an informer does', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' })
    const events = new Events()
    let ended: unknown = null
    const watch = new Watch(kc)
    const abort = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (type, obj: V1ConfigMap) => {
        if (type === 'BOOKMARK') return
        events.push({ type, name: obj.metadata?.name ?? '', data: obj.data })
      },
      (err) => {
        ended = err ?? 'done'
      },
    )
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched' }, data: { v: '1' } } })
      await events.waitFor((s) => s.some((e) => e.type === 'ADDED' && e.name === 'watched'))
      // client-node sends application/json-patch+json unless told otherwise.
      await core.patchNamespacedConfigMap({ namespace: 'default', name: 'watched', body: [{ op: 'replace', path: '/data/v', value: '2' }] })
      await events.waitFor((s) => s.some((e) => e.type === 'MODIFIED' && e.name === 'watched'))
      expect(events.seen.filter((e) => e.name === 'watched')).toEqual([
        { type: 'ADDED', name: 'watched', data: { v: '1' } },
        { type: 'MODIFIED', name: 'watched', data: { v: '2' } },
      ])
      expect(ended).toBeNull()
    } finally {
      abort.abort()
    }
  })
})
