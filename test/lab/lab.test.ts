// The lab itself: real, separate nodes on one machine, and faults that do what they say.

import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import ssh2 from 'ssh2'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NETNS_PREFIX } from '../../scripts/lab/config.ts'
import { fingerprintOf } from '../../src-main/nodeagent/ssh/host-key.ts'
import { injectFault } from '../../scripts/lab/faults.ts'
import { readLabFile, type LabFile, type LabNode } from '../../scripts/lab/lab-file.ts'
import { dockerAnswers, sshAnswers as bannerFrom } from '../../scripts/lab/node-process.ts'
import { run, waitFor } from '../../scripts/lab/run.ts'

let lab: LabFile

/** How a TCP connection attempt ends: silence (timeout) is what a dead machine gives. */
function connectOutcome(host: string, port: number, timeoutMs: number): Promise<'connected' | 'refused' | 'silent'> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (outcome: 'connected' | 'refused' | 'silent'): void => {
      socket.destroy()
      resolve(outcome)
    }
    socket.setTimeout(timeoutMs, () => done('silent'))
    socket.once('connect', () => done('connected'))
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'refused' : 'silent'))
  })
}
const docker = (node: LabNode): Docker => new Docker({ socketPath: node.localDockerSocket })
const sshAnswers = (node: LabNode): Promise<boolean> => bannerFrom(node.address, node.sshPort, 300)
// LAB_ID shifts the namespace names as it does the addresses.
const netnsOf = (node: LabNode): string => `/run/netns/${NETNS_PREFIX}${node.name}`
const nodeAt = (index: number): LabNode => {
  const node = lab.nodes.at(index)
  if (!node) throw new Error(`the lab has no node at ${index}: bring up more nodes`)
  return node
}

beforeAll(() => {
  lab = readLabFile()
})

describe('lab nodes', () => {
  it('are distinct Docker hosts with their own name, engine ID and the test image', async () => {
    const infos = await Promise.all(lab.nodes.map((node) => docker(node).info() as Promise<{ Name: string; ID: string }>))
    expect(infos.map((info) => info.Name)).toEqual(lab.nodes.map((node) => node.name))
    expect(new Set(infos.map((info) => info.ID)).size).toBe(lab.nodes.length)
    for (const node of lab.nodes) {
      const image = await docker(node).getImage(lab.image).inspect()
      expect(image.Config.Cmd).toEqual(['sh'])
    }
  })

  it('reach each other over the lab bridge and nothing beyond it', async () => {
    const [first, second] = [nodeAt(0), nodeAt(1)]
    const probe = await run(['nsenter', `--net=${netnsOf(first)}`, 'bash', '-c', `exec 3<>/dev/tcp/${second.address}/22 && head -c 7 <&3`])
    expect(probe.stdout).toBe('SSH-2.0')
    const routes = await run(['ip', '-n', `${NETNS_PREFIX}${first.name}`, 'route', 'show', 'default'])
    expect(routes.stdout.trim()).toBe('')
  })

  it('let root in with the lab-only password, from the node\'s own shadow file, and no other password', async () => {
    const node = nodeAt(0)
    const login = (password: string) =>
      new Promise<string>((resolve) => {
        const client = new ssh2.Client()
        client.once('error', (err: Error & { level?: string }) => resolve(`refused: ${err.level ?? err.message}`))
        client.once('ready', () => {
          client.exec('id -un; head -c 5 /etc/shadow', (err, stream) => {
            if (err) return resolve(`exec failed: ${err.message}`)
            let out = ''
            stream.on('data', (chunk: Buffer) => (out += chunk.toString()))
            stream.on('close', () => {
              client.end()
              resolve(out)
            })
          })
        })
        client.connect({ host: node.address, port: node.sshPort, username: lab.user, password, hostVerifier: (key: Buffer) => fingerprintOf(key) === node.hostKeyFingerprint, readyTimeout: 5000 })
      })
    expect(await login(lab.rootPassword)).toBe('root\nroot:')
    expect(await login(`${lab.rootPassword}x`)).toBe('refused: client-authentication')
    // The host's own root entry is not the lab's.
    expect(readFileSync('/etc/shadow', 'utf8')).not.toMatch(/^root:\$6\$[^:]*:19000:/m)
  })

  it('run containers with networking on the node engine', async () => {
    const node = nodeAt(0)
    const container = await docker(node).createContainer({ Image: lab.image, Cmd: ['sh', '-c', 'hostname -i; echo done'], Tty: true })
    try {
      await container.start()
      await container.wait()
      const logs = (await container.logs({ stdout: true })).toString()
      expect(logs).toMatch(/^172\.17\.\d+\.\d+\s+done/)
    } finally {
      await container.remove({ force: true })
    }
  })
})

