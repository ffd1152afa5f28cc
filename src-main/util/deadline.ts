// Deadlines for calls that cross the network. A dead link must never hang a caller: every call
// gets a time limit, and the work behind it is told to stop (through an AbortSignal) when it passes.

/** The call did not finish within its time limit. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError'
  readonly timeoutMs: number
  constructor(what: string, timeoutMs: number) {
    super(`${what}: no answer within ${timeoutMs} ms`)
    this.timeoutMs = timeoutMs
  }
}

/**
 * Runs `fn` with a signal that aborts after `timeoutMs`, and settles no later than that even when
 * `fn` ignores the signal. `what` names the call in the error ("docker ping on node-2").
 */
export async function withDeadline<T>(
  what: string,
  timeoutMs: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineExceededError(what, timeoutMs)
      controller.abort(error)
      reject(error)
    }, timeoutMs)
  })
  try {
    return await Promise.race([fn(controller.signal), expired])
  } finally {
    clearTimeout(timer)
  }
}
