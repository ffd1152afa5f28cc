// Runs the real kubectl binaries on this machine against a test server: one-shot commands with a
// deadline, and long-running ones (`get -w`) whose output a test waits on — never a fixed sleep.

import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

const SDK_BIN = '/usr/lib/google-cloud-sdk/bin'

/** The oldest and newest kubectl installed: every case runs with both. */
export const KUBECTL_VERSIONS = ['1.27', '1.33'] as const
export type KubectlVersion = (typeof KUBECTL_VERSIONS)[number]

export function kubectlBinary(version: string): string {
  return join(SDK_BIN, `kubectl.${version}`)
}

export function kubectlAvailable(version: string): boolean {
  return existsSync(kubectlBinary(version))
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  input?: string
  env?: Record<string, string>
  timeoutMs?: number
}

export class Kubectl {
  readonly version: string
  private readonly binary: string
  private readonly baseArgs: string[]
  private readonly env: Record<string, string>

  /** `home` is a private scratch dir: kubectl's cache and anything it writes to $HOME stay in it. */
  constructor(version: string, kubeconfig: string, home: string) {
    this.version = version
    this.binary = kubectlBinary(version)
    const cacheDir = join(home, 'cache')
    mkdirSync(cacheDir, { recursive: true })
    this.baseArgs = ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir]
    this.env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' }
  }

  /** Runs to completion (or the deadline, which kills it); never rejects on a non-zero exit. */
  run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.binary,
        [...this.baseArgs, ...args],
        { env: { ...this.env, ...options.env }, timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err && typeof err.code !== 'number') {
            reject(new Error(`kubectl ${this.version} ${args.join(' ')}: ${err.message}\n${stderr}`, { cause: err }))
            return
          }
          resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr })
        },
      )
      if (options.input !== undefined) child.stdin?.end(options.input)
      else child.stdin?.end()
    })
  }

  /** Runs and expects success; the error carries kubectl's stderr. */
  async ok(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const result = await this.run(args, options)
    if (result.code !== 0) throw new Error(`kubectl ${this.version} ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`)
    return result.stdout
  }

  /** Starts a long-running command (`get -w`): read its output as it comes, then stop it. */
  start(args: readonly string[]): Running {
    const child = spawn(this.binary, [...this.baseArgs, ...args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] })
    return new Running(child, `kubectl ${this.version} ${args.join(' ')}`)
  }
}

export class Running {
  stdout = ''
  stderr = ''
  private readonly child: ChildProcess
  private readonly label: string
  private exited = false
  private readonly waiters = new Set<() => void>()

  constructor(child: ChildProcess, label: string) {
    this.child = child
    this.label = label
    const changed = (): void => {
      for (const w of [...this.waiters]) w()
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString('utf8')
      changed()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8')
      changed()
    })
    child.on('exit', () => {
      this.exited = true
      changed()
    })
  }

  /** Resolves once `predicate(stdout)` holds; rejects on exit or after `timeoutMs`, with the output so far. */
  waitFor(predicate: (stdout: string) => boolean, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (predicate(this.stdout)) finish()
        else if (this.exited) finish(new Error(`${this.label} exited before the expected output.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`))
      }
      const timer = setTimeout(() => finish(new Error(`${this.label}: expected output did not arrive in ${timeoutMs} ms.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`)), timeoutMs)
      const finish = (err?: Error): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
        if (err) reject(err)
        else resolve()
      }
      this.waiters.add(check)
      check()
    })
  }

  /** Stops the process and waits for it to go. */
  async stop(): Promise<void> {
    if (this.exited) return
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.kill('SIGTERM')
    await exited
  }
}
