import { describe, expect, it } from 'vitest'
import { CliUsageError, defaultNodeName, parseCliArgs, parseTarget } from './args.ts'

const env = { XDG_DATA_HOME: '/xdg' }
const FP = 'SHA256:V5XqX/YJR246rKydSvRbU4gAUv+gUKkFDW5DtynjZps'
const parse = (...argv: string[]) => parseCliArgs(argv, env, '/here')

describe('parseTarget', () => {
  it.each([
    ['root@10.0.0.5', { user: 'root', host: '10.0.0.5' }],
    ['pi@pi.lan:2222', { user: 'pi', host: 'pi.lan', port: 2222 }],
    ['admin@[fd00::5]:22', { user: 'admin', host: 'fd00::5', port: 22 }],
  ])('%s', (text, target) => {
    expect(parseTarget(text)).toEqual(target)
  })

  it.each(['10.0.0.5', 'root@', 'root@host:0', 'root@host:99999', 'a b@host'])('refuses %s', (text) => {
    expect(() => parseTarget(text)).toThrow(CliUsageError)
  })
})

describe('defaultNodeName', () => {
  it.each([
    ['Pi.lan', 'pi.lan'],
    ['192.168.1.10', 'ip-192-168-1-10'],
    ['fd00::5', 'ip-fd00-5'],
  ])('%s → %s', (host, name) => {
    expect(defaultNodeName(host)).toBe(name)
  })
})

describe('parseCliArgs', () => {
  it('adds a machine with a key file, its host key and a name', () => {
    expect(parse('node', 'add', 'root@192.168.213.11', '--key', 'keys/lab', '--host-key', FP, '--name', 'node-1', '--docker-socket', '/run/docker.sock')).toEqual({
      kind: 'node-add',
      global: { dataDir: '/xdg/coxswain' },
      passwordFromStdin: false,
      wait: true,
      machine: {
        apiVersion: 'coxswain.dev/v1alpha1',
        kind: 'Machine',
        metadata: { name: 'node-1' },
        spec: {
          address: '192.168.213.11',
          user: 'root',
          auth: { type: 'KeyFile', path: '/here/keys/lab' },
          hostKeyFingerprint: FP,
          dockerSocket: '/run/docker.sock',
        },
      },
    })
  })

  it('uses the cluster key by default and names the node after its host', () => {
    const command = parse('node', 'add', 'pi@pi.lan:2222', '--trust-on-first-use', '--unschedulable', '--no-wait', '--data-dir', 'state')
    expect(command).toMatchObject({
      global: { dataDir: '/here/state' },
      wait: false,
      machine: { metadata: { name: 'pi.lan' }, spec: { port: 2222, auth: { type: 'ClusterKey' }, trustOnFirstUse: true, unschedulable: true } },
    })
  })

  it('adds this machine without SSH', () => {
    expect(parse('node', 'add', '--local')).toMatchObject({ machine: { metadata: { name: 'local' }, spec: { local: true } } })
    expect(() => parse('node', 'add', '--local', '--host-key', FP)).toThrow('--host-key does not apply to --local (no SSH)')
  })

  it.each([
    [['node', 'add', 'root@h'], /--host-key FINGERPRINT is needed/],
    [['node', 'add', 'root@h', '--host-key', FP, '--key', 'k', '--agent'], /choose one of --key, --agent and --password-stdin/],
    [['node', 'add'], /node add takes one USER@HOST/],
    [['node', 'remove'], /node remove takes one NAME/],
    [['node', 'frob'], /unknown command "node frob"/],
    [['nodes'], /unknown command "nodes"/],
    [['node', 'list', '--bogus'], /Unknown option '--bogus'/],
    [['node', 'list', '--server', 'localhost:7443'], /--server must be a URL/],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(...argv)).toThrow(message)
  })

  it('reads list, remove, key and help', () => {
    expect(parse('node', 'list', '--server', 'http://127.0.0.1:7443/')).toEqual({ kind: 'node-list', global: { dataDir: '/xdg/coxswain', server: 'http://127.0.0.1:7443' } })
    expect(parse('node', 'remove', 'node-2', '--force')).toMatchObject({ kind: 'node-remove', name: 'node-2', force: true, wait: true })
    expect(parse('key')).toMatchObject({ kind: 'key' })
    expect(parse()).toEqual({ kind: 'help' })
    expect(parse('node', 'list', '-h')).toEqual({ kind: 'help' })
  })
})
