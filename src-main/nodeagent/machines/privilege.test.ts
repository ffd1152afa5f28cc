import { describe, expect, it } from 'vitest'
import type { ExecResult } from '../ssh/exec.ts'
import { detectPrivilege } from './privilege.ts'

const result = (code: number, stdout = '', stderr = ''): ExecResult => ({ code, signal: null, stdout, stderr })

function shell(answers: Record<string, ExecResult>) {
  const ran: string[] = []
  const exec = async (argv: readonly string[]) => {
    ran.push(argv.join(' '))
    return answers[argv.join(' ')] ?? result(127, '', 'not found')
  }
  return { exec, ran }
}

describe('detectPrivilege', () => {
  it('is root for uid 0, without asking sudo', async () => {
    const { exec, ran } = shell({ 'id -u': result(0, '0\n') })
    expect(await detectPrivilege(exec, 1000)).toBe('root')
    expect(ran).toEqual(['id -u'])
  })

  it('is sudo when sudo works without a password', async () => {
    const { exec, ran } = shell({ 'id -u': result(0, '1000\n'), 'sudo -n true': result(0) })
    expect(await detectPrivilege(exec, 1000)).toBe('sudo')
    expect(ran).toEqual(['id -u', 'sudo -n true'])
  })

  it('is none when sudo wants a password or is missing', async () => {
    expect(await detectPrivilege(shell({ 'id -u': result(0, '1000\n'), 'sudo -n true': result(1, '', 'sudo: a password is required') }).exec, 1000)).toBe('none')
    expect(await detectPrivilege(shell({ 'id -u': result(0, '1000\n') }).exec, 1000)).toBe('none')
  })

  it('fails when it cannot tell', async () => {
    await expect(detectPrivilege(shell({ 'id -u': result(1, '', 'id: broken') }).exec, 1000)).rejects.toThrow('`id -u` failed (exit 1): id: broken')
  })
})
