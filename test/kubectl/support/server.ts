// An in-process Coxswain server on a loopback port for kubectl to talk to: the real ControlPlane
// (SQLite store, API server, controllers) over a temporary data dir and the headless HTTP server,
// which writes DATA_DIR/kubeconfig at start.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ApiServerVerbs } from '../../../src-main/apiserver/types.ts'
import { ControlPlane } from '../../../src-main/controlplane.ts'
import { startHttpServer, type RunningHttpServer } from '../../../src-main/server/http-server.ts'
import { loadOrCreateToken, READONLY_TOKEN_FILE } from '../../../src-main/server/token.ts'
import { createLogger } from '../../../src-main/util/log.ts'

export interface TestServer {
  root: string
  dataDir: string
  kubeconfig: string
  token: string
  readOnlyToken: string
  baseUrl: string
  controlPlane: ControlPlane
  http: RunningHttpServer
  /** The verbs the door calls. */
  api: ApiServerVerbs
  close(): Promise<void>
}

/** Errors only, unless COXSWAIN_LOG_LEVEL asks for more while debugging a test. */
const log = createLogger({}, (line) => process.stderr.write(line + '\n'), (process.env.COXSWAIN_LOG_LEVEL as 'debug' | undefined) ?? 'error')

export async function startTestServer(): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'coxswain-kubectl-'))
  const dataDir = join(root, 'data')
  const rendererDir = join(root, 'renderer')
  mkdirSync(rendererDir, { recursive: true })
  const token = loadOrCreateToken(dataDir)
  const readOnlyToken = loadOrCreateToken(dataDir, undefined, READONLY_TOKEN_FILE)
  const controlPlane = new ControlPlane({ dataDir, log })
  await controlPlane.start()
  const http = await startHttpServer({ controlPlane, token, readOnlyToken, rendererDir, log, listen: '127.0.0.1', port: 0 })
  return {
    root,
    dataDir,
    kubeconfig: http.kubeconfigPath,
    token,
    readOnlyToken,
    baseUrl: http.baseUrl,
    controlPlane,
    http,
    api: controlPlane.api,
    close: async () => {
      await http.close()
      await controlPlane.stop()
      rmSync(root, { recursive: true, force: true })
    },
  }
}
