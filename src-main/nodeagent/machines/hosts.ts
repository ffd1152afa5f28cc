// The real hosts behind Machines: SSH with the machine's credentials and host-key expectations, or
// this machine's Docker socket. A pinned key that disagrees with an explicit spec.hostKeyFingerprint
// is dropped first — the person who wrote the fingerprint has checked it, which is stronger than a
// key trusted on first use — and a removed machine's pin goes with it.

import type { Machine } from '../../api/index.ts'
import { DEFAULT_DOCKER_SOCKET, DEFAULT_SSH_PORT } from '../../api/index.ts'
import type { ClusterKey } from '../../security/cluster-key.ts'
import type { Logger } from '../../util/log.ts'
import type { SshAuth } from '../ssh/connection.ts'
import { normalizeFingerprint } from '../ssh/host-key.ts'
import { hostPortKey, type PinnedHostKeys } from '../ssh/pinned-host-keys.ts'
import { LocalMachineHost, SshMachineHost, type MachineHost } from './host.ts'
import type { MachineTimings } from './machine-worker.ts'

export interface HostDependencies {
  clusterKey: ClusterKey | undefined
  pins: PinnedHostKeys
  log: Logger
  timings: Pick<MachineTimings, 'keepaliveIntervalMs' | 'keepaliveCountMax' | 'readyTimeoutMs' | 'callTimeoutMs'>
}

function authOf(machine: Machine, clusterKey: ClusterKey | undefined): SshAuth {
  const auth = machine.spec?.auth ?? { type: 'ClusterKey' }
  switch (auth.type) {
    case 'Agent':
      return { kind: 'agent' }
    case 'KeyFile':
      return { kind: 'privateKeyFile', path: auth.path ?? '' }
    case 'ClusterKey':
      // Without a cluster key (a control plane started without one) the connection refuses with this message.
      return clusterKey ? { kind: 'privateKey', privateKey: clusterKey.privateKey } : { kind: 'privateKeyFile', path: '(the cluster key is not loaded)' }
  }
}

export function machineEndpoint(machine: Machine): string | undefined {
  const spec = machine.spec ?? {}
  if (spec.local || !spec.address) return undefined
  return hostPortKey(spec.address, spec.port ?? DEFAULT_SSH_PORT)
}

export function createMachineHost(machine: Machine, deps: HostDependencies): MachineHost {
  const name = machine.metadata.name ?? ''
  const spec = machine.spec ?? {}
  const dockerSocket = spec.dockerSocket || DEFAULT_DOCKER_SOCKET
  const log = deps.log.child({ node: name })
  if (spec.local) return new LocalMachineHost({ name, dockerSocket, log, pingTimeoutMs: deps.timings.callTimeoutMs })
  const endpoint = machineEndpoint(machine) ?? ''
  const expected = spec.hostKeyFingerprint ? normalizeFingerprint(spec.hostKeyFingerprint) : undefined
  const pinned = deps.pins.get(endpoint)
  if (expected && pinned && pinned.fingerprint !== expected) {
    deps.pins.forget(endpoint)
    log.info('host key pin replaced by spec.hostKeyFingerprint', { endpoint, pinned: pinned.fingerprint, expected })
  }
  const hostKeys = { store: deps.pins, ...(expected ? { expectedFingerprint: expected } : {}), ...(spec.trustOnFirstUse ? { trustOnFirstUse: true } : {}) }
  return new SshMachineHost({
    connection: {
      name,
      host: spec.address ?? '',
      port: spec.port ?? DEFAULT_SSH_PORT,
      username: spec.user ?? '',
      auth: authOf(machine, deps.clusterKey),
      hostKeys,
      keepaliveIntervalMs: deps.timings.keepaliveIntervalMs,
      keepaliveCountMax: deps.timings.keepaliveCountMax,
      readyTimeoutMs: deps.timings.readyTimeoutMs,
      logger: deps.log,
    },
    dockerSocket,
    pins: deps.pins,
  })
}

/** Forgets the pinned host key of a machine that leaves the cluster. */
export function forgetMachineHostKey(machine: Machine, pins: PinnedHostKeys): void {
  const endpoint = machineEndpoint(machine)
  if (endpoint) pins.forget(endpoint)
}
