// The command line of `coxswain` (npm run cli -- …): pure parsing into a command, so every form
// and every mistake is tested without a server.
//
//   node add USER@HOST[:PORT] [--host-key FINGERPRINT | --trust-on-first-use] [--key FILE | --agent | --password-stdin]
//            [--name NAME] [--docker-socket PATH] [--unschedulable] [--no-wait]
//   node add --local [--name NAME] [--docker-socket PATH]
//   node list
//   node remove NAME [--force] [--no-wait]
//   key
//   image send IMAGE [--from NODE|local] [--to N1,N2]
// Global: --data-dir DIR, --server URL.

import { isIP } from 'node:net'
import { isAbsolute, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Machine } from '../api/index.ts'
import { defaultDataDir } from '../util/data-dir.ts'

export const CLI_USAGE = `Usage: npm run cli -- COMMAND [options]

Commands:
  node add USER@HOST[:PORT] --host-key FINGERPRINT [--key FILE | --agent | --password-stdin]
                            [--name NAME] [--docker-socket PATH] [--unschedulable] [--no-wait]
      Adds a machine as a node. It logs in with the cluster's key unless --key (a private key
      file on the server's machine) or --agent (the server's ssh-agent) says otherwise.
      --password-stdin reads a password from standard input, uses it once to install the
      cluster key on the machine, and forgets it. --host-key is the machine's host key as
      \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` prints it there; --trust-on-first-use
      accepts whatever key it presents instead.
  node add --local [--name NAME] [--docker-socket PATH]
      Adds the Docker engine of the machine the server runs on, without SSH.
  node list
      Lists the machines, their connection and their node's status.
  node remove NAME [--force] [--no-wait]
      Drains the node (cordon, evict its pods, wait for them) and removes it; --force skips the drain.
  image send IMAGE [--from NODE|local] [--to NODE,NODE…]
      Sends an image to nodes without a registry (docker save | docker load, to all at once),
      from a node or the server machine's Docker engine ("local", the default); to every
      connected node by default. Nodes that already have the same image ID are skipped.
  key
      Prints the cluster's public key and the command that installs it on a machine.

Options:
  --data-dir DIR   the server's data dir, for its access token (default \${XDG_DATA_HOME:-~/.local/share}/coxswain)
  --server URL     the server (default: the one DATA_DIR/kubeconfig points at)
  -h, --help       show this help`

export class CliUsageError extends Error {
  override name = 'CliUsageError'
}

export interface GlobalOptions {
  dataDir: string
  server?: string
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'key'; global: GlobalOptions }
  | { kind: 'image-send'; global: GlobalOptions; image: string; from?: string; to?: string[] }
  | { kind: 'node-list'; global: GlobalOptions }
  | { kind: 'node-remove'; global: GlobalOptions; name: string; force: boolean; wait: boolean }
  | { kind: 'node-add'; global: GlobalOptions; machine: Machine; passwordFromStdin: boolean; wait: boolean }

export interface Target {
  user: string
  host: string
  port?: number
}

/** `USER@HOST`, `USER@HOST:PORT`, `USER@[IPV6]:PORT`. */
export function parseTarget(text: string): Target {
  const m = /^([^@\s]+)@(?:\[([0-9A-Fa-f:.]+)\]|([^:@\s[\]]+))(?::(\d+))?$/.exec(text)
  if (!m) throw new CliUsageError(`"${text}" is not USER@HOST[:PORT]`)
  const port = m[4] === undefined ? undefined : Number(m[4])
  if (port !== undefined && (port < 1 || port > 65535)) throw new CliUsageError(`port ${port} is not between 1 and 65535`)
  const target: Target = { user: m[1] ?? '', host: m[2] ?? m[3] ?? '' }
  if (port !== undefined) target.port = port
  return target
}

/** A node name for a machine added by address: its host name, or `ip-10-0-0-5` for an IP address. */
export function defaultNodeName(host: string): string {
  const lower = host.toLowerCase()
  if (isIP(lower)) return `ip-${lower.replace(/[.:]+/g, '-').replace(/^-|-$/g, '')}`
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(lower) && lower.length <= 63) return lower
  throw new CliUsageError(`"${host}" cannot be a node name; give one with --name`)
}

/** Paths the user typed are relative to where they ran npm (INIT_CWD), not the project root. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd: string = env.INIT_CWD ?? process.cwd()): CliCommand {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (err) {
    throw new CliUsageError((err as Error).message, { cause: err })
  }
  const { values, positionals } = parsed
  if (values.help || positionals.length === 0) return { kind: 'help' }
  if (values['data-dir'] !== undefined && values['data-dir'].trim() === '') throw new CliUsageError('--data-dir must not be empty')
  const global: GlobalOptions = { dataDir: values['data-dir'] === undefined ? defaultDataDir(env) : resolve(cwd, values['data-dir']) }
  if (values.server !== undefined) {
    if (!/^https?:\/\/[^/]+\/?$/.test(values.server)) throw new CliUsageError(`--server must be a URL like http://127.0.0.1:7443, got "${values.server}"`)
    global.server = values.server.replace(/\/$/, '')
  }
  const [group, verb, ...rest] = positionals
  const wait = !values['no-wait']
  if (group === 'key' && verb === undefined) return { kind: 'key', global }
  if (group === 'image') return imageCommand(global, values, verb, rest)
  if (group !== 'node') throw new CliUsageError(`unknown command "${positionals.join(' ')}"`)
  switch (verb) {
    case 'list':
      if (rest.length) throw new CliUsageError(`node list takes no arguments, got "${rest.join(' ')}"`)
      return { kind: 'node-list', global }
    case 'remove': {
      if (rest.length !== 1 || !rest[0]) throw new CliUsageError('node remove takes one NAME')
      return { kind: 'node-remove', global, name: rest[0], force: values.force ?? false, wait }
    }
    case 'add':
      return { kind: 'node-add', global, machine: machineFrom(values, rest, cwd), passwordFromStdin: values['password-stdin'] ?? false, wait }
    default:
      throw new CliUsageError(`unknown command "node ${verb ?? ''}": use node add, node list or node remove`)
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      'data-dir': { type: 'string' },
      server: { type: 'string' },
      key: { type: 'string' },
      agent: { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
      'host-key': { type: 'string' },
      'trust-on-first-use': { type: 'boolean' },
      name: { type: 'string' },
      'docker-socket': { type: 'string' },
      local: { type: 'boolean' },
      unschedulable: { type: 'boolean' },
      force: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  })
}

