import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { quoteArg, shellQuote } from './shell.ts'

describe('shellQuote', () => {
  it.each([
    [['docker', 'ps'], 'docker ps'],
    [['ip', 'route', 'replace', '10.244.2.0/24', 'via', '10.77.0.12'], 'ip route replace 10.244.2.0/24 via 10.77.0.12'],
    [['echo', ''], "echo ''"],
    [['echo', 'a b'], "echo 'a b'"],
    [['echo', "it's"], `echo 'it'\\''s'`],
    [['echo', "''"], `echo ''\\'''\\'''`],
    [['echo', '$HOME', '`id`', '$(id)'], "echo '$HOME' '`id`' '$(id)'"],
    [['echo', '*', '?', '[a]', '{a,b}'], "echo '*' '?' '[a]' '{a,b}'"],
    [['echo', '~', '#x', 'a;b', 'a|b', 'a&b', 'a>b', 'a\\b'], "echo '~' '#x' 'a;b' 'a|b' 'a&b' 'a>b' 'a\\b'"],
    [['FOO=bar', 'x'], "'FOO=bar' x"],
    [['--format={{.ID}}'], "'--format={{.ID}}'"],
    [['line1\nline2'], "'line1\nline2'"],
    [['-m', 'comment', '--comment', 'coxswain: service web'], "-m comment --comment 'coxswain: service web'"],
    [['user@host:/path,a+b%c'], 'user@host:/path,a+b%c'],
    [['héllo'], "'héllo'"],
  ])('%j → %s', (argv, expected) => {
    expect(shellQuote(argv)).toBe(expected)
  })

  it('refuses an empty argv and NUL bytes', () => {
    expect(() => shellQuote([])).toThrow(/empty argv/)
    expect(() => quoteArg('a\0b')).toThrow(/NUL byte/)
  })

  it('round-trips through a real POSIX shell exactly', () => {
    const argv = ['', ' ', "'", '"', '\\', '$x', '`x`', '$(x)', '*', '~', '#', 'a\nb', '\t', '!', 'é', '=x', 'a=b', "'\\''"]
    const script = `for a in ${shellQuote(argv)}; do printf '%s\\0' "$a"; done`
    const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { x: 'EXPANDED' } })
    expect(out.split('\0').slice(0, -1)).toEqual(argv)
  })
})
