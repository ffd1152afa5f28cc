// The remotecommand WebSocket subprotocols kubectl speaks for `exec` (1.30+: `v5.channel.k8s.io`),
// as both ends use them. Every message is binary: one channel byte, then that channel's bytes.
//
//   0 stdin (client → server)      1 stdout, 2 stderr (server → client)
//   3 error: the outcome, once, just before the server closes — a v1 Status in v4 and v5
//     (Success; or Failure with reason NonZeroExitCode and a cause {reason: ExitCode, message: "3"},
//     which kubectl turns into its own exit code), plain text in the legacy `channel.k8s.io`
//   4 resize (client → server): JSON {"Width": 80, "Height": 24}
//   255 close signal (v5 only): [255, channel] — the sender is done writing that channel (stdin EOF)
//
// Pure and environment-free: the REST door uses it on the server and the dashboard in the browser.

import type { Status } from './types/meta.ts'
import type { TerminalSize } from './types/streams.ts'

export const PROTOCOL_V5 = 'v5.channel.k8s.io'
export const PROTOCOL_V4 = 'v4.channel.k8s.io'
/** The original protocol: no close signal, and errors as plain text. */
export const PROTOCOL_V1 = 'channel.k8s.io'

/** The server's preference, best first. */
export const SUPPORTED_PROTOCOLS = [PROTOCOL_V5, PROTOCOL_V4, PROTOCOL_V1] as const
export type RemoteCommandProtocol = (typeof SUPPORTED_PROTOCOLS)[number]

export const CHANNEL_STDIN = 0
export const CHANNEL_STDOUT = 1
export const CHANNEL_STDERR = 2
export const CHANNEL_ERROR = 3
export const CHANNEL_RESIZE = 4
export const CLOSE_SIGNAL = 255

/** Status reason and cause type kubectl reads an exit code from (k8s.io/apimachinery remotecommand constants). */
export const NON_ZERO_EXIT_CODE_REASON = 'NonZeroExitCode' satisfies Status['reason']
export const EXIT_CODE_CAUSE = 'ExitCode'

/**
 * The cause reason on the REST door's refusal of an exec that is not a WebSocket upgrade. A browser
 * cannot read why a WebSocket handshake failed, so the dashboard asks again over plain HTTP, and
 * this cause tells "the request was fine, only not a WebSocket" from the real refusal.
 */
export const WEBSOCKET_REQUIRED_CAUSE = 'WebSocketRequired'

/** Upper bound on one resize message; a TerminalSize is a few dozen bytes. */
const MAX_RESIZE_BYTES = 1024
/** Terminal dimensions are uint16 in Docker's API and in client-go. */
const MAX_DIMENSION = 0xffff

/**
 * The protocol to answer a client offering `offered` (the Sec-WebSocket-Protocol values, in any
 * order): the server's best supported one, or null when none is.
 */
export function selectProtocol(offered: readonly string[]): RemoteCommandProtocol | null {
  const wanted = new Set(offered.map((p) => p.trim()))
  return SUPPORTED_PROTOCOLS.find((p) => wanted.has(p)) ?? null
}

/** The values of a Sec-WebSocket-Protocol header (comma-separated, possibly repeated). */
export function parseProtocolHeader(header: string | readonly string[] | undefined): string[] {
  const values = typeof header === 'string' ? [header] : (header ?? [])
  return values.flatMap((v) => v.split(',')).map((p) => p.trim()).filter((p) => p !== '')
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** One message: the channel byte, then `data`. */
export function encodeFrame(channel: number, data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  const frame = new Uint8Array(bytes.length + 1)
  frame[0] = channel
  frame.set(bytes, 1)
  return frame
}

/** v5's close signal: the sender will write nothing more on `channel`. */
export function encodeCloseSignal(channel: number): Uint8Array {
  return Uint8Array.of(CLOSE_SIGNAL, channel)
}

export type Frame = { kind: 'data'; channel: number; data: Uint8Array } | { kind: 'close'; channel: number }

export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

/**
 * Reads one message. An empty message means nothing (servers send one to say the stream is open);
 * the close signal exists in v5 only, where a malformed one is an error — elsewhere 255 is just a
 * channel nobody uses.
 */
export function decodeFrame(message: Uint8Array, protocol: RemoteCommandProtocol): Frame | null {
  if (message.length === 0) return null
  const channel = message[0] ?? 0
  if (channel === CLOSE_SIGNAL && protocol === PROTOCOL_V5) {
    if (message.length !== 2) throw new ProtocolError(`a close signal must name exactly one channel, got ${message.length - 1} bytes`)
    return { kind: 'close', channel: message[1] ?? 0 }
  }
  return { kind: 'data', channel, data: message.subarray(1) }
}

/** A resize message's size; throws a ProtocolError when it is not `{"Width": w, "Height": h}` with cells in 0…65535. */
export function parseTerminalSize(data: Uint8Array): TerminalSize {
  if (data.length > MAX_RESIZE_BYTES) throw new ProtocolError(`a resize message must be at most ${MAX_RESIZE_BYTES} bytes, got ${data.length}`)
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(data))
  } catch {
    throw new ProtocolError('a resize message must be JSON: {"Width": columns, "Height": rows}')
  }
  const { Width: width, Height: height } = (value ?? {}) as { Width?: unknown; Height?: unknown }
  const dimension = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_DIMENSION
  if (!dimension(width) || !dimension(height)) {
    throw new ProtocolError(`a resize message needs integer Width and Height in 0…${MAX_DIMENSION}, got ${JSON.stringify(value)}`)
  }
  return { width, height }
}

export function encodeTerminalSize(size: TerminalSize): Uint8Array {
  return encodeFrame(CHANNEL_RESIZE, JSON.stringify({ Width: size.width, Height: size.height }))
}

/** The Status a finished command ends with: Success for 0, NonZeroExitCode with the code otherwise. */
export function exitStatus(exitCode: number): Status {
  if (exitCode === 0) return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' }
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${exitCode}`,
    reason: NON_ZERO_EXIT_CODE_REASON,
    details: { causes: [{ reason: EXIT_CODE_CAUSE, message: String(exitCode) }] },
  }
}

/** The exit code a Status on the error channel reports: 0 for Success, N for NonZeroExitCode, null for any other failure. */
export function exitCodeOf(status: Pick<Status, 'status' | 'reason' | 'details'>): number | null {
  if (status.status === 'Success') return 0
  if (status.reason !== NON_ZERO_EXIT_CODE_REASON) return null
  const cause = status.details?.causes?.find((c) => c.reason === EXIT_CODE_CAUSE)
  const code = Number(cause?.message)
  return cause && Number.isInteger(code) ? code : null
}

/**
 * What the error channel carries for `status` under `protocol`: the Status JSON (v4, v5), or for
 * the legacy protocol the failure's message and nothing at all on success. Null: send nothing.
 */
export function errorChannelPayload(status: Status, protocol: RemoteCommandProtocol): Uint8Array | null {
  if (protocol !== PROTOCOL_V1) return encoder.encode(JSON.stringify(status))
  if (status.status === 'Success') return null
  return encoder.encode(status.message ?? 'command failed')
}
