// The cluster DNS on one node: its table on the node's disk (written atomically over SSH) and its
// container (host network, restart always, so it outlives the control plane and comes back with
// the node), made from the DNS image, imported first when the node lacks it.

import type Docker from 'dockerode'
import { shellQuote } from '../../util/shell.ts'
import { DNS_IMAGE_CHANGES, DNS_IMAGE_REPO, dnsImageTag, dnsImageTarball, openTarball } from './image.ts'

/** Where a node keeps its DNS table by default (one node per machine). */
export const DEFAULT_DNS_DIR = '/var/lib/coxswain/dns'
export const DNS_TABLE_NAME = 'records.json'
export const DNS_CONTAINER = 'coxswain-cluster-dns'
/** Where the DNS container listens on the node; the cluster DNS IP's port 53 is DNATed here. */
export const DNS_PORT = 10053

/** Writes the table in place atomically (a rename in the directory the container mounts). */
export function writeTableScript(dir: string): string {
  // The temporary name carries the shell's PID ($$, outside the quotes): two writers never share it.
  const tmp = `${shellQuote([`${dir}/.${DNS_TABLE_NAME}.`])}$$`
  return [shellQuote(['mkdir', '-p', dir]), `${shellQuote(['cat'])} > ${tmp}`, `${shellQuote(['mv', '-f'])} ${tmp} ${shellQuote([`${dir}/${DNS_TABLE_NAME}`])}`].join(' && ')
}

export function readTableScript(dir: string): string {
  return `{ ${shellQuote(['cat', `${dir}/${DNS_TABLE_NAME}`])} 2>/dev/null || true; }`
}

export function dnsContainerSpec(image: string, dir: string): Docker.ContainerCreateOptions {
  return {
    name: DNS_CONTAINER,
    Image: image,
    Cmd: [`/data/${DNS_TABLE_NAME}`, String(DNS_PORT)],
    // Not io.coxswain.managed: that label marks pod containers, which pod sync adopts or removes.
    Labels: { 'io.coxswain.component': 'cluster-dns' },
    HostConfig: {
      NetworkMode: 'host',
      RestartPolicy: { Name: 'always' },
      Binds: [`${dir}:/data:ro`],
      Memory: 128 * 1024 * 1024,
    },
  }
}

/** Makes sure the node runs the current DNS container over `dir`; imports the image when missing. */
export async function ensureDnsContainer(docker: Docker, dir: string): Promise<void> {
  const image = `${DNS_IMAGE_REPO}:${dnsImageTag()}`
  const existing = await docker
    .getContainer(DNS_CONTAINER)
    .inspect()
    .catch(() => null)
  const sameDir = existing?.HostConfig.Binds?.includes(`${dir}:/data:ro`) ?? false
  if (existing && existing.Config.Image === image && sameDir) {
    if (!existing.State.Running) await docker.getContainer(DNS_CONTAINER).start()
    return
  }
  const hasImage = await docker
    .getImage(image)
    .inspect()
    .then(() => true)
    .catch(() => false)
  if (!hasImage) {
    const tarball = await dnsImageTarball()
    const [repo, tag] = image.split(':')
    const output = (await docker.importImage(openTarball(tarball) as unknown as string, { repo, tag, changes: DNS_IMAGE_CHANGES } as object)) as unknown as NodeJS.ReadableStream
    await new Promise<void>((resolve, reject) => {
      output.on('error', reject)
      output.on('end', () => resolve())
      output.resume()
    })
  }
  if (existing) await docker.getContainer(DNS_CONTAINER).remove({ force: true })
  await docker.createContainer(dnsContainerSpec(image, dir))
  await docker.getContainer(DNS_CONTAINER).start()
}

/** Removes the node's DNS container (the node leaves the cluster); absent is fine. */
export async function removeDnsContainer(docker: Docker): Promise<void> {
  await docker
    .getContainer(DNS_CONTAINER)
    .remove({ force: true })
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 404) throw err
    })
}
