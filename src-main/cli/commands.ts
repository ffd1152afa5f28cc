// What each command does, against an ApiClient. Output goes through `io` so tests read it; waits
// are bounded and say what they wait for.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { age, nodeStatusText, type Machine, type Node } from '../api/index.ts'
import { authorizedKeysInstallCommand, CLUSTER_KEY_DIR, CLUSTER_KEY_FILE } from '../security/cluster-key.ts'
import { installKeyWithPassword } from '../nodeagent/ssh/install-key.ts'
import { PinnedHostKeys } from '../nodeagent/ssh/pinned-host-keys.ts'
import { FORCE_REMOVE_ANNOTATION } from '../nodeagent/machines/machine-worker.ts'
import type { CliCommand, GlobalOptions } from './args.ts'
import { ApiClient, ApiRequestError, clientOptionsFor } from './client.ts'
import { sendImageCommand } from './image-send.ts'

export const MACHINES_PATH = '/apis/coxswain.dev/v1alpha1/machines'
const NODES_PATH = '/api/v1/nodes'

export interface CliIo {
  out(line: string): void
  err(line: string): void
  /** Everything on standard input (the password for --password-stdin). */
  readStdin(): Promise<string>
}

export interface CliDeps {
  /** The API client; made from the data dir by default. */
  client?: (global: GlobalOptions) => ApiClient
  /** How long `node add` waits for the first connection verdict, and `node remove` for the drain. */
  addWaitMs?: number
  removeWaitMs?: number
  pollMs?: number
}

/** Runs `command`; resolves with the process exit code. */
export async function runCli(command: CliCommand, io: CliIo, deps: CliDeps = {}): Promise<number> {
  if (command.kind === 'help') return 0
  const global = command.global
  if (command.kind === 'key') return printKey(global, io)
  if (command.kind === 'image-send') return sendImageCommand(command, io)
  const client = deps.client?.(global) ?? new ApiClient(clientOptionsFor(global.dataDir, global.server))
  switch (command.kind) {
    case 'node-list':
      return listNodes(client, io)
    case 'node-remove':
      return removeNode(client, io, command.name, command.force, command.wait, deps)
    case 'node-add':
      return addNode(client, io, command.machine, command.passwordFromStdin, command.wait, global, deps)
  }
}

function publicKeyLine(dataDir: string): string {
  const path = join(dataDir, CLUSTER_KEY_DIR, `${CLUSTER_KEY_FILE}.pub`)
  try {
    return readFileSync(path, 'utf8').trim()
  } catch (cause) {
    throw new Error(`no cluster key in ${dataDir} (${path}): start the server once to generate it`, { cause })
  }
}

function printKey(global: GlobalOptions, io: CliIo): number {
  const line = publicKeyLine(global.dataDir)
  io.out(line)
  io.out('')
  io.out('On each machine, as the user Coxswain logs in as, run:')
  io.out(`  ${authorizedKeysInstallCommand(line)}`)
  return 0
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `read` until it returns a value or `timeoutMs` passes (then undefined). */
async function pollUntil<T>(read: () => Promise<T | undefined>, timeoutMs: number, pollMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (value !== undefined || Date.now() >= deadline) return value
    await sleep(pollMs)
  }
}

