// Sending an image without a registry against the lab: a fresh image committed on node-1 (unique
// name and ID) goes to node-2 and node-3 through an in-process control plane's node connections,
// once with sendImage itself and once through POST /api/coxswain/v1/images/send. Tags made here are
// removed afterwards, also when a test fails.

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLabFile, type LabFile } from '../../scripts/lab/lab-file.ts'
import { systemContext } from '../../src-main/apiserver/api-server.ts'
import { sendImageCommand } from '../../src-main/cli/image-send.ts'
import { ControlPlane } from '../../src-main/controlplane.ts'
import { sendImage } from '../../src-main/nodeagent/images/send-image.ts'
import { applyMachines, labMachines } from '../../src-main/nodeagent/machines/lab-machines.ts'
import { createRequestHandler } from '../../src-main/server/http-server.ts'
import { createLogger } from '../../src-main/util/log.ts'

const RUN = randomBytes(3).toString('hex')
const quiet = createLogger({}, () => {}, 'error')
const log = createLogger({ suite: 'lab/images' })
const ctx = systemContext('lab-images')
const TOKEN = randomBytes(16).toString('hex')
const IMAGES = [`coxswain-test/send-a-${RUN}:latest`, `coxswain-test/send-b-${RUN}:latest`]

let lab: LabFile
let dataDir: string
let cp: ControlPlane
let server: Server
let baseUrl: string
const local = (name: string): Docker => new Docker({ socketPath: lab.nodes.find((n) => n.name === name)?.localDockerSocket ?? '' })

/** A new image on node-1: the lab image with one more file, committed under `name`. */
async function freshImage(name: string): Promise<string> {
  const docker = local('node-1')
  const container = await docker.createContainer({ Image: lab.image, Cmd: ['true'], Labels: { 'io.coxswain.test-run': RUN } })
  try {
    const [repo, tag] = name.split(':')
    await container.commit({ repo, tag, changes: [`LABEL io.coxswain.test-run=${RUN}`] })
  } finally {
    await container.remove({ force: true })
  }
  return (await docker.getImage(name).inspect()).Id
}

async function waitConnected(names: string[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (names.some((n) => !cp.machines?.dockerFor(n))) {
    if (Date.now() > deadline) throw new Error(`not connected within ${timeoutMs} ms: ${names.filter((n) => !cp.machines?.dockerFor(n)).join(', ')}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

beforeAll(async () => {
  lab = readLabFile()
  dataDir = mkdtempSync(join(tmpdir(), 'coxswain-lab-images-'))
  cp = new ControlPlane({ dataDir, log: quiet, storage: 'memory', podSync: false })
  await cp.start()
  await applyMachines(cp.api, labMachines(lab), ctx)
  await waitConnected(['node-1', 'node-2', 'node-3'])
  server = createServer(createRequestHandler({ controlPlane: cp, token: TOKEN, rendererDir: dataDir, log: quiet }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 60_000)

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  await cp?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  if (!lab) return
  for (const node of lab.nodes) {
    for (const image of IMAGES) await new Docker({ socketPath: node.localDockerSocket }).getImage(image).remove({ force: true }).catch(() => {})
  }
})

describe('sending images between lab nodes', () => {
  it('sends a fresh image from node-1 to node-2 and node-3 with sendImage, then skips them', async () => {
    const image = IMAGES[0] ?? ''
    const id = await freshImage(image)
    const machines = cp.machines
    if (!machines) throw new Error('no machine controller')
    const target = (name: string) => ({ name, docker: machines.dockerFor(name) as Docker })
    const from = machines.dockerFor('node-1') as Docker
    const result = await sendImage({ image, from, to: [target('node-2'), target('node-3')] })
    expect(result.id).toBe(id)
    for (const t of result.targets) {
      expect(t, t.name).toMatchObject({ ok: true, bytes: expect.any(Number) })
      expect(t.skipped).toBeUndefined()
      expect(t.bytes).toBeGreaterThan(0)
      log.info('sendImage', { target: t.name, bytes: t.bytes, ms: t.ms, mbPerS: Number((t.bytes / 1e3 / Math.max(t.ms, 1)).toFixed(1)) })
    }
    for (const name of ['node-2', 'node-3']) expect((await local(name).getImage(image).inspect()).Id, name).toBe(id)
    const again = await sendImage({ image, from, to: [target('node-2'), target('node-3')] })
    expect(again.targets.every((t) => t.ok && t.skipped)).toBe(true)
  }, 120_000)

  it('sends through POST /api/coxswain/v1/images/send and the CLI command, streaming progress', async () => {
    const image = IMAGES[1] ?? ''
    const id = await freshImage(image)
    const out: string[] = []
    const err: string[] = []
    const code = await sendImageCommand(
      { kind: 'image-send', global: { dataDir }, image, from: 'node-1', to: ['node-2', 'node-3'] },
      { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' },
      { server: baseUrl, token: TOKEN },
    )
    log.info('image send via HTTP', { output: out })
    expect(err).toEqual([])
    expect(code).toBe(0)
    expect(out[0]).toBe(`sending ${image} from node-1 to node-2, node-3`)
    expect(out.some((l) => /^node-2: loaded /.test(l))).toBe(true)
    for (const name of ['node-2', 'node-3']) expect((await local(name).getImage(image).inspect()).Id, name).toBe(id)
  }, 120_000)

  it('refuses a node that is not connected', async () => {
    const res = await fetch(`${baseUrl}/api/coxswain/v1/images/send`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ image: lab.image, from: 'node-1', to: ['nope'] }),
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toMatch(/not connected: nope/)
  })
})
