import { describe, expect, it } from 'vitest'
import { DEFAULT_LISTEN, DEFAULT_PORT, UsageError, isLoopback, parseServeArgs } from './args.ts'

const env = { XDG_DATA_HOME: '/xdg' }

describe('parseServeArgs', () => {
  it('uses the defaults when given nothing', () => {
    expect(parseServeArgs([], env, '/cwd')).toEqual({
      help: false,
      port: DEFAULT_PORT,
      listen: DEFAULT_LISTEN,
      dataDir: '/xdg/coxswain',
    })
  })

  it('reads port, data dir and listen address', () => {
    expect(parseServeArgs(['--port', '0', '--data-dir', '/d', '--listen', '0.0.0.0'], env, '/cwd')).toEqual({
      help: false,
      port: 0,
      listen: '0.0.0.0',
      dataDir: '/d',
    })
  })

  it('reads the default toleration seconds, as kube-apiserver names them', () => {
    expect(parseServeArgs(['--default-unreachable-toleration-seconds', '5', '--default-not-ready-toleration-seconds=0'], env, '/cwd')).toMatchObject({
      unreachableTolerationSeconds: 5,
      notReadyTolerationSeconds: 0,
    })
  })

  it.each(['-1', '1.5', 'soon', ''])('refuses %j toleration seconds, naming the flag', (value) => {
    expect(() => parseServeArgs([`--default-unreachable-toleration-seconds=${value}`], env)).toThrow(/--default-unreachable-toleration-seconds must be a whole number of seconds/)
  })

  it('reads a --controllers list', () => {
    expect(parseServeArgs(['--controllers', '*, -scheduler,'], env, '/cwd')).toMatchObject({ controllers: ['*', '-scheduler'] })
    expect(parseServeArgs(['--controllers=-*'], env, '/cwd')).toMatchObject({ controllers: ['-*'] })
  })

  it('accepts --name=value form', () => {
    expect(parseServeArgs(['--port=8080'], env, '/cwd')).toMatchObject({ port: 8080 })
  })

  it('resolves a relative data dir against the working directory', () => {
    expect(parseServeArgs(['--data-dir', 'state'], env, '/cwd')).toMatchObject({ dataDir: '/cwd/state' })
  })

  it.each([['-1'], ['65536'], ['80a'], [''], ['1.5']])('rejects port %j', (port) => {
    expect(() => parseServeArgs(['--port', port], env)).toThrow(UsageError)
  })

  it('rejects unknown options and stray words', () => {
    expect(() => parseServeArgs(['--prot', '1'], env)).toThrow(UsageError)
    expect(() => parseServeArgs(['serve'], env)).toThrow(UsageError)
  })

  it('rejects an option without its value', () => {
    expect(() => parseServeArgs(['--port'], env)).toThrow(UsageError)
  })

  it('rejects empty listen and data dir', () => {
    expect(() => parseServeArgs(['--listen', ''], env)).toThrow(/--listen/)
    expect(() => parseServeArgs(['--data-dir', ' '], env)).toThrow(/--data-dir/)
  })

  it('reports --help without validating the rest', () => {
    expect(parseServeArgs(['--help'], env)).toEqual({ help: true })
    expect(parseServeArgs(['-h'], env)).toEqual({ help: true })
  })
})

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['192.168.1.5', false],
    ['::', false],
  ])('%s -> %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected)
  })
})
