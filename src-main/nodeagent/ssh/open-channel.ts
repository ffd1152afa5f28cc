// Opening an SSH channel with a time limit. ssh2 gives a channel being opened no timeout: on a dead
// link the open request just waits. This bounds it, and closes a channel that arrives too late.

import type { ClientChannel } from 'ssh2'
import { DeadlineExceededError } from '../../util/deadline.ts'

export type ChannelOpener = (callback: (err: Error | undefined, channel: ClientChannel) => void) => void

/**
 * Opens a channel with `open` (e.g. `cb => client.exec(cmd, cb)`), failing after `timeoutMs`.
 * `adopt` runs synchronously in ssh2's callback: events that arrived in the same packet as the open
 * confirmation (a fast command's exit status, its close) are emitted right after it, before any
 * promise continuation could attach listeners.
 */
export function openChannel<T>(what: string, timeoutMs: number, open: ChannelOpener, adopt: (channel: ClientChannel) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false
    const timer = setTimeout(() => {
      settled = true
      reject(new DeadlineExceededError(what, timeoutMs))
    }, timeoutMs)
    try {
      open((err, channel) => {
        if (settled) {
          if (!err) channel.close()
          return
        }
        settled = true
        clearTimeout(timer)
        if (err) reject(new Error(`${what}: ${err.message}`, { cause: err }))
        else resolve(adopt(channel))
      })
    } catch (err) {
      settled = true
      clearTimeout(timer)
      reject(new Error(`${what}: ${(err as Error).message}`, { cause: err }))
    }
  })
}
