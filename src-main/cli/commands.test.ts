// The command line tool against a real in-process server (the REST door over a ControlPlane whose
// machines are fakes): it finds the server from the data dir, adds, lists and removes machines.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Machine, Node } from '../api/index.ts'
import { systemContext } from '../apiserver/api-server.ts'
import { eventually } from '../apiserver/testing.ts'
import { ControlPlane } from '../controlplane.ts'
import { MACHINES } from '../nodeagent/machines/machine-controller.ts'
import { FakeHost } from '../nodeagent/machines/testing.ts'
import { FakeMachine } from '../nodeagent/node/testing.ts'
import { HostKeyUnknownError } from '../nodeagent/ssh/host-key-policy.ts'
import { startHttpServer, type RunningHttpServer } from '../server/http-server.ts'
import { loadOrCreateToken } from '../server/token.ts'
import { createLogger } from '../util/log.ts'
import { parseCliArgs } from './args.ts'
import { runCli, type CliIo } from './commands.ts'

const quiet = createLogger({}, () => {}, 'error')
const A = 'SHA256:V5XqX/YJR246rKydSvRbU4gAUv+gUKkFDW5DtynjZps'
const B = 'SHA256:L6FvF91WYwvlvTsNnxoomxVv6g/N2zKnl7G+E0GRIvY'

let root: string
let dataDir: string
let cp: ControlPlane
let http: RunningHttpServer

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'coxswain-cli-'))
  dataDir = join(root, 'data')
  mkdirSync(join(root, 'renderer'))
  const token = loadOrCreateToken(dataDir)
  cp = new ControlPlane({
    dataDir,
    log: quiet,
    storage: 'memory',
    // The fake hosts have no Docker engine to sync pods with (no event stream): the node would never settle.
    podSync: false,
    metrics: false,
    machines: {
      timings: { statusIntervalMs: 20, leaseRenewIntervalMs: 50, callTimeoutMs: 200, drainTimeoutMs: 200 },
      createHost: (m) => {
        const host = new FakeHost(new FakeMachine(m.metadata.name ?? ''), A)
        if (m.spec?.hostKeyFingerprint === B) host.onStart = { state: 'refused', reason: 'mismatch', error: new HostKeyUnknownError(`${m.spec.address}:22`, A, B) }
        return host
      },
    },
  })
  await cp.start()
  http = await startHttpServer({ controlPlane: cp, token, rendererDir: join(root, 'renderer'), log: quiet, listen: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await http.close()
  await cp.stop()
  rmSync(root, { recursive: true, force: true })
})

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' }
  const code = await runCli(parseCliArgs([...argv, '--data-dir', dataDir], {}, root), io, { pollMs: 20, addWaitMs: 5000, removeWaitMs: 5000 })
  return { code, out, err }
}

describe('the command line tool', () => {
  it('adds a machine through the API found from the data dir (https, the cluster CA) and waits for it to connect', async () => {
    const result = await cli('node', 'add', 'root@192.168.213.11', '--host-key', A, '--name', 'node-1')
    expect(result.err).toEqual([])
    expect(result.out).toEqual(['machine/node-1 created', `machine/node-1 connected (privilege root, Docker 20.10.24+dfsg1, host key ${A})`])
    expect(result.code).toBe(0)
    const stored = (await cp.api.get({ ...MACHINES, name: 'node-1' }, systemContext('test'))) as Machine
    expect(stored.spec).toMatchObject({ address: '192.168.213.11', user: 'root', auth: { type: 'ClusterKey' }, port: 22 })
  })

  it('says why a machine is refused, and exits 1', async () => {
    const result = await cli('node', 'add', 'root@192.168.213.12', '--host-key', B, '--name', 'node-2')
    expect(result.code).toBe(1)
    expect(result.err[0]).toContain(`machine/node-2 refused: host key of 192.168.213.12:22 does not match: expected ${B}`)
  })

  it('shows the API\'s own message for an invalid machine', async () => {
    const result = await cli('node', 'add', 'root@192.168.213.13', '--host-key', 'MD5:xx', '--name', 'node-3').catch((err: Error) => ({ code: -1, out: [], err: [err.message] }))
    expect(result.err[0]).toContain('spec.hostKeyFingerprint: Invalid value: "MD5:xx"')
  })

  it('lists machines with their connection and node', async () => {
    // "Connected" comes before the agent's first Node status: wait for that, as a user would.
    const nodeReady = async (): Promise<boolean> => {
      const node = (await cp.api.get({ group: '', version: 'v1', resource: 'nodes', name: 'node-1' }, systemContext('test')).catch(() => null)) as Node | null
      return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
    }
    await eventually(nodeReady, 'node-1 Ready', 10_000)
    const result = await cli('node', 'list')
    expect(result.out[0]).toMatch(/^NAME\s+ADDRESS\s+CONNECTION\s+NODE\s+PRIVILEGE\s+DOCKER\s+AGE$/)
    expect(result.out[1]).toMatch(/^node-1\s+root@192\.168\.213\.11\s+Connected\s+Ready\s+root\s+20\.10\.24\+dfsg1\s+\d+s$/)
    expect(result.out[2]).toMatch(/^node-2\s+root@192\.168\.213\.12\s+Refused\s+<none>/)
    expect(result.out.join('\n')).toContain('node-2: host key of 192.168.213.12:22 does not match')
  })

  it('removes machines, draining or by force', async () => {
    expect(await cli('node', 'remove', 'node-1')).toEqual({ code: 0, out: ['machine/node-1 draining: node cordoned, its pods evicted', 'machine/node-1 removed'], err: [] })
    expect((await cli('node', 'remove', 'node-2', '--force')).out).toEqual(['machine/node-2 removing without draining', 'machine/node-2 removed'])
    expect((await cli('node', 'list')).out).toHaveLength(1)
  })

  it('prints the cluster key and its install command', async () => {
    const result = await cli('key')
    expect(result.out[0]).toBe(cp.clusterPublicKey.publicKeyLine)
    expect(result.out.at(-1)).toBe(`  ${cp.clusterPublicKey.installCommand}`)
  })
})
