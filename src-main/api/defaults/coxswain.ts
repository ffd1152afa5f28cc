// Defaulting for coxswain.dev kinds. Pure: returns a copy, never modifies its argument.

import type { Machine } from '../types/coxswain.ts'

export const DEFAULT_SSH_PORT = 22
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock'

/** An SSH machine gets port 22 and the cluster key; every machine gets the usual Docker socket. */
export function defaultMachine(machine: Machine): Machine {
  const out = structuredClone(machine)
  const spec = (out.spec ??= {})
  if (!spec.local) {
    spec.port ??= DEFAULT_SSH_PORT
    spec.auth ??= { type: 'ClusterKey' }
  }
  spec.dockerSocket ||= DEFAULT_DOCKER_SOCKET
  return out
}
