import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LabFile } from '../../../scripts/lab/lab-file.ts'
import type { Machine } from '../../api/index.ts'
import { systemContext } from '../../apiserver/api-server.ts'
import { newTestServer } from '../../apiserver/testing.ts'
import { parseServeArgs } from '../../server/args.ts'
import { applyMachines, labMachines, readLabMachines } from './lab-machines.ts'
import { MACHINES } from './machine-controller.ts'

const ctx = systemContext('test')
const lab: LabFile = {
  version: 1,
  user: 'root',
  keyPath: '/var/lib/coxswain-lab/keys/client_ed25519',
  rootPassword: 'lab-only',
  image: 'coxswain-test/busybox:latest',
  bridge: { name: 'cxlab0', address: '192.168.213.1', prefixLength: 24 },
  nodes: [
    {
      name: 'node-1',
      address: '192.168.213.11',
      sshPort: 22,
      hostKey: 'ssh-ed25519 AAAA',
      hostKeyFingerprint: 'SHA256:V5XqX/YJR246rKydSvRbU4gAUv+gUKkFDW5DtynjZps',
      localDockerSocket: '/var/lib/coxswain-lab/nodes/node-1/run/docker.sock',
      dockerSocket: '/var/run/docker.sock',
    },
  ],
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coxswain-lab-file-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('lab machines', () => {
  it('are SSH machines with the lab key and the published host key', () => {
    expect(labMachines(lab)).toEqual([
      {
        apiVersion: 'coxswain.dev/v1alpha1',
        kind: 'Machine',
        metadata: { name: 'node-1', labels: { 'coxswain.dev/lab': 'true' } },
        spec: {
          address: '192.168.213.11',
          port: 22,
          user: 'root',
          auth: { type: 'KeyFile', path: '/var/lib/coxswain-lab/keys/client_ed25519' },
          hostKeyFingerprint: 'SHA256:V5XqX/YJR246rKydSvRbU4gAUv+gUKkFDW5DtynjZps',
          dockerSocket: '/var/run/docker.sock',
        },
      },
    ])
  })

  it('say how to bring a lab up when there is none', () => {
    expect(() => readLabMachines(join(dir, 'nodes.json'))).toThrow(/^no lab found at .*nodes\.json: run `npm run lab:up` as root first/)
    writeFileSync(join(dir, 'bad.json'), '{"version": 2}')
    expect(() => readLabMachines(join(dir, 'bad.json'))).toThrow('is not a lab file')
  })

  it('are created, then updated in place when the lab changed', async () => {
    const { api } = await newTestServer()
    writeFileSync(join(dir, 'nodes.json'), JSON.stringify(lab))
    expect(await applyMachines(api, readLabMachines(join(dir, 'nodes.json')), ctx)).toEqual(['node-1'])
    const moved = { ...lab, nodes: lab.nodes.map((n) => ({ ...n, address: '192.168.213.21' })) }
    await applyMachines(api, labMachines(moved), ctx)
    const stored = (await api.get({ ...MACHINES, name: 'node-1' }, ctx)) as Machine
    expect(stored.spec?.address).toBe('192.168.213.21')
    expect(stored.metadata.generation).toBe(2)
  })
})

describe('serve --lab', () => {
  it.each([
    [['--lab'], '/cwd/.lab/nodes.json'],
    [['--lab', '--port', '0'], '/cwd/.lab/nodes.json'],
    [['--lab', 'other/nodes.json'], '/cwd/other/nodes.json'],
    [['--lab=/abs/nodes.json'], '/abs/nodes.json'],
  ])('%j reads %s', (argv, file) => {
    expect(parseServeArgs(argv, {}, '/cwd')).toMatchObject({ lab: file })
  })

  it('is off unless asked for', () => {
    expect(parseServeArgs([], {}, '/cwd')).not.toHaveProperty('lab')
  })
})
