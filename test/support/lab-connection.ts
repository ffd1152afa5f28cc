// How tests and benches reach a lab node over SSH: the lab's client key, and the host key the
// lab published as the expected fingerprint (pinned on first connect).

import type { LabFile, LabNode } from '../../scripts/lab/lab-file.ts'
import type { NodeConnectionOptions } from '../../src-main/nodeagent/ssh/connection.ts'
import type { PinnedHostKeys } from '../../src-main/nodeagent/ssh/pinned-host-keys.ts'
import type { Logger } from '../../src-main/util/log.ts'

export function labConnectionOptions(lab: LabFile, node: LabNode, store: PinnedHostKeys, logger: Logger): NodeConnectionOptions {
  return {
    name: node.name,
    host: node.address,
    port: node.sshPort,
    username: lab.user,
    auth: { kind: 'privateKeyFile', path: lab.keyPath },
    hostKeys: { store, expectedFingerprint: node.hostKeyFingerprint },
    logger,
  }
}
