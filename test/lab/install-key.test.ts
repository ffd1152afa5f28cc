// The one-time password login against the lab's real OpenSSH and real network: what each door
// answers (nodeagent/ssh/install-key-door.ts) for a good password, a wrong one, a key to confirm,
// a closed port and an address where nothing lives. The browser path is test/e2e/install-key.test.ts.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAN_PREFIX, planNode, settingsFromEnv } from '../../scripts/lab/config.ts'
import { readLabFile, type LabFile, type LabNode } from '../../scripts/lab/lab-file.ts'
import type { InstallKeyResponse } from '../../src-main/api/install-key.ts'
import { ApiError } from '../../src-main/apiserver/errors.ts'
import { ControlPlane } from '../../src-main/controlplane.ts'
import { installKeyThroughDoor } from '../../src-main/nodeagent/ssh/install-key-door.ts'
import { createLogger } from '../../src-main/util/log.ts'

const logLines: string[] = []
const log = createLogger({}, (line) => logLines.push(line), 'debug')

let lab: LabFile
let node: LabNode
let dataDir: string
let cp: ControlPlane
/** The node's /root/.ssh/authorized_keys as the host sees it (the node bind-mounts its dir over /root). */
const authorizedKeysPath = (): string => join(planNode(settingsFromEnv(), lab.nodes.indexOf(node) + 1).dir, 'root', '.ssh', 'authorized_keys')
let keysBefore = ''

beforeAll(async () => {
  lab = readLabFile()
  // The last node: the others stay as they are for whatever runs beside.
  const last = lab.nodes.at(-1)
  if (!last) throw new Error('the lab has no nodes')
  node = last
  keysBefore = readFileSync(authorizedKeysPath(), 'utf8')
  dataDir = mkdtempSync(join(tmpdir(), 'coxswain-lab-install-key-'))
  cp = new ControlPlane({ dataDir, log, storage: 'memory' })
  await cp.start()
})

afterAll(async () => {
  await cp?.stop()
  if (keysBefore) writeFileSync(authorizedKeysPath(), keysBefore, { mode: 0o600 })
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

async function attempt(overrides: { host?: string; port?: number; password?: string; hostKeyFingerprint?: string; trustOnFirstUse?: boolean }): Promise<InstallKeyResponse | ApiError> {
  const request = { host: node.address, port: node.sshPort, user: lab.user, password: lab.rootPassword, ...overrides }
  return installKeyThroughDoor(cp, request, log).catch((err: unknown) => {
    if (err instanceof ApiError) return err
    throw err
  })
}

describe('installing the cluster key with a password on a real sshd', () => {
  it('answers an unknown host key with the fingerprint OpenSSH presents, and installs nothing', async () => {
    expect(await attempt({})).toEqual({
      installed: false,
      hostPort: `${node.address}:${node.sshPort}`,
      presentedFingerprint: node.hostKeyFingerprint,
      message: expect.stringContaining(node.hostKeyFingerprint) as unknown,
    })
    expect(readFileSync(authorizedKeysPath(), 'utf8')).toBe(keysBefore)
  })

  it('says a wrong password is refused', async () => {
    const answer = await attempt({ password: `${lab.rootPassword}-not`, hostKeyFingerprint: node.hostKeyFingerprint })
    expect(answer).toBeInstanceOf(ApiError)
    expect((answer as ApiError).status).toMatchObject({ code: 403, message: `log in as root@${node.address}:${node.sshPort} with the password failed: wrong password, or the machine does not accept passwords` })
  })

  it('installs the key with the right password, after the lab\'s own', async () => {
    const answer = await attempt({ hostKeyFingerprint: node.hostKeyFingerprint })
    expect(answer).toEqual({ installed: true, hostPort: `${node.address}:${node.sshPort}`, hostKeyFingerprint: node.hostKeyFingerprint })
    const line = cp.clusterPublicKey.publicKeyLine
    expect(readFileSync(authorizedKeysPath(), 'utf8')).toBe(`${keysBefore}${line}\n`)
  })

  it('says a closed port refuses the connection', async () => {
    const answer = await attempt({ port: 23, trustOnFirstUse: true })
    expect((answer as ApiError).status).toMatchObject({ code: 500, message: `cannot reach root@${node.address}:23: connection refused (is sshd running, and is the port right?)` })
  })

  it('says when nothing lives at the address', { timeout: 30_000 }, async () => {
    const nobody = `${LAN_PREFIX}.250`
    const answer = await attempt({ host: nobody, trustOnFirstUse: true })
    expect((answer as ApiError).status?.message).toMatch(new RegExp(`^cannot reach root@${nobody.replaceAll('.', '\\.')}:22: (no route to the host|no SSH answer within 20 s|the connection timed out)`))
  })

  it('never logged the password', () => {
    expect(logLines.join('\n')).not.toContain(lab.rootPassword)
  })
})
