// `serve --lab`: the nodes a running lab publishes in .lab/nodes.json become Machines (KeyFile
// auth with the lab's key, the expected host key from the file), created or brought up to date.

import type { PodSyncOptions } from '../podsync/pod-sync.ts'
import { readFileSync } from 'node:fs'
import type { LabFile } from '../../../scripts/lab/lab-file.ts'
import type { Machine } from '../../api/index.ts'
import { ApiError } from '../../apiserver/errors.ts'
import type { ApiServerVerbs, RequestContext } from '../../apiserver/types.ts'
import { MACHINES } from './machine-controller.ts'

/** The Machines for a lab's nodes. */
export function labMachines(lab: LabFile): Machine[] {
  return lab.nodes.map((node) => ({
    apiVersion: 'coxswain.dev/v1alpha1',
    kind: 'Machine',
    metadata: { name: node.name, labels: { 'coxswain.dev/lab': 'true' } },
    spec: {
      address: node.address,
      port: node.sshPort,
      user: lab.user,
      auth: { type: 'KeyFile', path: lab.keyPath },
      hostKeyFingerprint: node.hostKeyFingerprint,
      dockerSocket: node.dockerSocket,
    },
  }))
}

/** Reads a lab's nodes.json; the message says how to bring a lab up. */
export function readLabMachines(path: string): Machine[] {
  return labMachines(readLab(path))
}

/**
 * How pods run on lab nodes: there is no registry, so the infra container of multi-container pods
 * is the lab's own busybox image sleeping, not the pause image.
 */
export function readLabPodSyncOptions(path: string): PodSyncOptions {
  return { infraImage: readLab(path).image, infraCommand: ['sleep', '2147483647'] }
}

function readLab(path: string): LabFile {
  let lab: LabFile
  try {
    lab = JSON.parse(readFileSync(path, 'utf8')) as LabFile
  } catch (cause) {
    throw new Error(`no lab found at ${path}: run \`npm run lab:up\` as root first (${(cause as Error).message})`, { cause })
  }
  if (lab.version !== 1 || !Array.isArray(lab.nodes) || typeof lab.user !== 'string' || typeof lab.keyPath !== 'string') {
    throw new Error(`${path} is not a lab file (version 1 with user, keyPath and nodes)`)
  }
  return lab
}

/** Creates each Machine, or replaces the spec of one that exists. Returns the names. */
export async function applyMachines(api: ApiServerVerbs, machines: readonly Machine[], ctx: RequestContext): Promise<string[]> {
  for (const machine of machines) {
    try {
      await api.create(MACHINES, machine, ctx)
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err
      await api.patch({ ...MACHINES, name: machine.metadata.name }, 'application/merge-patch+json', { metadata: { labels: machine.metadata.labels }, spec: machine.spec }, ctx)
    }
  }
  return machines.map((m) => m.metadata.name ?? '')
}
