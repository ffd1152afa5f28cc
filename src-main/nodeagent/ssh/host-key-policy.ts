// Which host keys we accept. ssh2 accepts ANY key unless given a hostVerifier, so every connection
// runs its key through `verifyHostKey`: a pinned key must match; an unknown key is refused unless the
// caller vouches for it (an expected fingerprint that matches, or an explicit trust-on-first-use).

import { fingerprintOf, keyTypeOf, normalizeFingerprint } from './host-key.ts'
import type { PinnedHostKeys } from './pinned-host-keys.ts'

/** How to check a machine's key on the host's own console. */
const CHECK_ON_HOST = 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub'

export class HostKeyError extends Error {
  readonly hostPort: string
  /** Fingerprint of the key the machine presented. */
  readonly presented: string
  constructor(message: string, hostPort: string, presented: string) {
    super(message)
    this.hostPort = hostPort
    this.presented = presented
  }
}

/** The machine presented a key other than the one pinned for it. */
export class HostKeyChangedError extends HostKeyError {
  override readonly name = 'HostKeyChangedError'
  /** Fingerprint of the pinned key. */
  readonly expected: string
  constructor(hostPort: string, expected: string, presented: string, storePath: string) {
    super(
      `host key of ${hostPort} has CHANGED: expected ${expected} (pinned), but it presented ${presented}. ` +
        `Someone may be intercepting the connection, or the machine was reinstalled. ` +
        `To trust the new key, check it on the machine (\`${CHECK_ON_HOST}\`), then remove the pin for ` +
        `"${hostPort}" from ${storePath} (or forget the node's host key in Coxswain) and connect again ` +
        `with the new fingerprint.`,
      hostPort,
      presented,
    )
    this.expected = expected
  }
}

/** No key is pinned for the machine and the caller did not vouch for the one it presented. */
export class HostKeyUnknownError extends HostKeyError {
  override readonly name = 'HostKeyUnknownError'
  /** The fingerprint the caller expected, when one was given (and did not match). */
  readonly expected: string | undefined
  constructor(hostPort: string, presented: string, expected?: string) {
    super(
      expected === undefined
        ? `host key of ${hostPort} is not trusted yet: it presented ${presented}. Check that fingerprint on ` +
            `the machine (\`${CHECK_ON_HOST}\`) and connect again expecting it, or choose to trust on first use.`
        : `host key of ${hostPort} does not match: expected ${expected}, but it presented ${presented}. ` +
            `Check the fingerprint on the machine (\`${CHECK_ON_HOST}\`) and connect again expecting the right one.`,
      hostPort,
      presented,
    )
    this.expected = expected
  }
}

export interface HostKeyTrust {
  /** A fingerprint the user got out of band; an unknown key that matches it is accepted and pinned. */
  expectedFingerprint?: string
  /** Accept and pin whatever an unknown machine presents (only when the user chose so). */
  trustOnFirstUse?: boolean
}

export type HostKeyVerdict =
  | { accepted: true; fingerprint: string; keyType: string; newlyPinned: boolean; pinError?: Error }
  | { accepted: false; fingerprint: string; keyType: string; error: HostKeyError }

/**
 * Decides on the key a machine presented. A pin, when present, is authoritative (an expected
 * fingerprint only matters for a machine we have never pinned). Does not throw: a failure to save a
 * new pin still accepts the vouched-for key and reports `pinError`.
 */
export function verifyHostKey(
  store: PinnedHostKeys,
  hostPort: string,
  keyBlob: Buffer,
  trust: HostKeyTrust = {},
): HostKeyVerdict {
  const fingerprint = fingerprintOf(keyBlob)
  const keyType = keyTypeOf(keyBlob)
  const pinned = store.get(hostPort)
  if (pinned) {
    if (pinned.fingerprint === fingerprint) return { accepted: true, fingerprint, keyType, newlyPinned: false }
    return {
      accepted: false,
      fingerprint,
      keyType,
      error: new HostKeyChangedError(hostPort, pinned.fingerprint, fingerprint, store.path),
    }
  }
  const expected = trust.expectedFingerprint === undefined ? undefined : normalizeFingerprint(trust.expectedFingerprint)
  if (expected === fingerprint || (expected === undefined && trust.trustOnFirstUse === true)) {
    try {
      store.pin(hostPort, keyBlob)
      return { accepted: true, fingerprint, keyType, newlyPinned: true }
    } catch (error) {
      return { accepted: true, fingerprint, keyType, newlyPinned: false, pinError: error as Error }
    }
  }
  return { accepted: false, fingerprint, keyType, error: new HostKeyUnknownError(hostPort, fingerprint, expected) }
}
