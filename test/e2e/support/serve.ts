// The built headless server (out/main/serve.js) as a child process on Node 24: started on a free
// port with its own data dir, resolved once it prints its one line with the login URL.
//
// Needs a build first: `npx electron-vite build` (scripts/test.sh and scripts/run.sh do it).

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

export const root = resolve(import.meta.dirname, '../../..')
export const serveJs = join(root, 'out/main/serve.js')
const bannerPattern = /^Coxswain (\S+) serving at (http:\/\/\S+\/login\?token=\S+)$/

/** Node 24, which the bundle targets: this one when vitest runs on it, else the `node` devDependency. */
export function node24(): string {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath
  const bundled = join(root, 'node_modules/node/bin/node')
  if (existsSync(bundled)) return bundled
  throw new Error(`Node 24 not found: vitest runs on Node ${process.versions.node} and ${bundled} is missing`)
}

export interface RunningServe {
  child: ChildProcess
  version: string
  loginUrl: string
  baseUrl: string
  stdoutLines: string[]
  stderr: () => string
  exited: Promise<number | null>
}

/** Throws, saying how to build, when out/main/serve.js is missing. */
export function requireBuiltServe(): void {
  if (!existsSync(serveJs)) {
    throw new Error(`${serveJs} is missing: build first with \`npx electron-vite build\` (or \`bash scripts/run.sh serve\`)`)
  }
}

/** Starts `entry` (the built bundle; src-main/serve.ts runs the sources, as bench:api does). */
export function startServe(dataDir: string, entry = serveJs, extraArgs: string[] = []): Promise<RunningServe> {
  const child = spawn(node24(), [entry, '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)))
  const stdoutLines: string[] = []
  const stdout = child.stdout
  if (!stdout) throw new Error('serve: no stdout pipe')

  return new Promise((resolveStart, rejectStart) => {
    child.once('error', rejectStart)
    void exited.then((code) => rejectStart(new Error(`serve exited with ${code} before printing its URL; stderr:\n${stderr}`)))
    createInterface({ input: stdout }).on('line', (line) => {
      stdoutLines.push(line)
      const match = bannerPattern.exec(line)
      if (!match?.[1] || !match[2]) return
      resolveStart({
        child,
        version: match[1],
        loginUrl: match[2],
        baseUrl: new URL(match[2]).origin,
        stdoutLines,
        stderr: () => stderr,
        exited,
      })
    })
  })
}

/** Kills a serve that is still running and waits for it to go. */
export async function killServe(serve: RunningServe | undefined): Promise<void> {
  if (!serve || serve.child.exitCode !== null || serve.child.signalCode !== null) return
  serve.child.kill('SIGKILL')
  await serve.exited
}