describe('lab faults', () => {
  // The last node takes the faults, so the others stay clean for whatever runs beside.
  let node: LabNode
  beforeAll(() => {
    node = nodeAt(-1)
  })
  afterAll(async () => {
    for (const action of ['thaw', 'heal', 'link-up', 'poweron', 'start-docker', 'start-sshd'] as const) await injectFault(node.name, action)
  })

  it('partition and link-down make the node silent; heal and link-up bring it back', async () => {
    for (const [fault, repair] of [['partition', 'heal'], ['link-down', 'link-up']] as const) {
      await injectFault(node.name, fault)
      expect(await sshAnswers(node)).toBe(false)
      await injectFault(node.name, repair)
      await waitFor(`${node.name} reachable after ${repair}`, () => sshAnswers(node), 5_000)
    }
  })

  it('freeze stops every process of the node without killing it', async () => {
    await injectFault(node.name, 'freeze')
    try {
      expect(await sshAnswers(node)).toBe(false) // the kernel accepts the connection; sshd never speaks
    } finally {
      await injectFault(node.name, 'thaw')
    }
    await waitFor(`${node.name} answering after thaw`, () => dockerAnswers(node.localDockerSocket), 5_000)
  })

  it('stop-docker leaves SSH up; start-docker brings the engine back', async () => {
    await injectFault(node.name, 'stop-docker')
    expect(await dockerAnswers(node.localDockerSocket)).toBe(false)
    expect(await sshAnswers(node)).toBe(true)
    await injectFault(node.name, 'start-docker')
    expect(await dockerAnswers(node.localDockerSocket)).toBe(true)
  })

  it('stop-sshd refuses new connections while the engine keeps running', async () => {
    await injectFault(node.name, 'stop-sshd')
    expect(await sshAnswers(node)).toBe(false)
    expect(await dockerAnswers(node.localDockerSocket)).toBe(true)
    await injectFault(node.name, 'start-sshd')
    expect(await sshAnswers(node)).toBe(true)
  })

  it('poweroff is silent to peers; a crash resets them at once', async () => {
    for (const [fault, outcome] of [['poweroff', 'silent'], ['crash', 'refused']] as const) {
      await injectFault(node.name, fault)
      expect(await connectOutcome(node.address, node.sshPort, 500)).toBe(outcome)
      await injectFault(node.name, 'poweron')
      expect(await sshAnswers(node)).toBe(true)
    }
  })

  it('poweroff kills the whole node; poweron boots it and Docker restarts its containers', async () => {
    const engine = docker(node)
    const container = await engine.createContainer({
      Image: lab.image,
      Cmd: ['sleep', '3600'],
      HostConfig: { RestartPolicy: { Name: 'always' } },
    })
    try {
      await container.start()
      await injectFault(node.name, 'poweroff')
      expect(await sshAnswers(node)).toBe(false)
      expect(await dockerAnswers(node.localDockerSocket)).toBe(false)
      await injectFault(node.name, 'poweron')
      await waitFor('the container to run again after the reboot', async () => (await container.inspect()).State.Running, 20_000, 100)
      expect((await container.inspect()).State.Running).toBe(true)
    } finally {
      await container.remove({ force: true })
    }
  })
})
