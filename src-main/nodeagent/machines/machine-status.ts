// Machine.status from what the controller knows about a machine: its connection state (with the
// reason), the host key it presented, the SSH user's privilege and the last probe of its Docker
// engine. Pure, so each wording is tested; refusals say what a person must do.

import type { ConditionStatus, MachineCondition, MachinePhase, MachinePrivilege, MachineStatus } from '../../api/index.ts'
import type { ConnectionState, ConnectionStatus } from '../ssh/connection.ts'
import { SshAuthError } from '../ssh/connection.ts'
import { HostKeyChangedError, HostKeyUnknownError } from '../ssh/host-key-policy.ts'

const CHECK_ON_MACHINE = '`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the machine'

export type DockerFact = { reachable: true; version: string } | { reachable: false; message: string }

export interface MachineFacts {
  connection: ConnectionStatus
  hostKeyFingerprint?: string
  privilege?: MachinePrivilege
  /** The last probe's verdict on the Docker engine, while connected. */
  docker?: DockerFact
  lastProbeTime?: string
  observedGeneration?: number
}

export function machinePhase(state: ConnectionState): MachinePhase {
  switch (state) {
    case 'connected':
      return 'Connected'
    case 'unreachable':
      return 'Unreachable'
    case 'refused':
      return 'Refused'
    default:
      return 'Connecting'
  }
}

/** A CamelCase reason for an unreachable machine, from the transport's error text. */
function unreachableReason(reason: string): string {
  if (/keepalive/i.test(reason)) return 'KeepaliveTimeout'
  if (/ECONNREFUSED/.test(reason)) return 'ConnectionRefused'
  if (/EHOSTUNREACH|ENETUNREACH/.test(reason)) return 'NoRoute'
  if (/ENOTFOUND|EAI_AGAIN/.test(reason)) return 'UnknownHost'
  if (/ETIMEDOUT|timed out|within \d+ ms/i.test(reason)) return 'Timeout'
  if (/closed the connection|ECONNRESET|liveness session/i.test(reason)) return 'ConnectionLost'
  if (/Docker engine/.test(reason)) return 'DockerUnreachable'
  return 'Unreachable'
}

/** The reason and the message for people, for the connection's state. */
export function connectionReason(status: ConnectionStatus): { reason: string; message?: string } {
  const error = status.error
  switch (status.state) {
    case 'connected':
      return { reason: 'Connected' }
    case 'connecting':
    case 'closed':
      return { reason: 'Connecting' }
    case 'unreachable':
      return { reason: unreachableReason(status.reason ?? ''), message: status.reason ?? 'the machine does not answer' }
    case 'refused':
      if (error instanceof HostKeyChangedError) {
        return {
          reason: 'HostKeyChanged',
          message:
            `host key of ${error.hostPort} has CHANGED: it presented ${error.presented}, but ${error.expected} is pinned for it. ` +
            `Someone may be intercepting the connection, or the machine was reinstalled. Check the key (${CHECK_ON_MACHINE}); ` +
            `if ${error.presented} is right, set spec.hostKeyFingerprint to it.`,
        }
      }
      if (error instanceof HostKeyUnknownError && error.expected !== undefined) {
        return {
          reason: 'HostKeyMismatch',
          message:
            `host key of ${error.hostPort} does not match: expected ${error.expected} (spec.hostKeyFingerprint), but it presented ${error.presented}. ` +
            `Check the key (${CHECK_ON_MACHINE}); if ${error.presented} is right, set spec.hostKeyFingerprint to it.`,
        }
      }
      if (error instanceof HostKeyUnknownError) return { reason: 'HostKeyUnknown', message: error.message }
      if (error instanceof SshAuthError) return { reason: 'AuthenticationFailed', message: error.message }
      return { reason: 'Refused', message: status.reason ?? 'the machine refused the connection' }
  }
}

function condition(type: string, status: ConditionStatus, reason: string, message?: string): Omit<MachineCondition, 'lastTransitionTime'> {
  return message ? { type, status, reason, message } : { type, status, reason }
}

/** Machine.status for `facts`, keeping lastTransitionTime of conditions whose status held. */
export function machineStatus(facts: MachineFacts, previous: MachineStatus | undefined, now: string): MachineStatus {
  const phase = machinePhase(facts.connection.state)
  const { reason, message } = connectionReason(facts.connection)
  const connected = phase === 'Connected'
  const docker = connected ? facts.docker : undefined
  const cores = [
    condition('Connected', connected ? 'True' : phase === 'Connecting' ? 'Unknown' : 'False', reason, message),
    docker === undefined
      ? condition('DockerReachable', 'Unknown', connected ? 'NotProbedYet' : 'NotConnected')
      : docker.reachable
        ? condition('DockerReachable', 'True', 'DockerAnswers', `Docker ${docker.version}`)
        : condition('DockerReachable', 'False', 'DockerUnreachable', docker.message),
  ]
  const conditions = cores.map((c) => {
    const before = previous?.conditions?.find((p) => p.type === c.type)
    return { ...c, lastTransitionTime: before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : now }
  })
  const status: MachineStatus = { phase, reason, conditions }
  if (message) status.message = message
  else if (docker && !docker.reachable) status.message = `the Docker engine does not answer: ${docker.message}`
  const fingerprint = facts.hostKeyFingerprint ?? previous?.hostKeyFingerprint
  if (fingerprint) status.hostKeyFingerprint = fingerprint
  const privilege = facts.privilege ?? previous?.privilege
  if (privilege) status.privilege = privilege
  const version = facts.docker?.reachable ? facts.docker.version : previous?.dockerVersion
  if (version) status.dockerVersion = version
  const probed = facts.lastProbeTime ?? previous?.lastProbeTime
  if (probed) status.lastProbeTime = probed
  if (facts.observedGeneration !== undefined) status.observedGeneration = facts.observedGeneration
  return status
}
