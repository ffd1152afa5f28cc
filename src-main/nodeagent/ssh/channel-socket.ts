// An SSH channel dressed as a socket, for http.Agent and anything else that expects net.Socket
// behaviour. Unlike a bare ssh2 channel it closes locally: `destroy()` emits 'close' at once
// instead of waiting for the peer's answer (which never comes on a dead link), and `setTimeout`
// really fires 'timeout' after that long without traffic.

import { Duplex } from 'node:stream'
import { inspect } from 'node:util'
import type { ClientChannel } from 'ssh2'

export class ChannelSocket extends Duplex {
  /** What the channel leads to, for messages: `node-2:/var/run/docker.sock`. */
  readonly label: string
  readonly #channel: ClientChannel
  #idleTimer: NodeJS.Timeout | undefined

  constructor(channel: ClientChannel, label: string) {
    super({ allowHalfOpen: true })
    this.label = label
    this.#channel = channel
    channel.on('data', this.#onData)
    channel.on('end', this.#onEnd)
    channel.on('close', this.#onClose)
    channel.on('error', this.#onError)
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#touch()
    if (!this.push(chunk)) this.#channel.pause()
  }
  readonly #onEnd = (): void => {
    this.push(null)
  }
  readonly #onClose = (): void => {
    this.destroy()
  }
  readonly #onError = (err: Error): void => {
    this.destroy(new Error(`channel to ${this.label}: ${err.message}`, { cause: err }))
  }

  override _read(): void {
    this.#channel.resume()
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#touch()
    this.#channel.write(chunk, encoding, callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#channel.end()
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#clearIdleTimer()
    const channel = this.#channel
    channel.off('data', this.#onData).off('end', this.#onEnd).off('close', this.#onClose).off('error', this.#onError)
    // Late data and errors from the peer have nowhere to go now; drain them quietly.
    channel.on('error', () => {}).resume()
    try {
      channel.close()
    } catch {
      // The SSH connection is already gone; nothing to tell the peer.
    }
    callback(error)
  }

  /** Like net.Socket#setTimeout: emit 'timeout' after `ms` without traffic; 0 turns it off. */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback) {
      if (ms === 0) this.off('timeout', callback)
      else this.once('timeout', callback)
    }
    this.#clearIdleTimer()
    if (ms > 0 && !this.destroyed) {
      this.#idleTimer = setTimeout(() => this.emit('timeout'), ms)
      this.#idleTimer.unref()
    }
    return this
  }

  #touch(): void {
    this.#idleTimer?.refresh()
  }

  #clearIdleTimer(): void {
    clearTimeout(this.#idleTimer)
    this.#idleTimer = undefined
  }

  // The rest of the net.Socket surface that HTTP clients call; meaningless for a channel.
  setNoDelay(): this {
    return this
  }
  setKeepAlive(): this {
    return this
  }
  ref(): this {
    return this
  }
  unref(): this {
    return this
  }

  /** Keeps util.inspect (docker-modem inspects every request's options) off the SSH client. */
  [inspect.custom](): string {
    return `ChannelSocket(${this.label})`
  }
}
