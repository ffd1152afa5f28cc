// The cluster DNS image, made from what this machine already has: the Node runtime running the
// control plane (with the shared libraries it links), and server.ts + wire.ts. There is no registry
// to pull from; the image is imported into a node's Docker engine over its connection the first
// time the node needs it (about 130 MB, once per node and version). Linux x86-64/arm64 control
// planes only: elsewhere a node without the image reports that cluster DNS is unavailable.

import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import type { Readable } from 'node:stream'

const run = promisify(execFile)
const SOURCES = ['server.ts', 'wire.ts']
/** Where the built app carries the server's sources: out/main/dns-server (electron.vite.config.ts copies them). */
export const BUNDLED_DNS_SOURCES = 'dns-server'

/**
 * The folder holding server.ts and wire.ts: beside this module when run from the sources, or the
 * copy the build puts next to the bundle (this module then lives in out/main or out/main/chunks).
 */
export function dnsSourceDir(moduleDir: string, exists: (path: string) => boolean = existsSync): string {
  const candidates = [moduleDir, join(moduleDir, BUNDLED_DNS_SOURCES), join(moduleDir, '..', BUNDLED_DNS_SOURCES)]
  const found = candidates.find((dir) => SOURCES.every((f) => exists(join(dir, f))))
  if (!found) throw new Error(`the cluster DNS server's sources (${SOURCES.join(', ')}) are missing; looked in ${candidates.join(', ')}`)
  return found
}

let sourceDir: string | undefined
const sources = (): string => (sourceDir ??= dnsSourceDir(import.meta.dirname))

export const DNS_IMAGE_REPO = 'coxswain/cluster-dns'

/** The image's tag follows its content, so a changed server is a new image. */
export function dnsImageTag(): string {
  const hash = createHash('sha256')
  for (const f of SOURCES) hash.update(readFileSync(join(sources(), f)))
  hash.update(process.version)
  return hash.digest('hex').slice(0, 12)
}

export const dnsImage = (): string => `${DNS_IMAGE_REPO}:${dnsImageTag()}`

/** The shared objects `ldd` lists for `binary` (absolute paths). */
export function parseLdd(output: string): string[] {
  const paths: string[] = []
  for (const line of output.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line)
    if (m?.[1]) paths.push(m[1])
  }
  return [...new Set(paths)]
}

/** `docker import` changes: how the container starts. */
export const DNS_IMAGE_CHANGES = ['ENV COXSWAIN_DNS_SERVER=1', 'ENTRYPOINT ["/node", "/app/server.ts"]', 'CMD ["/data/records.json", "10053"]']

let building: Promise<string> | null = null

/**
 * A root file system tarball for the image: one per image tag in the temp dir, shared by every
 * process of this version (a control plane restarts often; a tarball per start would pile up
 * 130 MB each). Built in a private folder and renamed into place, so a reader never sees half.
 */
export function dnsImageTarball(): Promise<string> {
  building ??= (async () => {
    if (process.platform !== 'linux') throw new Error(`the cluster DNS image is built from this machine's Node runtime, which needs Linux (this is ${process.platform})`)
    const tarball = join(tmpdir(), `coxswain-dns-image-${dnsImageTag()}.tar`)
    if (existsSync(tarball)) return tarball
    const root = mkdtempSync(join(tmpdir(), 'coxswain-dns-image-'))
    try {
      const staging = join(root, 'rootfs')
      mkdirSync(join(staging, 'app'), { recursive: true })
      mkdirSync(join(staging, 'data'), { recursive: true })
      mkdirSync(join(staging, 'tmp'), { recursive: true })
      copyFileSync(process.execPath, join(staging, 'node'))
      for (const f of SOURCES) copyFileSync(join(sources(), f), join(staging, 'app', f))
      const { stdout } = await run('ldd', [process.execPath])
      for (const lib of parseLdd(stdout)) {
        mkdirSync(join(staging, dirname(lib)), { recursive: true })
        copyFileSync(lib, join(staging, lib))
      }
      const built = join(root, 'rootfs.tar')
      await run('tar', ['-C', staging, '-cf', built, '.'])
      renameSync(built, tarball)
      return tarball
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })()
  building.catch(() => {
    building = null
  })
  return building
}

export function openTarball(path: string): Readable {
  return createReadStream(path)
}
