// Running one command on a node over an SSH exec channel, with a deadline that covers opening the
// channel and running the command. The argv goes through the one shell quoting helper.

import type { Client, ClientChannel } from 'ssh2'
import { DeadlineExceededError } from '../../util/deadline.ts'
import { shellQuote } from '../../util/shell.ts'
import { openChannel } from './open-channel.ts'

export interface ExecOptions {
  /** Bytes for the command's standard input (closed after them; closed at once when absent). */
  stdin?: string | Buffer
  /** Limit for the whole call, channel open included. */
  timeoutMs: number
  /** Output beyond this many bytes per stream fails the call (default 16 MiB). */
  maxOutputBytes?: number
}

export interface ExecResult {
  /** Exit status; null when the command was killed by a signal. */
  code: number | null
  signal: string | null
  stdout: string
  stderr: string
}

const defaultMaxOutputBytes = 16 * 1024 * 1024

/** Runs `argv` through `client` (which must be ready). `target` names the node in errors. */
export async function execArgv(client: Client, target: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
  const command = shellQuote(argv)
  const what = `exec \`${command.length > 120 ? command.slice(0, 117) + '...' : command}\` on ${target}`
  const deadline = performance.now() + options.timeoutMs
  const running = await openChannel(
    what,
    options.timeoutMs,
    (cb) => client.exec(command, cb),
    (channel) => ({ result: collect(channel, what, Math.max(1, Math.round(deadline - performance.now())), options) }),
  )
  return running.result
}

function collect(channel: ClientChannel, what: string, remainingMs: number, options: ExecOptions): Promise<ExecResult> {
  const maxBytes = options.maxOutputBytes ?? defaultMaxOutputBytes
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    const sizes = { stdout: 0, stderr: 0 }
    let exit: { code: number | null; signal: string | null } | undefined
    let settled = false

    const finish = (outcome: Error | ExecResult): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (outcome instanceof Error) {
        channel.on('error', () => {})
        channel.close()
        reject(outcome)
      } else {
        resolve(outcome)
      }
    }
    const timer = setTimeout(() => finish(new DeadlineExceededError(what, options.timeoutMs)), remainingMs)

    const gather = (into: Buffer[], stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      sizes[stream] += chunk.length
      if (sizes[stream] > maxBytes) finish(new Error(`${what}: ${stream} exceeded ${maxBytes} bytes`))
      else into.push(chunk)
    }
    channel.on('data', gather(stdout, 'stdout'))
    channel.stderr.on('data', gather(stderr, 'stderr'))
    channel.on('exit', (code: number | null, signal?: string) => {
      exit = { code: typeof code === 'number' ? code : null, signal: signal ?? null }
    })
    channel.on('error', (err: Error) => finish(new Error(`${what}: ${err.message}`, { cause: err })))
    const done = (): void => {
      if (!exit) {
        finish(new Error(`${what}: the connection closed before the command finished`))
        return
      }
      finish({
        ...exit,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      })
    }
    // The channel's 'close' waits for stdout's end but not stderr's: let stderr drain too.
    channel.on('close', () => {
      if (channel.stderr.readableEnded) done()
      else channel.stderr.once('end', done).once('close', done)
    })
    channel.end(options.stdin)
  })
}
