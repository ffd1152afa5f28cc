import { describe, expect, it } from 'vitest'
import { admitCreate, admitUpdate } from '../admission.ts'
import { leases, machines } from '../registry.ts'
import { deepFreeze } from '../testing/builders.ts'
import type { Machine } from '../types/coxswain.ts'
import { defaultMachine } from '../defaults/coxswain.ts'
import { formatFieldError } from './errors.ts'

const FINGERPRINT = 'SHA256:V5XqX/YJR246rKydSvRbU4gAUv+gUKkFDW5DtynjZps'
const sshSpec = { address: '192.168.213.11', user: 'root', hostKeyFingerprint: FINGERPRINT }
const machine = (spec: Record<string, unknown>, name = 'node-1') => ({ apiVersion: 'coxswain.dev/v1alpha1', kind: 'Machine', metadata: { name }, spec })
const errorsOf = (body: unknown) => admitCreate(machines, body).errors.map(formatFieldError)

describe('defaultMachine', () => {
  it('gives an SSH machine port 22, the cluster key and the usual Docker socket', () => {
    const m = deepFreeze<Machine>(machine(sshSpec))
    expect(defaultMachine(m).spec).toEqual({ ...sshSpec, port: 22, auth: { type: 'ClusterKey' }, dockerSocket: '/var/run/docker.sock' })
  })

  it('keeps what the user chose', () => {
    const spec = { ...sshSpec, port: 2222, auth: { type: 'KeyFile' as const, path: '/k' }, dockerSocket: '/run/user/1000/docker.sock' }
    expect(defaultMachine(machine(spec)).spec).toEqual(spec)
  })

  it('gives a local machine only the Docker socket', () => {
    expect(defaultMachine(machine({ local: true })).spec).toEqual({ local: true, dockerSocket: '/var/run/docker.sock' })
  })
})

describe('Machine validation', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a machine with an expected host key', sshSpec, []],
    ['trust on first use without a fingerprint', { address: 'pi.lan', user: 'pi', trustOnFirstUse: true }, []],
    ['a key file', { ...sshSpec, auth: { type: 'KeyFile', path: '/var/lib/lab/key' } }, []],
    ['the local machine', { local: true }, []],
    ['no address', { user: 'root', hostKeyFingerprint: FINGERPRINT }, ['spec.address: Required value: the host name or IP address of the machine']],
    ['a bad address', { ...sshSpec, address: 'my host' }, ['spec.address: Invalid value: "my host": must be an IP address or a host name']],
    ['a bad port', { ...sshSpec, port: 70000 }, ['spec.port: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['no user', { address: 'h', hostKeyFingerprint: FINGERPRINT }, ['spec.user: Required value']],
    ['a user with a space', { ...sshSpec, user: 'a b' }, [`spec.user: Invalid value: "a b": must be a user name: letters, digits, '_', '.' and '-', not starting with '.' or '-'`]],
    [
      'no fingerprint and no trust on first use',
      { address: 'h', user: 'root' },
      ["spec.hostKeyFingerprint: Required value: the fingerprint of the machine's host key (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the machine), unless trustOnFirstUse is true"],
    ],
    ['a malformed fingerprint', { ...sshSpec, hostKeyFingerprint: 'MD5:aa:bb' }, ['spec.hostKeyFingerprint: Invalid value: "MD5:aa:bb": must be an OpenSSH SHA256 fingerprint: "SHA256:" followed by 43 base64 characters']],
    ['a key file without a path', { ...sshSpec, auth: { type: 'KeyFile' } }, ['spec.auth.path: Required value: the private key file for KeyFile authentication']],
    ['a relative key file', { ...sshSpec, auth: { type: 'KeyFile', path: 'id_ed25519' } }, ['spec.auth.path: Invalid value: "id_ed25519": must be an absolute path']],
    ['a path with the cluster key', { ...sshSpec, auth: { type: 'ClusterKey', path: '/k' } }, ['spec.auth.path: Forbidden: may only be set when type is KeyFile']],
    ['a relative Docker socket', { ...sshSpec, dockerSocket: 'docker.sock' }, ['spec.dockerSocket: Invalid value: "docker.sock": must be an absolute path']],
    [
      'SSH settings on a local machine',
      { local: true, address: 'h' },
      ["spec.address: Forbidden: must not be set for a local machine (local: true uses this machine's Docker socket, without SSH)"],
    ],
  ])('%s', (_what, spec, expected) => {
    expect(errorsOf(machine(spec))).toEqual(expected)
  })

  it('refuses an unknown auth type by the schema', () => {
    expect(errorsOf(machine({ ...sshSpec, auth: { type: 'Password' } }))).toEqual(['spec.auth.type: Unsupported value: "Password": supported values: "Agent", "ClusterKey", "KeyFile"'])
  })

  it('wants a name that can be a hostname label', () => {
    expect(errorsOf(machine(sshSpec, 'n'.repeat(64)))).toEqual([`metadata.name: Invalid value: "${'n'.repeat(64)}": must be no more than 63 characters`])
    expect(errorsOf(machine(sshSpec, 'Node_1'))[0]).toMatch(/^metadata.name: Invalid value: "Node_1": a lowercase RFC 1123 subdomain/)
  })

  it('may not turn an SSH machine into the local one', () => {
    const old = admitCreate(machines, machine(sshSpec)).object
    const next = { ...old, spec: { local: true } }
    expect(admitUpdate(machines, next, old).errors.map(formatFieldError)).toContain('spec.local: Invalid value: true: field is immutable')
  })
})

describe('Lease validation', () => {
  const lease = (spec: Record<string, unknown>) => ({ metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec })

  it('accepts a node lease', () => {
    const admitted = admitCreate(leases, lease({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-01-02T03:04:05.123456Z' }))
    expect(admitted.errors).toEqual([])
    expect(admitted.object).toMatchObject({ spec: { renewTime: '2026-01-02T03:04:05.123456Z' } })
  })

  it.each<[Record<string, unknown>, string[]]>([
    [{ leaseDurationSeconds: 0 }, ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']],
    [{ leaseTransitions: -1 }, ['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']],
  ])('%j', (spec, expected) => {
    expect(admitCreate(leases, lease(spec)).errors.map(formatFieldError)).toEqual(expected)
  })

  it('refuses coordinated leader election by name', () => {
    const admitted = admitCreate(leases, lease({ strategy: 'OldestEmulationVersion' }))
    expect(admitted.errors.map(formatFieldError)).toEqual(['spec.strategy: Forbidden: not supported by Coxswain: coordinated leader election is not implemented'])
  })
})
