// Headless entry: `coxswain serve` — the dashboard and API over HTTP, no Electron.
// Wiring only: parse arguments, start the control plane and the server, stop both on a signal.

import { DEFAULT_TOLERATION_SECONDS } from './api/defaults/tolerations.ts'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { systemContext } from './apiserver/api-server.ts'
import { ControlPlane } from './controlplane.ts'
import { applyMachines, readLabMachines, readLabPodSyncOptions } from './nodeagent/machines/lab-machines.ts'
import { SERVE_USAGE, UsageError, isLoopback, parseServeArgs, type ServeOptions } from './server/args.ts'
import { startHttpServer } from './server/http-server.ts'
import { loadOrCreateToken, READONLY_TOKEN_FILE } from './server/token.ts'
import { log as rootLog } from './util/log.ts'

const log = rootLog.child({ component: 'serve' })

// Relative to this bundle (out/main/serve.js), not the working directory.
const rendererDir = resolve(import.meta.dirname, '../renderer')

async function serve(options: ServeOptions): Promise<void> {
  if (!isLoopback(options.listen)) {
    log.warn('listening beyond this machine over plain HTTP: the access token crosses the network unencrypted', {
      listen: options.listen,
    })
  }
  if (!existsSync(join(rendererDir, 'index.html'))) {
    log.warn('dashboard not built; the API works but pages will not load', { rendererDir })
  }

  const token = loadOrCreateToken(options.dataDir, log)
  const readOnlyToken = loadOrCreateToken(options.dataDir, log, READONLY_TOKEN_FILE)
  // Read before anything starts, so a missing lab fails at once with how to bring one up.
  const labMachines = options.lab === undefined ? [] : readLabMachines(options.lab)
  const podSync = options.lab === undefined ? undefined : readLabPodSyncOptions(options.lab)
  const tolerations =
    options.unreachableTolerationSeconds !== undefined || options.notReadyTolerationSeconds !== undefined
      ? {
          defaultTolerationSeconds: {
            unreachable: options.unreachableTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS.unreachable,
            notReady: options.notReadyTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS.notReady,
          },
        }
      : {}
  const controlPlane = new ControlPlane({ dataDir: options.dataDir, podSync, ...(options.controllers ? { controllers: options.controllers } : {}), ...tolerations })
  await controlPlane.start()
  if (options.lab !== undefined) {
    const names = await applyMachines(controlPlane.api, labMachines, systemContext('serve'))
    log.info('joining the lab nodes', { lab: options.lab, nodes: names })
  }
  const server = await startHttpServer({ ...options, controlPlane, token, readOnlyToken, rendererDir, log: rootLog.child({ component: 'http' }) })
  log.info('kubeconfig written', { path: server.kubeconfigPath })

  let stopping = false
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn('second signal: exiting without waiting', { signal })
      process.exit(1)
    }
    stopping = true
    log.info('stopping', { signal })
    try {
      await server.close()
      await controlPlane.stop()
      process.exit(0)
    } catch (err) {
      log.error('stop failed', { err })
      process.exit(1)
    }
  }
  process.on('SIGINT', (signal) => void stop(signal))
  process.on('SIGTERM', (signal) => void stop(signal))

  // The one line people (and tests) read: where to point the browser. It holds the token, so it
  // goes to stdout only, never to the log.
  console.log(`Coxswain ${controlPlane.version} serving at ${server.loginUrl}`)
}

function main(): void {
  let parsed
  try {
    parsed = parseServeArgs(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(`coxswain serve: ${err.message}\n\n${SERVE_USAGE}`)
    process.exit(2)
  }
  if (parsed.help) {
    console.log(SERVE_USAGE)
    return
  }
  serve(parsed).catch((err: unknown) => {
    log.error('serve failed', { err })
    console.error(`coxswain serve: ${(err as Error).message}`)
    process.exit(1)
  })
}

main()
