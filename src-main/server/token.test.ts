import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { READONLY_TOKEN_FILE, TOKEN_FILE, generateToken, isWellFormedToken, loadOrCreateToken } from './token.ts'

const mode = (path: string) => statSync(path).mode & 0o777

describe('loadOrCreateToken', () => {
  let root: string
  let dataDir: string

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'coxswain-token-'))
    dataDir = join(root, 'nested', 'data')
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('creates the data dir 0700 and the token 0600 on first use', () => {
    const token = loadOrCreateToken(dataDir)
    expect(isWellFormedToken(token)).toBe(true)
    expect(mode(dataDir)).toBe(0o700)
    expect(mode(join(dataDir, TOKEN_FILE))).toBe(0o600)
    expect(readFileSync(join(dataDir, TOKEN_FILE), 'utf8').trim()).toBe(token)
  })

  it('reuses the same token across restarts', () => {
    const first = loadOrCreateToken(dataDir)
    expect(loadOrCreateToken(dataDir)).toBe(first)
  })

  it('keeps the read-only token in its own file, with the same care', () => {
    const admin = loadOrCreateToken(dataDir)
    const readOnly = loadOrCreateToken(dataDir, undefined, READONLY_TOKEN_FILE)
    expect(readOnly).not.toBe(admin)
    expect(mode(join(dataDir, READONLY_TOKEN_FILE))).toBe(0o600)
    expect(loadOrCreateToken(dataDir, undefined, READONLY_TOKEN_FILE)).toBe(readOnly)
  })

  it('tightens a token file and data dir that others could read', () => {
    const token = loadOrCreateToken(dataDir)
    chmodSync(join(dataDir, TOKEN_FILE), 0o644)
    chmodSync(dataDir, 0o755)
    expect(loadOrCreateToken(dataDir)).toBe(token)
    expect(mode(join(dataDir, TOKEN_FILE))).toBe(0o600)
    expect(mode(dataDir)).toBe(0o700)
  })

  it('refuses a token file that is not a token, naming the file', () => {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(join(dataDir, TOKEN_FILE), 'hunter2\n', { mode: 0o600 })
    expect(() => loadOrCreateToken(dataDir)).toThrow(join(dataDir, TOKEN_FILE))
  })
})

describe('generateToken', () => {
  it('makes a different well-formed token each time', () => {
    const a = generateToken()
    const b = generateToken()
    expect(isWellFormedToken(a)).toBe(true)
    expect(a).not.toBe(b)
  })
})
