import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ControlPlane, CLUSTER_FILE, DEFAULT_CLUSTER_NAME, type NodeConnectionChange } from './controlplane.ts'
import { createLogger } from './util/log.ts'
import pkg from '../package.json' with { type: 'json' }

const quiet = createLogger({}, () => {}, 'error')

describe('ControlPlane', () => {
  let root: string
  let dataDir: string
  let clock: Date
  const make = () => new ControlPlane({ dataDir, log: quiet, now: () => clock })

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'coxswain-cp-'))
    dataDir = join(root, 'data')
    clock = new Date('2025-01-02T03:04:05.000Z')
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

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
})
