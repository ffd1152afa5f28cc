// What the SSH user may do on a machine. Network features (pod routes, service rules) change
// kernel state and need root or passwordless sudo; a machine without either still runs pods.

import type { MachinePrivilege } from '../../api/index.ts'
import type { ExecOptions, ExecResult } from '../ssh/exec.ts'

export type Exec = (argv: readonly string[], options: ExecOptions) => Promise<ExecResult>

export const UID_COMMAND = ['id', '-u'] as const
/** `-n`: fail instead of asking for a password. */
export const SUDO_COMMAND = ['sudo', '-n', 'true'] as const

/** root when the user's uid is 0, sudo when `sudo -n true` succeeds, else none. Throws if the commands cannot run at all. */
export async function detectPrivilege(exec: Exec, timeoutMs: number): Promise<MachinePrivilege> {
  const uid = await exec(UID_COMMAND, { timeoutMs })
  if (uid.code === 0 && uid.stdout.trim() === '0') return 'root'
  if (uid.code !== 0) throw new Error(`\`id -u\` failed (exit ${uid.code ?? uid.signal}): ${uid.stderr.trim()}`)
  const sudo = await exec(SUDO_COMMAND, { timeoutMs })
  return sudo.code === 0 ? 'sudo' : 'none'
}
