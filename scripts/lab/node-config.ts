// Pure builders for the files that make a lab node look like an ordinary Docker host.

import { join } from 'node:path'
import type { NodePlan } from './config.ts'

export function sshdConfig(plan: NodePlan): string {
  return [
    `ListenAddress ${plan.address}:22`,
    `HostKey ${plan.hostKeyPath}`,
    'PidFile /run/sshd.pid',
    // Keys as everywhere, and the lab-only root password (its own /etc/shadow, see shadowFile) so
    // that a one-time password login to install the cluster key meets a real sshd.
    'PermitRootLogin yes',
    'PasswordAuthentication yes',
    'PermitEmptyPasswords no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'AllowTcpForwarding yes',
    'AllowStreamLocalForwarding yes',
    // The control plane multiplexes many channels over one connection per node.
    'MaxSessions 64',
    'MaxStartups 64:30:128',
    'UseDNS no',
    'PrintMotd no',
    '',
  ].join('\n')
}

/**
 * The node's /etc/shadow, bind-mounted over the host's inside the node's mount namespace (the
 * host's own file is never read or written): root gets the lab password's crypt hash, every
 * other account of /etc/passwd stays locked (`*`), as sshd expects an entry for each.
 */
export function shadowFile(passwdText: string, rootPasswordHash: string): string {
  if (!/^\$[0-9a-z]+\$[^:\s]+$/.test(rootPasswordHash)) throw new Error('shadowFile: the root password hash must be a crypt string ($6$salt$hash)')
  const users = passwdText
    .split('\n')
    .map((line) => line.split(':')[0]?.trim() ?? '')
    .filter((user) => user !== '' && !user.startsWith('#'))
  const names = ['root', ...new Set(users.filter((user) => user !== 'root'))]
  return names.map((user) => `${user}:${user === 'root' ? rootPasswordHash : '*'}:19000:0:99999:7:::`).join('\n') + '\n'
}

export interface DaemonJsonOptions {
  cgroupParent: string
}

export function daemonJson(plan: NodePlan, options: DaemonJsonOptions): string {
  return JSON.stringify(
    {
      'data-root': join(plan.dir, 'docker'),
      'cgroup-parent': options.cgroupParent,
      // Containers stop fast on a node shutdown, as the lab's teardown and faults expect.
      'shutdown-timeout': 2,
      'log-driver': 'json-file',
      'log-opts': { 'max-size': '10m', 'max-file': '2' },
    },
    null,
    2,
  ) + '\n'
}
