// The SSH + Docker transport against real lab nodes (own sshd and dockerd in their own namespaces):
// host keys pinned from the lab's published fingerprints, containers run over the SSH channel, a
// mismatched key refused, and a partitioned node detected within 5 s and recovered after healing.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { injectFault } from '../../scripts/lab/faults.ts'
import { readLabFile, type LabFile, type LabNode } from '../../scripts/lab/lab-file.ts'
import { dockerCall, dockerOverSsh, dockerPing, type NodeDocker } from '../../src-main/nodeagent/docker/client.ts'
import { demuxDockerStream } from '../../src-main/nodeagent/docker/demux.ts'
import { NodeConnection, type ConnectionState, type NodeConnectionOptions } from '../../src-main/nodeagent/ssh/connection.ts'
import { parseOpenSshPublicKey } from '../../src-main/nodeagent/ssh/host-key.ts'
import { HostKeyChangedError, HostKeyUnknownError } from '../../src-main/nodeagent/ssh/host-key-policy.ts'
import { PinnedHostKeys, hostPortKey } from '../../src-main/nodeagent/ssh/pinned-host-keys.ts'
import { labConnectionOptions } from '../support/lab-connection.ts'
import { createLogger } from '../../src-main/util/log.ts'

const log = createLogger({ suite: 'lab/transport' })
const quiet = createLogger({}, () => {})
const FAULTED = 'node-2'

let lab: LabFile
let dir: string
let store: PinnedHostKeys
const connections = new Map<string, NodeConnection>()
const dockers = new Map<string, NodeDocker>()

function connectionOptions(node: LabNode, overrides: Partial<NodeConnectionOptions> = {}): NodeConnectionOptions {
  return { ...labConnectionOptions(lab, node, store, quiet), ...overrides }
}

const isState = (state: ConnectionState) => (status: { state: ConnectionState }) => status.state === state

function nodeNamed(name: string): LabNode {
  const node = lab.nodes.find((n) => n.name === name)
  if (!node) throw new Error(`the lab has no ${name}`)
  return node
}

function connectionTo(name: string): NodeConnection {
  const connection = connections.get(name)
  if (!connection) throw new Error(`no connection to ${name}`)
  return connection
}

function dockerOn(name: string): NodeDocker {
  const docker = dockers.get(name)
  if (!docker) throw new Error(`no docker client for ${name}`)
  return docker
}

beforeAll(async () => {
  lab = readLabFile()
  dir = mkdtempSync(join(tmpdir(), 'coxswain-lab-transport-'))
  store = new PinnedHostKeys(join(dir, 'known-hosts.json'))
  for (const node of lab.nodes) {
    const connection = new NodeConnection(connectionOptions(node))
    connections.set(node.name, connection)
    dockers.set(node.name, dockerOverSsh(connection, { socketPath: node.dockerSocket }))
    connection.start()
  }
  await Promise.all([...connections.values()].map((c) => c.waitFor(isState('connected'), 10_000, 'connected')))
})

