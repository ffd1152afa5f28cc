// The host keys we trust, one per `host:port`, kept in a small JSON file that only the user can
// read (mode 0600) and that is replaced atomically, so a crash never leaves half a trust store.

import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { fingerprintOf, keyTypeOf } from './host-key.ts'

export interface PinnedHostKey {
  keyType: string
  fingerprint: string
  /** The key blob, base64 (the middle field of an OpenSSH public key line). */
  publicKey: string
  pinnedAt: string
}

interface PinnedHostKeysFile {
  version: 1
  hosts: Record<string, PinnedHostKey>
}

/** The store's key for an endpoint: `host:port`, IPv6 literals in brackets. */
export function hostPortKey(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

export class PinnedHostKeys {
  readonly path: string
  readonly #hosts: Map<string, PinnedHostKey>

  /** Loads `path` (missing means empty). A corrupt file throws: dropping pins silently would be unsafe. */
  constructor(path: string) {
    this.path = path
    this.#hosts = new Map(Object.entries(readStore(path).hosts))
  }

  get(hostPort: string): PinnedHostKey | undefined {
    return this.#hosts.get(hostPort)
  }

  list(): ReadonlyMap<string, PinnedHostKey> {
    return this.#hosts
  }

  /** Trusts `keyBlob` for `hostPort` from now on, replacing any earlier pin. */
  pin(hostPort: string, keyBlob: Buffer, now = new Date()): PinnedHostKey {
    const pinned: PinnedHostKey = {
      keyType: keyTypeOf(keyBlob),
      fingerprint: fingerprintOf(keyBlob),
      publicKey: keyBlob.toString('base64'),
      pinnedAt: now.toISOString(),
    }
    this.#hosts.set(hostPort, pinned)
    this.#save()
    return pinned
  }

  /** Forgets the pin for `hostPort` (how a person re-trusts a machine whose key changed). */
  forget(hostPort: string): boolean {
    const existed = this.#hosts.delete(hostPort)
    if (existed) this.#save()
    return existed
  }

  #save(): void {
    const file: PinnedHostKeysFile = { version: 1, hosts: Object.fromEntries(this.#hosts) }
    writeFileAtomic(this.path, JSON.stringify(file, null, 2) + '\n')
  }
}

function readStore(path: string): PinnedHostKeysFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, hosts: {} }
    throw new Error(`read pinned host keys ${path}: ${(cause as Error).message}`, { cause })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw new Error(`pinned host keys ${path} is not valid JSON; fix or remove it`, { cause })
  }
  const file = parsed as Partial<PinnedHostKeysFile>
  if (file.version !== 1 || typeof file.hosts !== 'object' || file.hosts === null) {
    throw new Error(`pinned host keys ${path} has an unknown format (expected version 1)`)
  }
  return file as PinnedHostKeysFile
}

/** Writes a private file by writing a sibling, syncing it to disk, then renaming it over `path`. */
function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  const fd = openSync(temporary, 'wx', 0o600)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    rmSync(temporary, { force: true })
    throw error
  }
  closeSync(fd)
  try {
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
}
