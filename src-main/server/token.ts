// The headless server's access tokens: generated once, kept in DATA_DIR/token (admin) and
// DATA_DIR/token-readonly (may read, never write), mode 0600, reused across restarts so a
// bookmarked login URL and an exported kubeconfig keep working.

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createPrivateFileExclusive, ensurePrivateDir, ensurePrivateFile } from '../util/private-fs.ts'
import type { Logger } from '../util/log.ts'

export const TOKEN_FILE = 'token'
export const READONLY_TOKEN_FILE = 'token-readonly'

/** 32 random bytes, base64url: 43 characters, safe in URLs, headers and cookies. */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/

export function generateToken(): string {
  return randomBytes(32).toString('base64url')
}

export function isWellFormedToken(text: string): boolean {
  return tokenPattern.test(text)
}

/**
 * Returns the token in `dataDir/file`, creating the dir (0700) and the token (0600) on first use.
 * A token file readable by others is tightened, not trusted blindly: it is a key to the API.
 */
export function loadOrCreateToken(dataDir: string, log?: Logger, file: string = TOKEN_FILE): string {
  if (ensurePrivateDir(dataDir)) log?.warn('data dir was readable by others; set its mode to 0700', { dataDir })
  const path = join(dataDir, file)
  if (createPrivateFileExclusive(path, generateToken() + '\n')) {
    log?.info('generated a new access token', { path })
  } else if (ensurePrivateFile(path)) {
    log?.warn('access token file was readable by others; set its mode to 0600', { path })
  }
  const token = readFileSync(path, 'utf8').trim()
  if (!isWellFormedToken(token)) {
    throw new Error(`read access token ${path}: not a Coxswain token (43 base64url characters); delete the file to generate a new one`)
  }
  return token
}
