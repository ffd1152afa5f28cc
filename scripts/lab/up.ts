// Brings the lab up: N nodes, each a network namespace with its own sshd and dockerd, joined
// by a bridge. Re-running it on a healthy lab changes nothing; on anything else (a crashed
// run, a node left faulted, another node count) it tears down and builds afresh.

import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LabFile } from './lab-file.ts'
import { nodeCgroup } from './cgroups.ts'
import {
  BRIDGE, BRIDGE_ADDRESS, LAN_PREFIX_LENGTH, TEST_IMAGE, clientKeyPath, initScriptPath, planNodes,
  type LabSettings, type NodePlan,
} from './config.ts'
import { labDown } from './down.ts'
import { buildImageTar, importImage } from './image.ts'
import { ensureKey, fingerprint, publicKeyLine } from './keys.ts'
import { createBridge, createNodeNetwork } from './network.ts'
import { daemonJson, sshdConfig } from './node-config.ts'
import { bootNode, dockerAnswers, findInitPid, localDockerSocket, sshAnswers, waitNodeReady } from './node-process.ts'
import { run } from './run.ts'

const nodesJsonPath = (settings: LabSettings): string => join(settings.labDir, 'nodes.json')

function prepareNodeFiles(settings: LabSettings, plan: NodePlan): void {
  for (const sub of ['run', 'etc-docker', 'root/.ssh', 'docker', 'log']) mkdirSync(join(plan.dir, sub), { recursive: true })
  chmodSync(join(plan.dir, 'root'), 0o700)
  chmodSync(join(plan.dir, 'root', '.ssh'), 0o700)
  const authorized = join(plan.dir, 'root', '.ssh', 'authorized_keys')
  writeFileSync(authorized, publicKeyLine(clientKeyPath(settings)) + '\n', { mode: 0o600 })
  writeFileSync(join(plan.dir, 'sshd_config'), sshdConfig(plan))
  writeFileSync(join(plan.dir, 'etc-docker', 'daemon.json'), daemonJson(plan, { cgroupParent: nodeCgroup(plan.name).dockerParent }))
}

function labFileFor(settings: LabSettings, plans: NodePlan[]): LabFile {
  return {
    version: 1,
    user: 'root',
    keyPath: clientKeyPath(settings),
    image: TEST_IMAGE,
    bridge: { name: BRIDGE, address: BRIDGE_ADDRESS, prefixLength: LAN_PREFIX_LENGTH },
    nodes: plans.map((plan) => {
      const hostKey = publicKeyLine(plan.hostKeyPath)
      return {
        name: plan.name,
        address: plan.address,
        sshPort: 22,
        hostKey,
        hostKeyFingerprint: fingerprint(hostKey),
        localDockerSocket: localDockerSocket(plan),
        dockerSocket: '/var/run/docker.sock',
      }
    }),
  }
}

async function nodeHealthy(plan: NodePlan): Promise<boolean> {
  if (findInitPid(plan.name) === undefined || nodeCgroup(plan.name).frozen()) return false
  const { stdout } = await run(['nsenter', `--net=/run/netns/${plan.netns}`, 'iptables', '-w', '-S'], { allowFailure: true })
  if (stdout.includes('coxswain-lab-partition')) return false
  const { stdout: link } = await run(['ip', '-j', 'link', 'show', plan.veth], { allowFailure: true })
  if (!link.includes('"UP"') && !link.includes('LOWER_UP')) return false
  return (await sshAnswers(plan.address, 22)) && (await dockerAnswers(localDockerSocket(plan)))
}

/** The lab as running now, if it is whole, healthy and of the wanted size. */
async function runningLab(settings: LabSettings, plans: NodePlan[]): Promise<LabFile | undefined> {
  if (!existsSync(nodesJsonPath(settings))) return undefined
  const published = JSON.parse(readFileSync(nodesJsonPath(settings), 'utf8')) as LabFile
  if (published.nodes.length !== plans.length) return undefined
  const healthy = await Promise.all(plans.map(nodeHealthy))
  return healthy.every(Boolean) ? published : undefined
}

export async function labUp(settings: LabSettings, report: (line: string) => void = () => {}): Promise<LabFile> {
  const plans = planNodes(settings)
  const running = await runningLab(settings, plans)
  if (running) {
    report(`lab already up: ${plans.length} node(s)`)
    return running
  }
  await labDown(settings)
  mkdirSync(settings.stateDir, { recursive: true, mode: 0o700 })
  copyFileSync(join(import.meta.dirname, 'node-init.sh'), initScriptPath(settings))
  chmodSync(initScriptPath(settings), 0o755)
  await ensureKey(clientKeyPath(settings), 'coxswain-lab-client')
  await Promise.all(plans.map((plan) => ensureKey(plan.hostKeyPath, plan.name)))

  await createBridge()
  for (const plan of plans) await createNodeNetwork(plan)
  for (const plan of plans) {
    prepareNodeFiles(settings, plan)
    bootNode(settings, plan)
  }
  const imageTar = join(settings.stateDir, 'image.tar')
  await Promise.all([buildImageTar(imageTar), ...plans.map((plan) => waitNodeReady(plan))])
  await Promise.all(plans.map((plan) => importImage(localDockerSocket(plan), imageTar)))

  const lab = labFileFor(settings, plans)
  mkdirSync(settings.labDir, { recursive: true })
  writeFileSync(nodesJsonPath(settings), JSON.stringify(lab, null, 2) + '\n')
  report(`lab up: ${plans.map((p) => `${p.name} ${p.address}`).join(', ')}; image ${TEST_IMAGE}; facts in ${nodesJsonPath(settings)}`)
  return lab
}
