// `serve`'s command line: --port N --data-dir DIR [--listen ADDR] [--lab [FILE]], with the defaults users expect.

import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultDataDir } from '../util/data-dir.ts'

export const DEFAULT_PORT = 7443
export const DEFAULT_LISTEN = '127.0.0.1'

export interface ServeOptions {
  /** 0 picks any free port. */
  port: number
  listen: string
  /** Absolute. */
  dataDir: string
  /** `--lab [FILE]`: join the nodes a running lab lists (absolute path of its nodes.json). */
  lab?: string
  /** `--controllers a,-b,*`: which cluster controllers run (kube-controller-manager's syntax). */
  controllers?: string[]
  /** `--default-not-ready-toleration-seconds N` (kube-apiserver's flag): the default for new pods. */
  notReadyTolerationSeconds?: number
  /** `--default-unreachable-toleration-seconds N` (kube-apiserver's flag): the default for new pods. */
  unreachableTolerationSeconds?: number
}

export type ParsedServeArgs = { help: true } | ({ help: false } & ServeOptions)

export const DEFAULT_LAB_FILE = '.lab/nodes.json'

export const SERVE_USAGE = `Usage: coxswain serve [--port N] [--data-dir DIR] [--listen ADDR] [--lab [FILE]] [--controllers LIST]
       [--default-unreachable-toleration-seconds N] [--default-not-ready-toleration-seconds N]

Serves the Coxswain dashboard and API over HTTP.

  --port N         TCP port, 0 for any free port (default ${DEFAULT_PORT})
  --data-dir DIR   where the cluster's state and access token live
                   (default \${XDG_DATA_HOME:-~/.local/share}/coxswain)
  --listen ADDR    address to listen on (default ${DEFAULT_LISTEN}; anything else
                   exposes the access token to the network in clear text)
  --lab [FILE]     join the nodes of a running lab (npm run lab:up), as listed in
                   FILE (default ${DEFAULT_LAB_FILE} in the current directory)
  --controllers LIST  which cluster controllers run, comma-separated: '*' all (default),
                   NAME on, -NAME off (e.g. --controllers='*,-scheduler';
                   --controllers=-* none: an API server alone)
  --default-unreachable-toleration-seconds N  how long pods without their own
                   toleration stay on a node nobody hears (default 0: they move
                   as soon as its connection is lost, ~4 s for a silent fault)
  --default-not-ready-toleration-seconds N    the same for a node whose Docker
                   engine does not answer (default 10)
  -h, --help       show this help`

/** Thrown for a command line we cannot run; its message is meant for the user, with the usage. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export function parsePort(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--port must be a number from 0 to 65535, got "${text}"`)
  const port = Number(text)
  if (port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${text}"`)
  return port
}

/** A whole number of seconds, 0 or more. */
export function parseSeconds(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`${flag} must be a whole number of seconds (0 or more), got "${text}"`)
  return Number(text)
}

export function parseServeArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ParsedServeArgs {
  let values: {
    port?: string
    'data-dir'?: string
    listen?: string
    lab?: string
    controllers?: string
    'default-unreachable-toleration-seconds'?: string
    'default-not-ready-toleration-seconds'?: string
    help?: boolean
  }
  // `--lab` takes an optional value, which parseArgs cannot express: a bare `--lab` becomes `--lab=`.
  const args = argv.map((arg, i) => (arg === '--lab' && (i + 1 >= argv.length || argv[i + 1]?.startsWith('-')) ? '--lab=' : arg))
  try {
    ;({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        listen: { type: 'string' },
        lab: { type: 'string' },
        controllers: { type: 'string' },
        'default-unreachable-toleration-seconds': { type: 'string' },
        'default-not-ready-toleration-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err })
  }
  if (values.help) return { help: true }

  const port = values.port === undefined ? DEFAULT_PORT : parsePort(values.port)
  const listen = values.listen ?? DEFAULT_LISTEN
  if (listen.trim() === '') throw new UsageError('--listen must not be empty')
  const dataDirArg = values['data-dir']
  if (dataDirArg !== undefined && dataDirArg.trim() === '') throw new UsageError('--data-dir must not be empty')
  const dataDir = dataDirArg === undefined ? defaultDataDir(env) : resolve(cwd, dataDirArg)
  const options: ParsedServeArgs = { help: false, port, listen, dataDir }
  if (values.lab !== undefined) options.lab = resolve(cwd, values.lab || DEFAULT_LAB_FILE)
  if (values.controllers !== undefined) options.controllers = values.controllers.split(',').map((c) => c.trim()).filter(Boolean)
  const unreachable = values['default-unreachable-toleration-seconds']
  if (unreachable !== undefined) options.unreachableTolerationSeconds = parseSeconds('--default-unreachable-toleration-seconds', unreachable)
  const notReady = values['default-not-ready-toleration-seconds']
  if (notReady !== undefined) options.notReadyTolerationSeconds = parseSeconds('--default-not-ready-toleration-seconds', notReady)
  return options
}

/** True for addresses only this machine can reach, where a plain-HTTP token is acceptable. */
export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)
}
