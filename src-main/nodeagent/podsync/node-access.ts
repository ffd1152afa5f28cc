// The two ways pod sync reaches a node besides Docker's API: commands (writing configMap and secret
// files, fixing emptyDir permissions, removing a pod's directory) and TCP connections from the node
// (httpGet and tcpSocket probes and hooks, to pod IPs that only the node can reach). Over SSH for a
// remote node — an exec channel and a direct-tcpip channel on the node's one connection, nothing
// installed — or straight from this process for a local engine.

import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import type { Duplex } from 'node:stream'
import type { ExecResult } from '../ssh/exec.ts'
import { DeadlineExceededError } from '../../util/deadline.ts'

export interface NodeShell {
  /** Runs `argv` (no shell unless argv names one) with `stdin`, within `timeoutMs`. */
  run(argv: readonly string[], options: { stdin?: string | Buffer; timeoutMs: number }): Promise<ExecResult>
}

export interface NodeDialer {
  /** A TCP connection from the node to `host:port`, failing after `timeoutMs`. */
  dial(host: string, port: number, timeoutMs: number): Promise<Duplex>
}

/** What a NodeConnection offers for both (exec and forwardOut). */
export interface SshNodeAccess {
  exec(argv: readonly string[], options: { stdin?: string | Buffer; timeoutMs: number }): Promise<ExecResult>
  forwardOut(host: string, port: number, timeoutMs: number): Promise<Duplex>
}

export function sshShell(connection: SshNodeAccess): NodeShell {
  return { run: (argv, options) => connection.exec(argv, options) }
}

export function sshDialer(connection: SshNodeAccess): NodeDialer {
  return { dial: (host, port, timeoutMs) => connection.forwardOut(host, port, timeoutMs) }
}

/** Commands on this machine, for a local engine. */
export function localShell(): NodeShell {
  return {
    run(argv, { stdin, timeoutMs }) {
      const [command = '', ...args] = argv
      const what = `run ${argv.join(' ').slice(0, 120)} locally`
      return new Promise((resolve, reject) => {
        const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
        const stdout: Buffer[] = []
        const stderr: Buffer[] = []
        const timer = setTimeout(() => {
          child.kill('SIGKILL')
          reject(new DeadlineExceededError(what, timeoutMs))
        }, timeoutMs)
        child.stdout.on('data', (c: Buffer) => stdout.push(c))
        child.stderr.on('data', (c: Buffer) => stderr.push(c))
        child.on('error', (err) => {
          clearTimeout(timer)
          reject(new Error(`${what}: ${err.message}`, { cause: err }))
        })
        child.on('close', (code, signal) => {
          clearTimeout(timer)
          resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') })
        })
        child.stdin.on('error', () => {})
        child.stdin.end(stdin)
      })
    },
  }
}

/** TCP straight from this process, for a local engine (its pod network is reachable from here). */
export function localDialer(): NodeDialer {
  return {
    dial(host, port, timeoutMs) {
      return new Promise((resolve, reject) => {
        const socket = connect({ host, port })
        const timer = setTimeout(() => {
          socket.destroy()
          reject(new DeadlineExceededError(`connect to ${host}:${port}`, timeoutMs))
        }, timeoutMs)
        socket.once('connect', () => {
          clearTimeout(timer)
          resolve(socket)
        })
        socket.once('error', (err) => {
          clearTimeout(timer)
          reject(err)
        })
      })
    },
  }
}