afterAll(async () => {
  for (const { agent } of dockers.values()) agent.destroy()
  await Promise.all([...connections.values()].map((c) => c.close()))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('SSH transport to lab nodes', () => {
  it('connects to every node, pinning the host key the lab published', async () => {
    for (const node of lab.nodes) {
      const connection = connectionTo(node.name)
      expect(connection.state).toBe('connected')
      expect(store.get(hostPortKey(node.address, node.sshPort))?.fingerprint).toBe(node.hostKeyFingerprint)
      const hostname = await connection.exec(['hostname'], { timeoutMs: 5000 })
      expect(hostname).toMatchObject({ code: 0, stdout: `${node.name}\n` })
    }
  })

  it('runs a container on every node through Docker over SSH and reads its logs', async () => {
    await Promise.all(
      lab.nodes.map(async (node) => {
        const { docker } = dockerOn(node.name)
        const what = (call: string) => `${call} on ${node.name}`
        const container = await dockerCall(what('create container'), 10_000, (abortSignal) =>
          docker.createContainer({ Image: lab.image, Cmd: ['echo', `hello-from-${node.name}`], Labels: { 'coxswain.test': 'transport' }, abortSignal }),
        )
        try {
          await dockerCall(what('start container'), 10_000, (abortSignal) => container.start({ abortSignal }))
          const exit = (await dockerCall(what('wait for container'), 10_000, (abortSignal) => container.wait({ abortSignal }))) as { StatusCode: number }
          expect(exit.StatusCode).toBe(0)
          const logs = await dockerCall(what('read logs'), 10_000, (abortSignal) =>
            container.logs({ stdout: true, stderr: true, follow: false, abortSignal }),
          )
          expect(demuxDockerStream(logs)).toEqual({ stdout: `hello-from-${node.name}\n`, stderr: '' })
        } finally {
          await dockerCall(what('remove container'), 10_000, () => container.remove({ force: true }))
        }
      }),
    )
  })
})

describe('host key refusal on a lab node', () => {
  const refusals: NodeConnection[] = []
  afterEach(async () => {
    await Promise.all(refusals.splice(0).map((c) => c.close()))
  })

  it('refuses a node whose key is not the expected one, showing both fingerprints', async () => {
    const [node, other] = lab.nodes
    if (!node || !other) throw new Error('the lab needs at least 2 nodes')
    const fresh = new PinnedHostKeys(join(dir, 'fresh.json'))
    const connection = new NodeConnection(connectionOptions(node, { hostKeys: { store: fresh, expectedFingerprint: other.hostKeyFingerprint } }))
    refusals.push(connection)
    connection.start()
    const status = await connection.waitFor(isState('refused'), 10_000, 'refused')
    expect(status.error).toBeInstanceOf(HostKeyUnknownError)
    expect(status.reason).toContain(`expected ${other.hostKeyFingerprint}, but it presented ${node.hostKeyFingerprint}`)
    expect(fresh.get(connection.endpoint)).toBeUndefined()
  })

  it('refuses a node whose key differs from the pinned one, showing both fingerprints', async () => {
    const [node, other] = lab.nodes
    if (!node || !other) throw new Error('the lab needs at least 2 nodes')
    const pinnedWrong = new PinnedHostKeys(join(dir, 'pinned-wrong.json'))
    pinnedWrong.pin(hostPortKey(node.address, node.sshPort), parseOpenSshPublicKey(other.hostKey).blob)
    const connection = new NodeConnection(connectionOptions(node, { hostKeys: { store: pinnedWrong } }))
    refusals.push(connection)
    connection.start()
    const status = await connection.waitFor(isState('refused'), 10_000, 'refused')
    expect(status.error).toBeInstanceOf(HostKeyChangedError)
    expect(status.reason).toContain(`expected ${other.hostKeyFingerprint} (pinned), but it presented ${node.hostKeyFingerprint}`)
  })
})

describe(`faults on ${FAULTED}`, () => {
  afterEach(async () => {
    for (const repair of ['heal', 'poweron', 'start-docker'] as const) await injectFault(FAULTED, repair)
  })

  it('is reported unreachable within 5 s, never hangs a call, and comes back after healing', async () => {
    const node = nodeNamed(FAULTED)
    const connection = connectionTo(node.name)
    const { docker } = dockerOn(node.name)
    await connection.waitFor(isState('connected'), 10_000, 'connected')
    expect(await dockerPing(docker)).toBe('OK')

    const faultAt = performance.now()
    await injectFault(node.name, 'partition')
    const inEffectMs = performance.now() - faultAt

    // A call on the silent link ends at its deadline.
    const pingStarted = performance.now()
    await expect(dockerCall(`ping docker on ${node.name}`, 1000, (abortSignal) => dockerPing(docker, abortSignal))).rejects.toThrow(/no answer within 1000 ms|not connected/)
    expect(performance.now() - pingStarted).toBeLessThan(1500)

    const lost = await connection.waitFor(isState('unreachable'), 6000, 'unreachable')
    const detectedMs = performance.now() - faultAt
    log.info('partition detected', { node: node.name, detectedMs: Math.round(detectedMs), faultInEffectMs: Math.round(inEffectMs), reason: lost.reason })
    expect(detectedMs).toBeLessThan(5000)
    expect(lost.reason).toMatch(/keepalive/)
    for (const other of lab.nodes.filter((n) => n.name !== node.name)) expect(connectionTo(other.name).state).toBe('connected')

    const healAt = performance.now()
    await injectFault(node.name, 'heal')
    await connection.waitFor(isState('connected'), 15_000, 'connected')
    log.info('reconnected after heal', { node: node.name, reconnectMs: Math.round(performance.now() - healAt) })
    expect(await dockerCall(`ping docker on ${node.name}`, 5000, (abortSignal) => dockerPing(docker, abortSignal))).toBe('OK')
  })

  it('stopped dockerd: SSH stays up, Docker calls fail at once, and work again once it is back', async () => {
    const node = nodeNamed(FAULTED)
    const connection = connectionTo(node.name)
    const { docker } = dockerOn(node.name)
    await connection.waitFor(isState('connected'), 15_000, 'connected')
    await injectFault(node.name, 'stop-docker')
    const started = performance.now()
    await expect(dockerCall(`ping docker on ${node.name}`, 5000, (abortSignal) => dockerPing(docker, abortSignal))).rejects.toThrow()
    expect(performance.now() - started).toBeLessThan(1000)
    expect(connection.state).toBe('connected')
    await injectFault(node.name, 'start-docker')
    expect(await dockerCall(`ping docker on ${node.name}`, 5000, (abortSignal) => dockerPing(docker, abortSignal))).toBe('OK')
  })

  // A crash (processes die, the machine still answers) resets the connection: seen at once.
  // A power-off is silent (nothing answers any more): seen by keepalive, like a partition.
  it.each([
    ['crash', 'the connection is reset', 1500],
    ['poweroff', 'keepalives go unanswered', 5000],
  ] as const)('%s is seen within its bound (%s) and the node is back after power-on', async (fault, _how, boundMs) => {
    const node = nodeNamed(FAULTED)
    const connection = connectionTo(node.name)
    const { docker } = dockerOn(node.name)
    await connection.waitFor(isState('connected'), 15_000, 'connected')
    const lostPromise = connection.waitFor(isState('unreachable'), boundMs, 'unreachable')
    const faultAt = performance.now()
    await injectFault(node.name, fault)
    const lost = await lostPromise
    const detectedMs = performance.now() - faultAt
    log.info('node loss detected', { node: node.name, fault, detectedMs: Math.round(detectedMs), reason: lost.reason })
    expect(detectedMs).toBeLessThan(boundMs)
    await injectFault(node.name, 'poweron')
    await connection.waitFor(isState('connected'), 15_000, 'connected')
    expect(await dockerCall(`ping docker on ${node.name}`, 5000, (abortSignal) => dockerPing(docker, abortSignal))).toBe('OK')
  })

})
