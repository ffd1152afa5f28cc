// Network settings for the lab's nodes (`serve --lab`, lab tests, benches). The lab's nodes are
// namespaces on one machine sharing its file system, so each node keeps its DNS table in its own
// state directory (beside its Docker socket's directory) rather than the one default path.

import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { NetworkComponentOptions } from './component.ts'

interface LabNodes {
  nodes: { name: string; localDockerSocket: string }[]
}

/** `dnsDir` for a lab whose nodes are `lab.nodes`; nodes it does not know get the default. */
export function labNetworkOptions(lab: LabNodes): Pick<NetworkComponentOptions, 'dnsDir'> {
  const dirs = new Map(lab.nodes.map((n) => [n.name, join(dirname(dirname(n.localDockerSocket)), 'coxswain-dns')]))
  return { dnsDir: (node) => dirs.get(node) ?? join('/var/lib/coxswain/dns', node) }
}

export function readLabNetworkOptions(path: string): Pick<NetworkComponentOptions, 'dnsDir'> {
  return labNetworkOptions(JSON.parse(readFileSync(path, 'utf8')) as LabNodes)
}
