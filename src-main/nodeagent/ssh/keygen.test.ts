import ssh2 from 'ssh2'
import { describe, expect, it } from 'vitest'
import { generateEd25519KeyPair } from './keygen.ts'

describe('generateEd25519KeyPair', () => {
  it('only ever returns keys that parse, with a 32-byte public key (ssh2 alone fails ~1 in 250)', () => {
    for (let i = 0; i < 1000; i++) {
      const pair = generateEd25519KeyPair('test@coxswain')
      const parsed = ssh2.utils.parseKey(pair.public)
      if (parsed instanceof Error || Array.isArray(parsed)) throw new Error(`unparsable key ${pair.public}`)
      // The wire blob: string "ssh-ed25519" (4 + 11 bytes) then the key (4 + 32 bytes).
      expect(parsed.getPublicSSH().length).toBe(51)
      expect(pair.public.endsWith(' test@coxswain')).toBe(true)
    }
  })
})
