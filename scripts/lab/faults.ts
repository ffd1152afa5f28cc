// Faults a real home lab suffers, injected into a running lab node for tests and by hand
// (`npm run lab:fault -- node-2 partition`). Each action returns once the fault is in effect.

import { existsSync } from 'node:fs'
import { nodeCgroup } from './cgroups.ts'
import { LAB_TAG, planNode, settingsFromEnv, type LabSettings, type NodePlan } from './config.ts'
import { deleteTaggedRules } from './network.ts'
import {
  bootNode, dockerAnswers, findInitPid, findNodeProcess, killNode, localDockerSocket, runInNode, sshAnswers, waitNodeReady,
} from './node-process.ts'
import { run, waitFor } from './run.ts'

export const FAULT_ACTIONS = [
  'link-down', 'link-up',
  'partition', 'heal',
  'freeze', 'thaw',
  'poweroff', 'poweron', 'crash',
  'stop-docker', 'start-docker',
  'stop-sshd', 'start-sshd',
] as const
export type FaultAction = (typeof FAULT_ACTIONS)[number]

const PARTITION_TAG = `${LAB_TAG}-partition`

export function isFaultAction(value: string): value is FaultAction {
  return (FAULT_ACTIONS as readonly string[]).includes(value)
}

function planByName(settings: LabSettings, name: string): NodePlan {
  const index = /^node-(\d+)$/.exec(name)?.[1]
  const plan = index ? planNode(settings, Number(index)) : undefined
  if (!plan || !existsSync(`/run/netns/${plan.netns}`)) {
    throw new Error(`no lab node "${name}" is up: nodes are named node-1, node-2, … (see npm run lab:status)`)
  }
  return plan
}

async function stopByPidFile(plan: NodePlan, pidFile: string, what: string): Promise<void> {
  const pid = findNodeProcess(plan, pidFile)
  if (pid === undefined) return
  process.kill(pid, 'SIGTERM')
  await waitFor(`${what} on ${plan.name} to stop`, () => {
    try {
      process.kill(pid, 0)
      return false
    } catch {
      return true
    }
  }, 20_000)
}

export async function injectFault(nodeName: string, action: FaultAction, settings: LabSettings = settingsFromEnv()): Promise<void> {
  const plan = planByName(settings, nodeName)
  const inNode = ['nsenter', `--net=/run/netns/${plan.netns}`]
  const tag = ['-m', 'comment', '--comment', PARTITION_TAG]
  switch (action) {
    case 'link-down':
    case 'link-up':
      await run(['ip', 'link', 'set', plan.veth, action === 'link-down' ? 'down' : 'up'])
      return
    case 'partition':
      await run([...inNode, 'iptables', '-w', '-I', 'INPUT', '-i', 'eth0', '-j', 'DROP', ...tag])
      await run([...inNode, 'iptables', '-w', '-I', 'OUTPUT', '-o', 'eth0', '-j', 'DROP', ...tag])
      return
    case 'heal':
      await deleteTaggedRules(PARTITION_TAG, plan.netns, ['filter'])
      return
    case 'freeze': {
      const cgroup = nodeCgroup(plan.name)
      cgroup.freeze()
      await waitFor(`${plan.name} to freeze`, () => cgroup.frozen(), 10_000)
      return
    }
    case 'thaw':
      nodeCgroup(plan.name).thaw()
      return
    case 'poweroff':
      // A machine without power is silent: its link goes dark with it, so peers see no reset.
      await run(['ip', 'link', 'set', plan.veth, 'down'])
      await killNode(plan.name)
      return
    case 'crash':
      // Every process dies but the network stack answers: open connections are reset at once.
      await killNode(plan.name)
      return
    case 'poweron':
      await run(['ip', 'link', 'set', plan.veth, 'up'])
      if (findInitPid(plan.name) !== undefined) return
      bootNode(settings, plan)
      await waitNodeReady(plan)
      return
    case 'stop-docker':
      await stopByPidFile(plan, 'docker.pid', 'dockerd')
      return
    case 'start-docker':
      if (await dockerAnswers(localDockerSocket(plan))) return
      await runInNode(settings, plan, 'start-docker')
      await waitFor(`dockerd on ${plan.name}`, () => dockerAnswers(localDockerSocket(plan)), 30_000)
      return
    case 'stop-sshd':
      await stopByPidFile(plan, 'sshd.pid', 'sshd')
      return
    case 'start-sshd':
      if (await sshAnswers(plan.address, 22)) return
      await runInNode(settings, plan, 'start-sshd')
      await waitFor(`sshd on ${plan.name}`, () => sshAnswers(plan.address, 22), 10_000)
      return
  }
}
