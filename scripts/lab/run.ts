// Runs host commands for the lab: argv in, exit code and output back, no shell in between.

import { spawn } from 'node:child_process'

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  input?: string | Buffer
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean
  timeoutMs?: number
}

export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [command, ...args] = argv
  if (!command) throw new Error('run: empty command')
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', (cause) => reject(new Error(`${argv.join(' ')}: ${cause.message}`, { cause })))
    child.on('close', (code, signal) => {
      const result = {
        code: code ?? 128,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }
      if (result.code !== 0 && !options.allowFailure) {
        const why = signal ? `killed by ${signal}` : `exit ${result.code}`
        reject(new Error(`${argv.join(' ')}: ${why}: ${result.stderr.trim() || result.stdout.trim()}`))
      } else {
        resolve(result)
      }
    })
    // A command may exit without reading its input; that is its business, not an error here.
    child.stdin.on('error', () => {})
    child.stdin.end(options.input ?? '')
  })
}

/** Polls `check` until it returns true; for conditions no event announces. Throws `what` on timeout. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}
