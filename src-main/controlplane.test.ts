import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ControlPlane, CLUSTER_FILE, DEFAULT_CLUSTER_NAME, STORE_FILE, type NodeConnectionChange } from './controlplane.ts'
import { ApiError } from './apiserver/errors.ts'
import type { RequestContext } from './apiserver/types.ts'
import { existsSync } from 'node:fs'
import { createLogger } from './util/log.ts'
import pkg from '../package.json' with { type: 'json' }

const quiet = createLogger({}, () => {}, 'error')

describe('ControlPlane', () => {
  let root: string
  let dataDir: string
  let clock: Date
  let made: ControlPlane[]
  const make = (options: { storage?: 'sqlite' | 'memory' } = {}) => {
    const cp = new ControlPlane({ dataDir, log: quiet, now: () => clock, ...options })
    made.push(cp)
    return cp
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'coxswain-cp-'))
    dataDir = join(root, 'data')
    clock = new Date('2025-01-02T03:04:05.000Z')
    made = []
  })
  afterEach(async () => {
    for (const cp of made) await cp.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('creates a private data dir and persists the default cluster name', async () => {
    const cp = make()
    await cp.start()
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dataDir, CLUSTER_FILE)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(join(dataDir, CLUSTER_FILE), 'utf8'))).toEqual({ name: DEFAULT_CLUSTER_NAME })
    expect(cp.info()).toEqual({ clusterName: 'coxswain', version: pkg.version, startedAt: clock.toISOString(), nodes: [] })
  })

  it('keeps a cluster name chosen earlier', async () => {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(join(dataDir, CLUSTER_FILE), JSON.stringify({ name: 'home-lab' }))
    const cp = make()
    await cp.start()
    expect(cp.info().clusterName).toBe('home-lab')
  })

  it('refuses a cluster file with an invalid name, naming the file', async () => {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(join(dataDir, CLUSTER_FILE), JSON.stringify({ name: 'Not A Label' }))
    await expect(make().start()).rejects.toThrow(join(dataDir, CLUSTER_FILE))
  })

  it('refuses a cluster file that is not JSON', async () => {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(join(dataDir, CLUSTER_FILE), '{')
    await expect(make().start()).rejects.toThrow(/read cluster file/)
  })

  it('reports node connections sorted by name', async () => {
    const cp = make()
    await cp.start()
    cp.setNodeConnection('node-2', 'connecting')
    cp.setNodeConnection('node-1', 'unreachable', 'ssh: connect timed out after 5 s')
    expect(cp.info().nodes).toEqual([
      { name: 'node-1', state: 'unreachable', detail: 'ssh: connect timed out after 5 s', since: clock.toISOString() },
      { name: 'node-2', state: 'connecting', since: clock.toISOString() },
    ])
  })

  it('tells subscribers about changes until they unsubscribe', async () => {
    const cp = make()
    await cp.start()
    const seen: NodeConnectionChange[] = []
    const dispose = cp.onNodeConnectionChange((change) => seen.push(change))
    cp.setNodeConnection('node-1', 'connecting')
    cp.setNodeConnection('node-1', 'connected')
    dispose()
    cp.setNodeConnection('node-1', 'unreachable')
    expect(seen.map((c) => [c.previous?.state ?? null, c.current?.state ?? null])).toEqual([
      [null, 'connecting'],
      ['connecting', 'connected'],
    ])
  })

  it('does not notify when nothing changed', async () => {
    const cp = make()
    await cp.start()
    let calls = 0
    cp.onNodeConnectionChange(() => calls++)
    cp.setNodeConnection('node-1', 'connected')
    cp.setNodeConnection('node-1', 'connected')
    expect(calls).toBe(1)
  })

  it('keeps notifying other subscribers when one throws', async () => {
    const cp = make()
    await cp.start()
    let reached = false
    cp.onNodeConnectionChange(() => {
      throw new Error('window closed')
    })
    cp.onNodeConnectionChange(() => {
      reached = true
    })
    cp.setNodeConnection('node-1', 'connected')
    expect(reached).toBe(true)
  })

  it('forgets a removed node and says so', async () => {
    const cp = make()
    await cp.start()
    cp.setNodeConnection('node-1', 'connected')
    const seen: NodeConnectionChange[] = []
    cp.onNodeConnectionChange((change) => seen.push(change))
    cp.removeNode('node-1')
    expect(cp.info().nodes).toEqual([])
    expect(seen).toEqual([{ name: 'node-1', current: null, previous: expect.objectContaining({ state: 'connected' }) }])
  })

  it('does not let callers mutate its state through info()', async () => {
    const cp = make()
    await cp.start()
    cp.setNodeConnection('node-1', 'connected')
    const [node] = cp.info().nodes
    if (node) node.state = 'unreachable'
    expect(cp.info().nodes[0]?.state).toBe('connected')
  })

  it('starts and stops idempotently', async () => {
    const cp = make()
    await cp.start()
    await cp.start()
    expect(cp.running).toBe(true)
    await cp.stop()
    await cp.stop()
    expect(cp.running).toBe(false)
  })

  it('has no cluster name before start', () => {
    expect(() => make().info()).toThrow(/not started/)
  })

  describe('API', () => {
    const admin: RequestContext = { user: { name: 'admin', readOnly: false } }
    const namespaces = { group: '', version: 'v1', resource: 'namespaces' }
    const configmaps = { group: '', version: 'v1', resource: 'configmaps' }

    it('serves the API server once started, with the default namespaces', async () => {
      const cp = make()
      expect(() => cp.api).toThrow(/not started/)
      await cp.start()
      const list = await cp.api.list(namespaces, {}, admin)
      expect(list.items.map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system'])
      expect(existsSync(join(dataDir, STORE_FILE))).toBe(true)
      await cp.stop()
      expect(() => cp.api).toThrow(/not started/)
    })

    it('keeps objects in DATA_DIR/store.db across a restart', async () => {
      const first = make()
      await first.start()
      await first.api.create({ ...configmaps, namespace: 'default' }, { metadata: { name: 'kept' } }, admin)
      await first.stop()
      const second = make()
      await second.start()
      expect((await second.api.get({ ...configmaps, namespace: 'default', name: 'kept' }, admin)).metadata.name).toBe('kept')
    })

    it('keeps nothing with memory storage', async () => {
      const cp = make({ storage: 'memory' })
      await cp.start()
      await cp.api.create({ ...configmaps, namespace: 'default' }, { metadata: { name: 'gone' } }, admin)
      expect(existsSync(join(dataDir, STORE_FILE))).toBe(false)
    })

    it('runs the namespace controller and garbage collector: a deleted namespace goes with its content', async () => {
      const cp = make({ storage: 'memory' })
      await cp.start()
      await cp.api.create(namespaces, { metadata: { name: 'team' } }, admin)
      await cp.api.create({ ...configmaps, namespace: 'team' }, { metadata: { name: 'cm' } }, admin)
      await cp.api.delete({ ...namespaces, name: 'team' }, {}, admin)
      const deadline = Date.now() + 3000
      for (;;) {
        try {
          await cp.api.get({ ...namespaces, name: 'team' }, admin)
        } catch (err) {
          if (err instanceof ApiError && err.code === 404) break
          throw err
        }
        if (Date.now() > deadline) throw new Error('namespace team was not removed')
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })
  })
})