type Values = ReturnType<typeof parse>['values']

function machineFrom(values: Values, rest: string[], cwd: string): Machine {
  const spec: NonNullable<Machine['spec']> = {}
  let name = values.name
  if (values.local) {
    if (rest.length) throw new CliUsageError('node add --local takes no USER@HOST')
    for (const option of ['key', 'agent', 'password-stdin', 'host-key', 'trust-on-first-use'] as const) {
      if (values[option] !== undefined) throw new CliUsageError(`--${option} does not apply to --local (no SSH)`)
    }
    spec.local = true
    name ??= 'local'
  } else {
    if (rest.length !== 1 || !rest[0]) throw new CliUsageError('node add takes one USER@HOST[:PORT] (or --local)')
    const target = parseTarget(rest[0])
    spec.address = target.host
    if (target.port !== undefined) spec.port = target.port
    spec.user = target.user
    const ways = [values.key !== undefined, values.agent === true, values['password-stdin'] === true].filter(Boolean).length
    if (ways > 1) throw new CliUsageError('choose one of --key, --agent and --password-stdin')
    if (values.key !== undefined) spec.auth = { type: 'KeyFile', path: isAbsolute(values.key) ? values.key : resolve(cwd, values.key) }
    else if (values.agent) spec.auth = { type: 'Agent' }
    else spec.auth = { type: 'ClusterKey' }
    if (values['host-key'] !== undefined) spec.hostKeyFingerprint = values['host-key']
    if (values['trust-on-first-use']) spec.trustOnFirstUse = true
    if (spec.hostKeyFingerprint === undefined && !spec.trustOnFirstUse) {
      throw new CliUsageError(
        '--host-key FINGERPRINT is needed: run `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the machine, or pass --trust-on-first-use',
      )
    }
    name ??= defaultNodeName(target.host)
  }
  if (values['docker-socket'] !== undefined) spec.dockerSocket = values['docker-socket']
  if (values.unschedulable) spec.unschedulable = true
  return { apiVersion: 'coxswain.dev/v1alpha1', kind: 'Machine', metadata: { name }, spec }
}

function imageCommand(global: GlobalOptions, values: Values, verb: string | undefined, rest: string[]): CliCommand {
  if (verb !== 'send') throw new CliUsageError(`unknown command "image ${verb ?? ''}": use image send`)
  if (rest.length !== 1 || !rest[0]) throw new CliUsageError('image send takes one IMAGE')
  const command: CliCommand = { kind: 'image-send', global, image: rest[0] }
  if (values.from !== undefined) {
    if (!values.from.trim()) throw new CliUsageError('--from must name a node or "local"')
    command.from = values.from.trim()
  }
  if (values.to !== undefined) {
    const to = values.to.split(',').map((n) => n.trim()).filter(Boolean)
    if (to.length === 0) throw new CliUsageError('--to must list node names, e.g. --to node-1,node-2')
    command.to = to
  }
  return command
}
