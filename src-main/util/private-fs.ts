// Files only the current user may read: the data dir (0700) and the secrets inside it (0600).
// Modes are set explicitly after creation because the umask can only remove bits, and an
// existing directory or file may have been created looser by hand.

import { chmodSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, basename } from 'node:path'
import { randomBytes } from 'node:crypto'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Permission bits of `path` (e.g. 0o600). */
export function modeOf(path: string): number {
  return statSync(path).mode & 0o777
}

/**
 * Creates `dir` (and parents) if missing and makes sure group and others have no access to it.
 * Returns true when the mode had to be tightened, so callers can say so.
 */
export function ensurePrivateDir(dir: string): boolean {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if ((modeOf(dir) & 0o077) === 0) return false
  chmodSync(dir, PRIVATE_DIR_MODE)
  return true
}

/** Makes sure group and others have no access to the file; returns true when it had to be tightened. */
export function ensurePrivateFile(path: string): boolean {
  if ((modeOf(path) & 0o077) === 0) return false
  chmodSync(path, PRIVATE_FILE_MODE)
  return true
}

/**
 * Writes `path` atomically with mode 0600: a reader sees the old content or the new one, never a
 * half-written file, and the content is never briefly readable by others.
 */
export function writePrivateFileAtomic(path: string, content: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  writeFileSync(tmp, content, { mode: PRIVATE_FILE_MODE, flag: 'wx' })
  chmodSync(tmp, PRIVATE_FILE_MODE)
  renameSync(tmp, path)
}

/**
 * Creates `path` with mode 0600 only if it does not exist yet. Returns false when another process
 * (or an earlier run) created it first, so two starts racing on one data dir agree on one file.
 */
export function createPrivateFileExclusive(path: string, content: string): boolean {
  try {
    writeFileSync(path, content, { mode: PRIVATE_FILE_MODE, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
  chmodSync(path, PRIVATE_FILE_MODE)
  return true
}
