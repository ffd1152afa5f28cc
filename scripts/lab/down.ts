// Tears the lab down completely, whatever state a previous run (of any checkout) left it in:
// processes, namespaces, links, iptables rules, cgroups, node data.

import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { labCgroupNodes, removeLabCgroups, thawAll } from './cgroups.ts'
import { LAB_TAG, NETNS_PREFIX, type LabSettings } from './config.ts'
import { deleteTaggedRules, labLinkNames, labNetnsNames } from './network.ts'
import { killNode } from './node-process.ts'
import { run, waitFor } from './run.ts'

async function killNetnsStragglers(netns: string): Promise<void> {
  const pidsIn = async (): Promise<number[]> => {
    const { stdout } = await run(['ip', 'netns', 'pids', netns], { allowFailure: true })
    return stdout.split('\n').filter(Boolean).map(Number)
  }
  await waitFor(`processes in ${netns} to exit`, async () => {
    const pids = await pidsIn()
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
    return pids.length === 0
  }, 10_000, 100)
}

/** Mounts a crashed node may have leaked into this namespace (there should be none: propagation is private). */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((target) => target.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length)
  for (const target of mounts) await run(['umount', '-l', target], { allowFailure: true })
}

export async function labDown(settings: LabSettings): Promise<void> {
  thawAll()
  const netnsNames = await labNetnsNames()
  const nodeNames = new Set([...labCgroupNodes(), ...netnsNames.map((ns) => ns.slice(NETNS_PREFIX.length))])
  await Promise.all([...nodeNames].map((name) => killNode(name)))
  for (const netns of netnsNames) {
    await killNetnsStragglers(netns)
    await run(['ip', 'netns', 'del', netns], { allowFailure: true })
  }
  for (const link of await labLinkNames()) await run(['ip', 'link', 'del', link], { allowFailure: true })
  await deleteTaggedRules(LAB_TAG)
  await waitFor('lab cgroups to be removable', () => removeLabCgroups().length === 0, 10_000, 100)
  const nodesDir = join(settings.stateDir, 'nodes')
  await unmountUnder(nodesDir)
  rmSync(nodesDir, { recursive: true, force: true })
  // Keys stay: host keys a user pinned remain valid for the next lab.
  for (const file of ['image.tar', 'node-init.sh']) rmSync(join(settings.stateDir, file), { force: true })
  for (const file of ['nodes.json', 'known_hosts']) rmSync(join(settings.labDir, file), { force: true })
}
