import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Machine } from './api/index.ts'
import { systemContext } from './apiserver/api-server.ts'
import { eventually } from './apiserver/testing.ts'
import { ControlPlane } from './controlplane.ts'
import { MACHINES } from './nodeagent/machines/machine-controller.ts'
import { FakeHost } from './nodeagent/machines/testing.ts'
import { FakeMachine } from './nodeagent/node/testing.ts'
import { createLogger } from './util/log.ts'

const quiet = createLogger({}, () => {}, 'error')
const ctx = systemContext('test')
const FINGERPRINT = 'SHA256:V5XqX/YJR246rKydSvRbU4gAUv+gUKkFDW5DtynjZps'

describe('ControlPlane and machines', () => {
  let dataDir: string
  let cp: ControlPlane
  let hosts: FakeHost[]
  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'coxswain-cpm-')), 'data')
    hosts = []
    cp = new ControlPlane({
      dataDir,
      log: quiet,
      storage: 'memory',
      machines: {
        timings: { statusIntervalMs: 20, leaseRenewIntervalMs: 20, callTimeoutMs: 200 },
        createHost: (m) => {
          const host = new FakeHost(new FakeMachine(m.metadata.name ?? ''), FINGERPRINT)
          hosts.push(host)
          return host
        },
      },
    })
  })
  afterEach(async () => {
    await cp.stop()
    rmSync(join(dataDir, '..'), { recursive: true, force: true })
  })

  it('generates the cluster key at first start, private, and offers its install command', async () => {
    await cp.start()
    const keyPath = join(dataDir, 'keys', 'cluster_ed25519')
    expect(statSync(join(dataDir, 'keys')).mode & 0o777).toBe(0o700)
    expect(statSync(keyPath).mode & 0o777).toBe(0o600)
    const key = cp.clusterPublicKey
    expect(key.publicKeyLine).toMatch(/^ssh-ed25519 \S+ coxswain@coxswain$/)
    expect(readFileSync(`${keyPath}.pub`, 'utf8')).toBe(`${key.publicKeyLine}\n`)
    expect(key.installCommand).toBe(
      `mkdir -p ~/.ssh && echo '${key.publicKeyLine}' >> ~/.ssh/authorized_keys && chmod 700 ~/.ssh && chmod 600 ~/.ssh/authorized_keys`,
    )
    await cp.stop()
    await cp.start()
    expect(cp.clusterPublicKey.publicKeyLine).toBe(key.publicKeyLine)
  })

  it('runs the machine controller and reports node connections in its summary', async () => {
    await cp.start()
    const machine: Machine = { metadata: { name: 'node-1' }, spec: { address: '10.0.0.1', user: 'root', hostKeyFingerprint: FINGERPRINT } }
    await cp.api.create(MACHINES, machine, ctx)
    await eventually(() => cp.info().nodes.some((n) => n.name === 'node-1' && n.state === 'connected'), 'node-1 connected in the summary')
    expect(cp.runtimes?.dockerFor('node-1')).toBe(hosts[0]?.dockerode)
    hosts[0]?.set('refused', 'authentication failed')
    await eventually(() => cp.info().nodes.some((n) => n.state === 'disconnected' && n.detail === 'authentication failed'), 'refused shown as disconnected')
    await cp.api.delete({ ...MACHINES, name: 'node-1' }, {}, ctx)
    await eventually(() => cp.info().nodes.length === 0, 'node forgotten')
  })
})
