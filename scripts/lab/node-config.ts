// Pure builders for the files that make a lab node look like an ordinary Docker host.

import { join } from 'node:path'
import type { NodePlan } from './config.ts'

export function sshdConfig(plan: NodePlan): string {
  return [
    `ListenAddress ${plan.address}:22`,
    `HostKey ${plan.hostKeyPath}`,
    'PidFile /run/sshd.pid',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
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
