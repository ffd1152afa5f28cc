// Preconditions of the lab: root, and the host tools it drives.

import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

const REQUIRED: Record<string, string> = {
  ip: 'iproute2',
  iptables: 'iptables',
  unshare: 'util-linux',
  nsenter: 'util-linux',
  dockerd: 'docker.io',
  sshd: 'openssh-server',
  'ssh-keygen': 'openssh-client',
  tar: 'tar',
  busybox: 'busybox-static',
}

const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin']

function onPath(tool: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...SBIN]
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

export function assertLabHost(): void {
  if (process.getuid?.() !== 0) throw new Error('the lab creates namespaces, bridges and iptables rules: run it as root')
  const missing = Object.entries(REQUIRED).filter(([tool]) => !onPath(tool))
  if (missing.length > 0) {
    const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ')
    throw new Error(`missing ${missing.map(([t]) => t).join(', ')}: apt-get install -y ${packages}`)
  }
  // sshd and dockerd live in sbin, which a non-login root shell may not have on PATH.
  const path = (process.env.PATH ?? '').split(delimiter)
  for (const dir of SBIN) if (!path.includes(dir)) path.push(dir)
  process.env.PATH = path.join(delimiter)
}
