// An in-process SSH server on 127.0.0.1 for unit tests: the real SSH protocol (ssh2's Server), real
// commands (exec runs `/bin/sh -c` like sshd), stream-local forwarding to unix sockets, and switches
// to misbehave: drop every connection, or go silent (accept TCP, never answer).

import { generateEd25519KeyPair } from './keygen.ts'
import { spawn } from 'node:child_process'
import { timingSafeEqual } from 'node:crypto'
import { connect as netConnect, createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net'
import ssh2 from 'ssh2'
import type { AuthContext, ParsedKey, Server as SshServer, ServerChannel } from 'ssh2'

const { Server, utils } = ssh2

export interface KeyPair {
  /** OpenSSH private key text. */
  private: string
  /** OpenSSH public key line. */
  public: string
}

export function generateKeyPair(): KeyPair {
  return generateEd25519KeyPair()
}

/** The wire-format blob of a key pair's public key (what hostVerifier receives). */
export function publicKeyBlob(pair: KeyPair): Buffer {
  return parsedKey(pair.public).getPublicSSH()
}

function parsedKey(text: string): ParsedKey {
  const parsed = utils.parseKey(text)
  if (parsed instanceof Error) throw parsed
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  if (!key) throw new Error('no key in key text')
  return key
}

export interface TestSshServerOptions {
  hostKey: KeyPair
  /** The one client key accepted. */
  clientPublicKey: string
  /** Also accept this password (plain `password` auth and keyboard-interactive). */
  password?: string
  /** Environment for commands (e.g. a HOME of the test's own). */
  commandEnv?: NodeJS.ProcessEnv
  port?: number
}

export class TestSshServer {
  readonly hostKey: KeyPair
  readonly #tcp: NetServer
  readonly #ssh: SshServer
  readonly #sockets = new Set<Socket>()
  #silent = false
  /** TCP connections accepted so far. */
  connections = 0
  /** Successful authentications so far. */
  authentications = 0

  private constructor(options: TestSshServerOptions) {
    this.hostKey = options.hostKey
    const allowed = parsedKey(options.clientPublicKey)
    this.#ssh = new Server({ hostKeys: [options.hostKey.private], ident: 'OpenSSH_9.2p1 coxswain-test' }, (client) => {
      client.on('error', () => {})
      client.on('authentication', (ctx) => this.#authenticate(ctx, allowed, options.password))
      client.on('ready', () => {
        this.authentications++
        client.on('session', (accept) => {
          const session = accept()
          session.on('exec', (acceptExec, _reject, info) => runCommand(acceptExec(), info.command, options.commandEnv))
        })
        client.on('openssh.streamlocal', (accept, reject, info) => {
          const local = netConnect(info.socketPath)
          local.once('error', () => reject())
          local.once('connect', () => {
            local.removeAllListeners('error')
            const channel = accept()
            local.on('error', () => channel.close())
            channel.on('error', () => local.destroy())
            channel.pipe(local).pipe(channel)
            channel.on('close', () => local.destroy())
          })
        })
      })
    })
    this.#tcp = createServer((socket) => {
      this.connections++
      this.#sockets.add(socket)
      socket.setNoDelay(true)
      socket.on('error', () => {})
      socket.on('close', () => this.#sockets.delete(socket))
      // A silent server accepts TCP but never answers: the SSH banner never comes.
      if (!this.#silent) this.#ssh.injectSocket(socket)
    })
  }

  static async start(options: TestSshServerOptions): Promise<TestSshServer> {
    const server = new TestSshServer(options)
    await new Promise<void>((resolve, reject) => {
      server.#tcp.once('error', reject)
      server.#tcp.listen(options.port ?? 0, '127.0.0.1', () => resolve())
    })
    return server
  }

  get port(): number {
    return (this.#tcp.address() as AddressInfo).port
  }

  /** Cuts every connection (like sshd restarting or the machine losing power: the client sees it at once). */
  dropAll(): void {
    for (const socket of this.#sockets) socket.destroy()
  }

  /** Stops answering on every connection, old and new, without closing them (a partitioned link). */
  goSilent(): void {
    this.#silent = true
    for (const socket of this.#sockets) socket.pause()
  }

  /** Answers again: the silent connections are cut (their SSH state is stale) and new ones are served. */
  speakAgain(): void {
    this.#silent = false
    this.dropAll()
  }

  async stop(): Promise<void> {
    this.dropAll()
    await new Promise<void>((resolve) => this.#tcp.close(() => resolve()))
  }

  #authenticate(ctx: AuthContext, allowed: ParsedKey, password: string | undefined): void {
    const methods: AuthContext['method'][] = password === undefined ? ['publickey'] : ['publickey', 'password', 'keyboard-interactive']
    if (password !== undefined && ctx.method === 'password') {
      if (ctx.password === password) ctx.accept()
      else ctx.reject(methods)
      return
    }
    if (password !== undefined && ctx.method === 'keyboard-interactive') {
      ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => (answers[0] === password ? ctx.accept() : ctx.reject(methods)))
      return
    }
    if (ctx.method !== 'publickey') {
      ctx.reject(methods)
      return
    }
    const wanted = allowed.getPublicSSH()
    const offered = ctx.key.data
    const sameKey = ctx.key.algo === allowed.type && offered.length === wanted.length && timingSafeEqual(offered, wanted)
    if (!sameKey) {
      ctx.reject(['publickey'])
      return
    }
    if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
      ctx.reject(['publickey'])
      return
    }
    ctx.accept()
  }
}

/** Runs a command the way sshd does (the user's shell with -c), wiring the channel to its stdio. */
function runCommand(channel: ServerChannel, command: string, env?: NodeJS.ProcessEnv): void {
  const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env })
  child.stdout.on('data', (chunk: Buffer) => channel.write(chunk))
  child.stderr.on('data', (chunk: Buffer) => channel.stderr.write(chunk))
  channel.on('data', (chunk: Buffer) => child.stdin.write(chunk))
  channel.on('end', () => child.stdin.end())
  child.stdin.on('error', () => {})
  channel.on('error', () => {})
  channel.on('close', () => child.kill('SIGKILL'))
  child.on('close', (code, signal) => {
    if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '')
    else channel.exit(code ?? 0)
    channel.end()
  })
}
