// Each lab node lives in its own cgroup subtree: its init, sshd and dockerd in the node's
// cgroup, its containers below it (dockerd's `cgroup-parent`). That subtree is how the lab
// finds every process of a node, freezes a node, and proves teardown left nothing running.
// Works on cgroup v2 and on v1/hybrid hosts (tracked through the freezer hierarchy).

import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LAB_TAG } from './config.ts'

const CGROUP_ROOT = '/sys/fs/cgroup'
const isV2 = (): boolean => existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))

/** The lab's cgroup in the hierarchy used for tracking and freezing. */
function trackingRoot(): string {
  return isV2() ? join(CGROUP_ROOT, LAB_TAG) : join(CGROUP_ROOT, 'freezer', LAB_TAG)
}

function subdirs(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(path, entry.name))
  } catch {
    return []
  }
}

function readPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number)
  } catch {
    return []
  }
}

function treePids(dir: string): number[] {
  return [...readPids(dir), ...subdirs(dir).flatMap(treePids)]
}

export interface NodeCgroup {
  /** Value for dockerd's `cgroup-parent`: containers go below the node. */
  readonly dockerParent: string
  /** Writing a pid here makes that process (and its future children) part of the node. */
  readonly procsFile: string
  ensure(): void
  /** Every process of the node, containers included. */
  pids(): number[]
  /** Processes in the node's own cgroup (init, sshd, dockerd, shims), not in its containers. */
  ownPids(): number[]
  freeze(): void
  thaw(): void
  frozen(): boolean
}

export function nodeCgroup(nodeName: string): NodeCgroup {
  const root = trackingRoot()
  // On v2 a cgroup with children may hold no processes, so the node's own processes sit in a
  // leaf `init` and containers in a sibling subtree; v1 has no such rule.
  const nodeDir = join(root, nodeName)
  const ownDir = isV2() ? join(nodeDir, 'init') : nodeDir
  const dockerParent = isV2() ? `/${LAB_TAG}/${nodeName}/containers` : `/${LAB_TAG}/${nodeName}`
  return {
    dockerParent,
    procsFile: join(ownDir, 'cgroup.procs'),
    ensure: () => mkdirSync(ownDir, { recursive: true }),
    pids: () => treePids(nodeDir),
    ownPids: () => readPids(ownDir),
    freeze: () => writeFreeze(nodeDir, true),
    thaw: () => writeFreeze(nodeDir, false),
    frozen: () => isFrozen(nodeDir),
  }
}

function writeFreeze(dir: string, freeze: boolean): void {
  if (!existsSync(dir)) return
  if (isV2()) writeFileSync(join(dir, 'cgroup.freeze'), freeze ? '1' : '0')
  else writeFileSync(join(dir, 'freezer.state'), freeze ? 'FROZEN' : 'THAWED')
}

function isFrozen(dir: string): boolean {
  try {
    if (isV2()) return /frozen 1/.test(readFileSync(join(dir, 'cgroup.events'), 'utf8'))
    return readFileSync(join(dir, 'freezer.state'), 'utf8').trim() === 'FROZEN'
  } catch {
    return false
  }
}

/** Names of the nodes that have a cgroup, whatever run created them. */
export function labCgroupNodes(): string[] {
  return subdirs(trackingRoot()).map((dir) => dir.slice(dir.lastIndexOf('/') + 1))
}

/** Thaws every lab cgroup, so that processes in them can receive signals and die. */
export function thawAll(): void {
  for (const name of labCgroupNodes()) nodeCgroup(name).thaw()
}

/**
 * Removes the lab's cgroups in every hierarchy (dockerd creates container cgroups in each v1
 * controller). Returns the directories that could not be removed: still in use.
 */
export function removeLabCgroups(): string[] {
  const roots = isV2() ? [join(CGROUP_ROOT, LAB_TAG)] : subdirs(CGROUP_ROOT).map((h) => join(h, LAB_TAG))
  const left: string[] = []
  const removeTree = (dir: string): void => {
    for (const child of subdirs(dir)) removeTree(child)
    try {
      rmdirSync(dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') left.push(dir)
    }
  }
  for (const root of roots) if (existsSync(root)) removeTree(root)
  return left
}
