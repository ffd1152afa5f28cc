import { describe, expect, it } from 'vitest'
import {
  CHANNEL_ERROR,
  CHANNEL_RESIZE,
  CHANNEL_STDIN,
  CHANNEL_STDOUT,
  PROTOCOL_V1,
  PROTOCOL_V4,
  PROTOCOL_V5,
  ProtocolError,
  decodeFrame,
  encodeCloseSignal,
  encodeFrame,
  encodeTerminalSize,
  errorChannelPayload,
  exitCodeOf,
  exitStatus,
  parseProtocolHeader,
  parseTerminalSize,
  selectProtocol,
} from './remotecommand.ts'

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values)
const text = (data: Uint8Array | null): string => new TextDecoder().decode(data ?? new Uint8Array())

describe('protocol negotiation', () => {
  it('prefers v5, then v4, then the legacy protocol, whatever order the client offers them in', () => {
    expect(selectProtocol([PROTOCOL_V4, PROTOCOL_V5])).toBe(PROTOCOL_V5)
    expect(selectProtocol(['v3.channel.k8s.io', PROTOCOL_V4])).toBe(PROTOCOL_V4)
    expect(selectProtocol([PROTOCOL_V1])).toBe(PROTOCOL_V1)
  })

  it('finds nothing to agree on in protocols it does not speak (base64, SPDY-era names)', () => {
    expect(selectProtocol(['base64.channel.k8s.io', 'v4.base64.channel.k8s.io'])).toBeNull()
    expect(selectProtocol([])).toBeNull()
  })

  it('reads Sec-WebSocket-Protocol, comma-separated or repeated', () => {
    expect(parseProtocolHeader('v5.channel.k8s.io, v4.channel.k8s.io')).toEqual([PROTOCOL_V5, PROTOCOL_V4])
    expect(parseProtocolHeader(['v5.channel.k8s.io', ' channel.k8s.io '])).toEqual([PROTOCOL_V5, PROTOCOL_V1])
    expect(parseProtocolHeader(undefined)).toEqual([])
  })
})

describe('channel framing', () => {
  it('puts the channel byte before the data', () => {
    expect(encodeFrame(CHANNEL_STDOUT, bytes(104, 105))).toEqual(bytes(1, 104, 105))
    expect(encodeFrame(CHANNEL_STDIN, 'hé')).toEqual(bytes(0, 104, 0xc3, 0xa9))
    expect(encodeFrame(CHANNEL_ERROR, new Uint8Array())).toEqual(bytes(3))
  })

  it('reads a data message back', () => {
    expect(decodeFrame(bytes(0, 1, 2), PROTOCOL_V5)).toEqual({ kind: 'data', channel: 0, data: bytes(1, 2) })
    expect(decodeFrame(bytes(2), PROTOCOL_V4)).toEqual({ kind: 'data', channel: 2, data: bytes() })
  })

  it('ignores empty messages', () => {
    expect(decodeFrame(bytes(), PROTOCOL_V5)).toBeNull()
  })

  it('reads v5 close signals, and only in v5', () => {
    expect(encodeCloseSignal(CHANNEL_STDIN)).toEqual(bytes(255, 0))
    expect(decodeFrame(encodeCloseSignal(CHANNEL_STDIN), PROTOCOL_V5)).toEqual({ kind: 'close', channel: 0 })
    expect(decodeFrame(bytes(255, 0), PROTOCOL_V4)).toEqual({ kind: 'data', channel: 255, data: bytes(0) })
  })

  it('refuses a v5 close signal that does not name exactly one channel', () => {
    expect(() => decodeFrame(bytes(255), PROTOCOL_V5)).toThrow(ProtocolError)
    expect(() => decodeFrame(bytes(255, 0, 1), PROTOCOL_V5)).toThrow('exactly one channel')
  })
})

describe('resize messages', () => {
  it('reads kubectl’s TerminalSize JSON', () => {
    expect(parseTerminalSize(new TextEncoder().encode('{"Width":120,"Height":40}'))).toEqual({ width: 120, height: 40 })
  })

  it('round-trips a size on the resize channel', () => {
    const frame = encodeTerminalSize({ width: 80, height: 24 })
    expect(frame[0]).toBe(CHANNEL_RESIZE)
    expect(parseTerminalSize(frame.subarray(1))).toEqual({ width: 80, height: 24 })
  })

  it.each([
    ['not JSON', 'Width=80', 'must be JSON'],
    ['a missing height', '{"Width":80}', 'integer Width and Height'],
    ['a negative width', '{"Width":-1,"Height":24}', 'integer Width and Height'],
    ['a fraction', '{"Width":80.5,"Height":24}', 'integer Width and Height'],
    ['more than 16 bits', '{"Width":70000,"Height":24}', 'integer Width and Height'],
    ['null', 'null', 'integer Width and Height'],
  ])('refuses %s', (_what, json, message) => {
    expect(() => parseTerminalSize(new TextEncoder().encode(json))).toThrow(message)
  })

  it('refuses an oversized message before parsing it', () => {
    expect(() => parseTerminalSize(new Uint8Array(2000))).toThrow('at most 1024 bytes')
  })
})

describe('status frames', () => {
  it('reports exit code 0 as Success', () => {
    expect(exitStatus(0)).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' })
  })

  it('reports a non-zero exit as kubectl reads it: NonZeroExitCode with an ExitCode cause', () => {
    expect(exitStatus(3)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: exit status 3',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    })
  })

  it('reads the exit code back, and nothing from other failures', () => {
    expect(exitCodeOf(exitStatus(0))).toBe(0)
    expect(exitCodeOf(exitStatus(137))).toBe(137)
    expect(exitCodeOf({ status: 'Failure', reason: 'InternalError' })).toBeNull()
    expect(exitCodeOf({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: 'x' }] } })).toBeNull()
  })

  it('sends the Status as JSON in v4 and v5, the message alone (and nothing on success) in the legacy protocol', () => {
    expect(JSON.parse(text(errorChannelPayload(exitStatus(3), PROTOCOL_V5)))).toMatchObject({ reason: 'NonZeroExitCode' })
    expect(JSON.parse(text(errorChannelPayload(exitStatus(0), PROTOCOL_V4)))).toMatchObject({ status: 'Success' })
    expect(text(errorChannelPayload(exitStatus(3), PROTOCOL_V1))).toBe('command terminated with non-zero exit code: exit status 3')
    expect(errorChannelPayload(exitStatus(0), PROTOCOL_V1)).toBeNull()
  })
})