async function addNode(client: ApiClient, io: CliIo, machine: Machine, passwordFromStdin: boolean, wait: boolean, global: GlobalOptions, deps: CliDeps): Promise<number> {
  const spec = machine.spec ?? {}
  const name = machine.metadata.name ?? ''
  if (passwordFromStdin) {
    const password = (await io.readStdin()).replace(/\r?\n$/, '')
    if (!password) throw new Error('--password-stdin: standard input held no password')
    const dir = mkdtempSync(join(tmpdir(), 'coxswain-cli-'))
    try {
      const installed = await installKeyWithPassword({
        host: spec.address ?? '',
        ...(spec.port !== undefined ? { port: spec.port } : {}),
        username: spec.user ?? '',
        password,
        installCommand: authorizedKeysInstallCommand(publicKeyLine(global.dataDir)),
        hostKeys: {
          store: new PinnedHostKeys(join(dir, 'known_hosts.json')),
          ...(spec.hostKeyFingerprint ? { expectedFingerprint: spec.hostKeyFingerprint } : {}),
          ...(spec.trustOnFirstUse ? { trustOnFirstUse: true } : {}),
        },
      })
      // The key this login saw is the one to expect from now on.
      spec.hostKeyFingerprint = installed.hostKeyFingerprint
      delete spec.trustOnFirstUse
      io.out(`installed the cluster key for ${spec.user}@${spec.address} (host key ${installed.hostKeyFingerprint}); the password was not kept`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  await client.create(MACHINES_PATH, machine)
  io.out(`machine/${name} created`)
  if (!wait) return 0
  const settled = await pollUntil(
    async () => {
      const m = await client.get<Machine>(`${MACHINES_PATH}/${name}`)
      return m.status?.phase === 'Connected' || m.status?.phase === 'Refused' ? m : undefined
    },
    deps.addWaitMs ?? 30_000,
    deps.pollMs ?? 250,
  )
  if (!settled) {
    io.err(`machine/${name} is not connected yet; see \`npm run cli -- node list\``)
    return 1
  }
  const status = settled.status ?? {}
  if (status.phase === 'Refused') {
    io.err(`machine/${name} refused: ${status.message ?? status.reason ?? ''}`)
    return 1
  }
  io.out(`machine/${name} connected (privilege ${status.privilege ?? 'unknown'}, Docker ${status.dockerVersion ?? 'unknown'}, host key ${status.hostKeyFingerprint ?? 'unknown'})`)
  return 0
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? []
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3))).join(''))
}

async function listNodes(client: ApiClient, io: CliIo): Promise<number> {
  const [machines, nodes] = await Promise.all([client.list<Machine>(MACHINES_PATH), client.list<Node>(NODES_PATH)])
  const byName = new Map(nodes.items.map((n) => [n.metadata.name ?? '', n]))
  const now = Date.now()
  const rows = [['NAME', 'ADDRESS', 'CONNECTION', 'NODE', 'PRIVILEGE', 'DOCKER', 'AGE']]
  for (const m of [...machines.items].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
    const node = byName.get(m.metadata.name ?? '')
    const address = m.spec?.local ? 'local' : `${m.spec?.user ?? ''}@${m.spec?.address ?? ''}${m.spec?.port && m.spec.port !== 22 ? `:${m.spec.port}` : ''}`
    const phase = m.metadata.deletionTimestamp ? 'Removing' : (m.status?.phase ?? 'Pending')
    rows.push([m.metadata.name ?? '', address, phase, node ? nodeStatusText(node) : '<none>', m.status?.privilege ?? '<unknown>', m.status?.dockerVersion ?? '<unknown>', age(m.metadata.creationTimestamp, now)])
  }
  for (const line of table(rows)) io.out(line)
  for (const m of machines.items) if (m.status?.phase === 'Refused' || m.status?.phase === 'Unreachable') io.out(`\n${m.metadata.name}: ${m.status.message ?? m.status.reason ?? ''}`)
  return 0
}

async function removeNode(client: ApiClient, io: CliIo, name: string, force: boolean, wait: boolean, deps: CliDeps): Promise<number> {
  const path = `${MACHINES_PATH}/${name}`
  if (force) await client.mergePatch(path, { metadata: { annotations: { [FORCE_REMOVE_ANNOTATION]: 'true' } } })
  await client.delete(path)
  io.out(force ? `machine/${name} removing without draining` : `machine/${name} draining: node cordoned, its pods evicted`)
  if (!wait) return 0
  const gone = await pollUntil(
    () => client.get<Machine>(path).then(() => undefined, (err: unknown) => (err instanceof ApiRequestError && err.code === 404 ? true : undefined)),
    deps.removeWaitMs ?? 300_000,
    deps.pollMs ?? 500,
  )
  if (!gone) {
    io.err(`machine/${name} is still being removed; see \`npm run cli -- node list\``)
    return 1
  }
  io.out(`machine/${name} removed`)
  return 0
}
