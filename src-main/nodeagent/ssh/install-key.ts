// The one time a password is used: log in with it, append the cluster's public key to the user's
// authorized_keys, log out. The password lives only in this call's arguments and ssh2's
// handshake; it is never stored, logged or put in an error message. The host key is verified
// and pinned exactly as for every other connection.

import { Socket } from 'node:net'
import ssh2 from 'ssh2'
import type { Client, ConnectConfig } from 'ssh2'
import { DeadlineExceededError, withDeadline } from '../../util/deadline.ts'
import { execArgv } from './exec.ts'
import { HostKeyError, verifyHostKey, type HostKeyTrust } from './host-key-policy.ts'
import { hostPortKey, type PinnedHostKeys } from './pinned-host-keys.ts'

const { Client: SshClient } = ssh2

/** The machine answered but would not let the user in with the password. */
export class PasswordRefusedError extends Error {
  override readonly name = 'PasswordRefusedError'
}

/** Nothing usable answered at the address: refused, no route, unknown name, or silence. */
export class MachineUnreachableError extends Error {
  override readonly name = 'MachineUnreachableError'
}

/** A socket error in a person's words; the address is said by the caller. */
export function describeConnectError(err: Error & { code?: string }): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is sshd running, and is the port right?)'
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host (is the machine on and on this network?)'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve'
    case 'ETIMEDOUT':
      return 'the connection timed out'
    case 'ECONNRESET':
      return 'the connection was reset (is it an SSH server?)'
    default:
      return err.message
  }
}

export interface InstallKeyOptions {
  host: string
  port?: number
  username: string
  password: string
  /** The shell command that installs the key (see security/cluster-key.ts). */
  installCommand: string
  hostKeys: { store: PinnedHostKeys } & HostKeyTrust
  /** Limit for the whole operation. Default 20 s. */
  timeoutMs?: number
}

export interface InstallKeyResult {
  /** The host key the machine presented (now pinned). */
  hostKeyFingerprint: string
}

/** Logs in with a password and runs `installCommand`; rejects with a message for a person. */
export async function installKeyWithPassword(options: InstallKeyOptions): Promise<InstallKeyResult> {
  const port = options.port ?? 22
  const endpoint = hostPortKey(options.host, port)
  const target = `${options.username}@${endpoint}`
  const timeoutMs = options.timeoutMs ?? 20_000
  const client = new SshClient()
  const socket = new Socket()
  let hostKeyError: HostKeyError | undefined
  let fingerprint = ''
  try {
    return await withDeadline(`install the cluster key on ${target}`, timeoutMs, async () => {
      await new Promise<void>((resolve, reject) => {
        const { store, ...trust } = options.hostKeys
        const config: ConnectConfig = {
          username: options.username,
          password: options.password,
          // PAM-based sshd asks for the password through keyboard-interactive.
          tryKeyboard: true,
          readyTimeout: timeoutMs,
          sock: socket,
          hostVerifier: (key: Buffer): boolean => {
            const verdict = verifyHostKey(store, endpoint, key, trust)
            fingerprint = verdict.fingerprint
            if (!verdict.accepted) hostKeyError = verdict.error
            return verdict.accepted
          },
        }
        client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => options.password)))
        client.once('ready', () => resolve())
        client.once('error', (err: Error & { level?: string }) => {
          if (hostKeyError) reject(hostKeyError)
          else if (err.level === 'client-authentication') reject(new PasswordRefusedError(`log in as ${target} with the password failed: wrong password, or the machine does not accept passwords`))
          else if (err.level === 'client-socket' || err.level === 'client-timeout') reject(new MachineUnreachableError(`cannot reach ${target}: ${describeConnectError(err)}`))
          else reject(new Error(`connect to ${target}: ${err.message}`))
        })
        socket.setNoDelay(true)
        socket.connect({ host: options.host, port })
        client.connect(config)
      })
      const result = await execArgv(client as Client, target, ['sh', '-c', options.installCommand], { timeoutMs })
      if (result.code !== 0) {
        throw new Error(`installing the cluster key on ${target} failed (exit ${result.code ?? result.signal}): ${result.stderr.trim() || result.stdout.trim()}`)
      }
      return { hostKeyFingerprint: fingerprint }
    })
  } catch (err) {
    // Silence until the deadline: the same thing to a person as a refused connection.
    if (err instanceof DeadlineExceededError && !fingerprint) throw new MachineUnreachableError(`cannot reach ${target}: no SSH answer within ${Math.round(timeoutMs / 1000)} s`, { cause: err })
    throw err
  } finally {
    client.end()
    socket.destroy()
  }
}
