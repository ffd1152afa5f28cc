// Where a secret lives at rest. Today a file only the user can read (0600 in a 0700 directory);
// in Electron an implementation that encrypts with safeStorage (the OS keychain) slots in behind
// the same interface, so nothing that uses a secret knows how it is kept.

import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { createPrivateFileExclusive, ensurePrivateDir, ensurePrivateFile } from '../util/private-fs.ts'

export interface SecretFile {
  /** Where the secret is kept, for messages. */
  readonly path: string
  /** The secret, or null when none has been stored yet. */
  read(): Buffer | null
  /**
   * Stores `secret` unless one exists already; returns false when another process (or an earlier
   * run) got there first, so two starts racing on one data dir agree on one secret.
   */
  createExclusive(secret: Buffer): boolean
}

/** A secret in a plain file: mode 0600, in a directory of mode 0700 (both tightened if looser). */
export class PlainSecretFile implements SecretFile {
  readonly path: string
  /** Called when a mode had to be tightened, to say so. */
  readonly #onTightened: ((what: string) => void) | undefined

  constructor(path: string, onTightened?: (what: string) => void) {
    this.path = path
    this.#onTightened = onTightened
  }

  read(): Buffer | null {
    if (!existsSync(this.path)) return null
    if (ensurePrivateFile(this.path)) this.#onTightened?.(this.path)
    return readFileSync(this.path)
  }

  createExclusive(secret: Buffer): boolean {
    if (ensurePrivateDir(dirname(this.path))) this.#onTightened?.(dirname(this.path))
    return createPrivateFileExclusive(this.path, secret.toString('utf8'))
  }
}
