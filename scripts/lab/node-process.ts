// Starting, finding and stopping a lab node's process tree. A node's PID 1 is node-init.sh
// running in fresh pid/mount/uts namespaces inside the node's network namespace.

import { spawn } from 'node:child_process'
import { openSync, closeSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { nodeCgroup } from './cgroups.ts'
import { initScriptPath, type LabSettings, type NodePlan } from './config.ts'
import { waitFor } from './run.ts'

export const localDockerSocket = (plan: NodePlan): string => join(plan.dir, 'run', 'docker.sock')

/** Boots the node: its init joins the node's cgroup first, so everything it starts is tracked. */
export function bootNode(settings: LabSettings, plan: NodePlan): void {
  const cgroup = nodeCgroup(plan.name)
  cgroup.ensure()
  const logFd = openSync(join(plan.dir, 'log', 'init.log'), 'a')
  const argv = [
    'unshare', '--mount', '--uts', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private',
    'nsenter', `--net=/run/netns/${plan.netns}`,
    initScriptPath(settings), 'boot', plan.name, plan.dir,
  ]
  // `exec "$@"` keeps the joined process the one that becomes unshare: no quoting of argv needed.
  const child = spawn('bash', ['-c', 'echo $$ > "$0" && exec "$@"', cgroup.procsFile, ...argv], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  })
  child.unref()
  closeSync(logFd)
}

/** Runs a node-init.sh action inside a running node's namespaces (and cgroup). */
export function runInNode(settings: LabSettings, plan: NodePlan, action: 'start-docker' | 'start-sshd'): Promise<void> {
  const init = findInitPid(plan.name)
  if (init === undefined) throw new Error(`${plan.name} is powered off`)
  const cgroup = nodeCgroup(plan.name)
  const argv = ['nsenter', '-t', String(init), '-m', '-u', '-p', '-n', initScriptPath(settings), action, plan.name, plan.dir]
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', 'echo $$ > "$0" && exec "$@"', cgroup.procsFile, ...argv], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${action} on ${plan.name}: exit ${code}`))))
  })
}

/** The host pid of the node's PID 1, or undefined when the node is not running. */
export function findInitPid(nodeName: string): number | undefined {
  for (const pid of nodeCgroup(nodeName).ownPids()) {
    try {
      const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]?.split(/\s+/)
      if (nspid && nspid.length >= 2 && nspid[nspid.length - 1] === '1') return pid
    } catch {
      // exited while we looked
    }
  }
  return undefined
}

/** Pid of a process in the node (by namespace-local pidfile), translated to a host pid. */
export function findNodeProcess(plan: NodePlan, pidFile: string): number | undefined {
  let inner: string
  try {
    inner = readFileSync(join(plan.dir, 'run', pidFile), 'utf8').trim()
  } catch {
    return undefined
  }
  for (const pid of nodeCgroup(plan.name).ownPids()) {
    try {
      const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]?.split(/\s+/)
      if (nspid && nspid.length >= 2 && nspid[nspid.length - 1] === inner) return pid
    } catch {
      // exited while we looked
    }
  }
  return undefined
}

/** True when an SSH server at host:port sends its banner: more than the kernel accepting the connection. */
export function sshAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('data', (chunk: Buffer) => done(chunk.toString('latin1').startsWith('SSH-')))
    socket.once('error', () => done(false))
  })
}

export function dockerAnswers(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}

export async function waitNodeReady(plan: NodePlan, timeoutMs = 30_000): Promise<void> {
  await waitFor(`sshd on ${plan.name} (${plan.address}:22)`, () => sshAnswers(plan.address, 22), timeoutMs)
  await waitFor(`dockerd on ${plan.name}`, () => dockerAnswers(localDockerSocket(plan)), timeoutMs)
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // already gone
  }
}

/** Power loss: SIGKILL to the node's PID 1 makes the kernel kill its whole pid namespace. */
export async function killNode(nodeName: string): Promise<void> {
  const cgroup = nodeCgroup(nodeName)
  cgroup.thaw()
  const init = findInitPid(nodeName)
  if (init !== undefined) signal(init, 'SIGKILL')
  // Also whatever joined the node's cgroup without being in its pid namespace.
  await waitFor(`${nodeName} to power off`, () => {
    for (const pid of cgroup.pids()) signal(pid, 'SIGKILL')
    return cgroup.pids().length === 0
  }, 10_000)
}

/** Clean shutdown: init stops dockerd (and so the containers) and sshd; power loss if it hangs. */
export async function shutdownNode(nodeName: string, graceMs = 15_000): Promise<void> {
  const cgroup = nodeCgroup(nodeName)
  cgroup.thaw()
  const init = findInitPid(nodeName)
  if (init !== undefined) {
    signal(init, 'SIGTERM')
    try {
      await waitFor(`${nodeName} to shut down`, () => findInitPid(nodeName) === undefined, graceMs, 100)
    } catch {
      // fall through to power loss
    }
  }
  await killNode(nodeName)
}
