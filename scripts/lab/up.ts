// Brings the lab up: N nodes, each a network namespace with its own sshd and dockerd, joined
// by a bridge. Re-running it on a healthy lab changes nothing; on anything else (a crashed
// run, a node left faulted, another node count) it tears down and builds afresh.

import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LabFile } from './lab-file.ts'
import { nodeCgroup } from './cgroups.ts'
import {
  BRIDGE, LAB_TAG, BRIDGE_ADDRESS, LAN_PREFIX_LENGTH, TEST_IMAGE, clientKeyPath, initScriptPath, planNodes,
  planNode, rootPasswordPath, type LabSettings, type NodePlan,
} from './config.ts'
import { labDown } from './down.ts'
import { buildImageTar, importImage } from './image.ts'
import { ensureKey, ensureRootPassword, fingerprint, publicKeyLine } from './keys.ts'
import { createBridge, createNodeNetwork } from './network.ts'
import { daemonJson, shadowFile, sshdConfig } from './node-config.ts'
import { bootNode, dockerAnswers, findInitPid, localDockerSocket, sshAnswers, waitNodeReady } from './node-process.ts'
import { run } from './run.ts'

const nodesJsonPath = (settings: LabSettings): string => join(settings.labDir, 'nodes.json')

function prepareNodeFiles(settings: LabSettings, plan: NodePlan, rootPasswordHash: string): void {
  for (const sub of ['run', 'etc-docker', 'root/.ssh', 'docker', 'log']) mkdirSync(join(plan.dir, sub), { recursive: true })
  chmodSync(join(plan.dir, 'root'), 0o700)
  chmodSync(join(plan.dir, 'root', '.ssh'), 0o700)
  const authorized = join(plan.dir, 'root', '.ssh', 'authorized_keys')
  writeFileSync(authorized, publicKeyLine(clientKeyPath(settings)) + '\n', { mode: 0o600 })
  writeFileSync(join(plan.dir, 'sshd_config'), sshdConfig(plan))
  // node-init.sh bind-mounts it over /etc/shadow inside the node only.
  writeFileSync(join(plan.dir, 'shadow'), shadowFile(readFileSync('/etc/passwd', 'utf8'), rootPasswordHash), { mode: 0o600 })
  writeFileSync(join(plan.dir, 'etc-docker', 'daemon.json'), daemonJson(plan, { cgroupParent: nodeCgroup(plan.name).dockerParent }))
}

function labFileFor(settings: LabSettings, plans: NodePlan[], rootPassword: string): LabFile {
  return {
    version: 1,
    user: 'root',
    keyPath: clientKeyPath(settings),
    rootPassword,
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

/** What is wrong with a running node, or undefined when it is healthy. */
export async function nodeProblem(plan: NodePlan): Promise<string | undefined> {
  if (findInitPid(plan.name) === undefined) return `${plan.name} is powered off`
  if (nodeCgroup(plan.name).frozen()) return `${plan.name} is frozen`
  const { stdout } = await run(['nsenter', `--net=/run/netns/${plan.netns}`, 'iptables', '-w', '-S'], { allowFailure: true })
  if (stdout.includes(`${LAB_TAG}-partition`)) return `${plan.name} is partitioned`
  const { stdout: link } = await run(['ip', '-j', 'link', 'show', plan.veth], { allowFailure: true })
  if (!link.includes('LOWER_UP')) return `${plan.name}'s link is down`
  if (!(await sshAnswers(plan.address, 22))) return `sshd on ${plan.name} does not answer`
  if (!(await dockerAnswers(localDockerSocket(plan)))) return `dockerd on ${plan.name} does not answer`
  return undefined
}

type RunningLab = { lab: LabFile; problems: string[] } | { lab: undefined; problems: string[] }

/** The lab as running now, and what keeps it from being reused as it is. */
async function runningLab(settings: LabSettings): Promise<RunningLab> {
  if (!existsSync(nodesJsonPath(settings))) return { lab: undefined, problems: [] }
  const published = JSON.parse(readFileSync(nodesJsonPath(settings), 'utf8')) as LabFile
  const problems: string[] = []
  // A lab from before the nodes took the root password has neither the shadow file nor the sshd settings.
  if (typeof published.rootPassword !== 'string') problems.push('its nodes do not accept the lab root password yet')
  if (settings.nodeCountChosen && published.nodes.length !== settings.nodeCount) {
    problems.push(`it has ${published.nodes.length} node(s), LAB_NODES asks for ${settings.nodeCount}`)
  }
  const plans = published.nodes.map((_, i) => planNode(settings, i + 1))
  for (const problem of await Promise.all(plans.map(nodeProblem))) if (problem) problems.push(problem)
  return problems.length === 0 ? { lab: published, problems } : { lab: undefined, problems }
}

export async function labUp(settings: LabSettings, report: (line: string) => void = () => {}): Promise<LabFile> {
  const running = await runningLab(settings)
  if (running.lab) {
    report(`lab already up: ${running.lab.nodes.length} node(s), healthy`)
    return running.lab
  }
  if (running.problems.length > 0) {
    report(`rebuilding the lab (every container on its nodes is lost): ${running.problems.join('; ')}`)
  }
  const plans = planNodes(settings)
  await labDown(settings)
  mkdirSync(settings.stateDir, { recursive: true, mode: 0o700 })
  copyFileSync(join(import.meta.dirname, 'node-init.sh'), initScriptPath(settings))
  chmodSync(initScriptPath(settings), 0o755)
  await ensureKey(clientKeyPath(settings), 'coxswain-lab-client')
  await Promise.all(plans.map((plan) => ensureKey(plan.hostKeyPath, plan.name)))
  const rootPassword = await ensureRootPassword(rootPasswordPath(settings))

  await createBridge()
  for (const plan of plans) await createNodeNetwork(plan)
  for (const plan of plans) {
    prepareNodeFiles(settings, plan, rootPassword.hash)
    bootNode(settings, plan)
  }
  const imageTar = join(settings.stateDir, 'image.tar')
  await Promise.all([buildImageTar(imageTar), ...plans.map((plan) => waitNodeReady(plan))])
  await Promise.all(plans.map((plan) => importImage(localDockerSocket(plan), imageTar)))

  const lab = labFileFor(settings, plans, rootPassword.password)
  mkdirSync(settings.labDir, { recursive: true })
  writeFileSync(nodesJsonPath(settings), JSON.stringify(lab, null, 2) + '\n')
  // For people: `ssh -o UserKnownHostsFile=.lab/known_hosts …` checks the nodes' real host keys.
  writeFileSync(join(settings.labDir, 'known_hosts'), lab.nodes.map((n) => `${n.address} ${n.hostKey}`).join('\n') + '\n')
  report(`lab up: ${plans.map((p) => `${p.name} ${p.address}`).join(', ')}; image ${TEST_IMAGE}; facts in ${nodesJsonPath(settings)}`)
  return lab
}
