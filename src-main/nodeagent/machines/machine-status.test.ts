import { describe, expect, it } from 'vitest'
import { SshAuthError, type ConnectionStatus } from '../ssh/connection.ts'
import { HostKeyChangedError, HostKeyUnknownError } from '../ssh/host-key-policy.ts'
import { connectionReason, machineStatus } from './machine-status.ts'

const A = 'SHA256:V5XqX/YJR246rKydSvRbU4gAUv+gUKkFDW5DtynjZps'
const B = 'SHA256:L6FvF91WYwvlvTsNnxoomxVv6g/N2zKnl7G+E0GRIvY'
const T0 = '2026-03-04T05:00:00Z'
const T1 = '2026-03-04T05:06:07Z'
const at = (state: ConnectionStatus['state'], reason?: string, error?: Error): ConnectionStatus => ({ state, since: 0, ...(reason ? { reason } : {}), ...(error ? { error } : {}) })

describe('connectionReason', () => {
  it('names a mismatched host key with both fingerprints and the fix', () => {
    const { reason, message } = connectionReason(at('refused', 'x', new HostKeyUnknownError('10.0.0.3:22', B, A)))
    expect(reason).toBe('HostKeyMismatch')
    expect(message).toBe(
      `host key of 10.0.0.3:22 does not match: expected ${A} (spec.hostKeyFingerprint), but it presented ${B}. ` +
        `Check the key (\`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the machine); if ${B} is right, set spec.hostKeyFingerprint to it.`,
    )
  })

  it('names a changed host key with both fingerprints', () => {
    const { reason, message } = connectionReason(at('refused', 'x', new HostKeyChangedError('10.0.0.3:22', A, B, '/data/known_hosts.json')))
    expect(reason).toBe('HostKeyChanged')
    expect(message).toContain(`has CHANGED: it presented ${B}, but ${A} is pinned for it`)
  })

  it('says authentication failed in the words of the transport', () => {
    const error = new SshAuthError('authentication as root on 10.0.0.3:22 failed (All configured authentication methods failed): install the key')
    expect(connectionReason(at('refused', error.message, error))).toEqual({ reason: 'AuthenticationFailed', message: error.message })
  })

  it.each([
    ['no answer to 3 SSH keepalives sent 1000 ms apart', 'KeepaliveTimeout'],
    ['connect ECONNREFUSED 10.0.0.3:22', 'ConnectionRefused'],
    ['connect EHOSTUNREACH 10.0.0.3:22', 'NoRoute'],
    ['getaddrinfo ENOTFOUND pi.lan', 'UnknownHost'],
    ['Timed out while waiting for handshake', 'Timeout'],
    ['the node closed the connection', 'ConnectionLost'],
    ['the Docker engine at /var/run/docker.sock does not answer: connect ENOENT', 'DockerUnreachable'],
    ['something new', 'Unreachable'],
  ])('calls "%s" %s', (text, reason) => {
    expect(connectionReason(at('unreachable', text))).toEqual({ reason, message: text })
  })
})

describe('machineStatus', () => {
  it('is Connected with privilege, host key and Docker version once probed', () => {
    const status = machineStatus(
      { connection: at('connected'), hostKeyFingerprint: A, privilege: 'root', docker: { reachable: true, version: '20.10.24' }, lastProbeTime: T1, observedGeneration: 2 },
      undefined,
      T1,
    )
    expect(status).toEqual({
      phase: 'Connected',
      reason: 'Connected',
      conditions: [
        { type: 'Connected', status: 'True', reason: 'Connected', lastTransitionTime: T1 },
        { type: 'DockerReachable', status: 'True', reason: 'DockerAnswers', message: 'Docker 20.10.24', lastTransitionTime: T1 },
      ],
      hostKeyFingerprint: A,
      privilege: 'root',
      dockerVersion: '20.10.24',
      lastProbeTime: T1,
      observedGeneration: 2,
    })
  })

  it('goes Unreachable keeping what it learnt, with Docker unknown and transition times moved', () => {
    const before = machineStatus({ connection: at('connected'), hostKeyFingerprint: A, privilege: 'sudo', docker: { reachable: true, version: '27.1' }, lastProbeTime: T0 }, undefined, T0)
    const after = machineStatus({ connection: at('unreachable', 'no answer to 3 SSH keepalives sent 1000 ms apart') }, before, T1)
    expect(after).toMatchObject({
      phase: 'Unreachable',
      reason: 'KeepaliveTimeout',
      message: 'no answer to 3 SSH keepalives sent 1000 ms apart',
      hostKeyFingerprint: A,
      privilege: 'sudo',
      dockerVersion: '27.1',
      lastProbeTime: T0,
    })
    expect(after.conditions).toEqual([
      { type: 'Connected', status: 'False', reason: 'KeepaliveTimeout', message: 'no answer to 3 SSH keepalives sent 1000 ms apart', lastTransitionTime: T1 },
      { type: 'DockerReachable', status: 'Unknown', reason: 'NotConnected', lastTransitionTime: T1 },
    ])
  })

  it('keeps lastTransitionTime while a condition holds', () => {
    const before = machineStatus({ connection: at('connected') }, undefined, T0)
    const after = machineStatus({ connection: at('connected'), privilege: 'root' }, before, T1)
    expect(after.conditions?.[0]?.lastTransitionTime).toBe(T0)
  })

  it('reports a Docker engine that stopped answering while SSH holds', () => {
    const status = machineStatus({ connection: at('connected'), docker: { reachable: false, message: 'connect ENOENT /var/run/docker.sock' } }, undefined, T1)
    expect(status).toMatchObject({ phase: 'Connected', message: 'the Docker engine does not answer: connect ENOENT /var/run/docker.sock' })
    expect(status.conditions?.[1]).toMatchObject({ type: 'DockerReachable', status: 'False', reason: 'DockerUnreachable' })
  })

  it('is Connecting before the first answer', () => {
    expect(machineStatus({ connection: at('connecting') }, undefined, T0)).toMatchObject({ phase: 'Connecting', reason: 'Connecting' })
  })
})
