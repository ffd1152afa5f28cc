import { describe, expect, it } from 'vitest'
import { ensureJumpsScript, jumpsPresent, parseState, readStateScript, SECTION } from './node-script.ts'

const NAT_OK = [
  '*nat',
  '-A PREROUTING -m comment --comment "coxswain service portals" -j COXSWAIN-SERVICES',
  '-A OUTPUT -m comment --comment "coxswain service portals" -j COXSWAIN-SERVICES',
  '-A POSTROUTING -m comment --comment "coxswain postrouting" -j COXSWAIN-POSTROUTING',
  '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
].join('\n')
const FILTER_OK = [
  '*filter',
  '-A DOCKER-USER -m comment --comment "coxswain services without endpoints" -j COXSWAIN-REJECT',
  '-A DOCKER-USER -m comment --comment "coxswain pod network" -j COXSWAIN-FORWARD',
  '-A OUTPUT -m comment --comment "coxswain services without endpoints" -j COXSWAIN-REJECT',
  '-A INPUT -m comment --comment "coxswain services without endpoints" -j COXSWAIN-REJECT',
].join('\n')

describe('node scripts', () => {
  it('reads routes and both tables in one command', () => {
    expect(readStateScript('/var/lib/coxswain/dns')).toBe(
      `ip -4 -o route show && echo '${SECTION}' && iptables-save -t nat && echo '${SECTION}' && iptables-save -t filter && echo '${SECTION}' && { cat /var/lib/coxswain/dns/records.json 2>/dev/null || true; }`,
    )
    expect(parseState(`r1\n${SECTION}\n*nat\n${SECTION}\n*filter\n${SECTION}\n{}\n`)).toEqual({ routes: 'r1\n', nat: '*nat\n', filter: '*filter\n', dnsTable: '{}\n' })
  })

  it('inserts missing jumps and moves the POSTROUTING one to the top', () => {
    const script = ensureJumpsScript()
    expect(script).toContain("{ iptables -w -t nat -C PREROUTING -m comment --comment 'coxswain service portals' -j COXSWAIN-SERVICES 2>/dev/null || iptables -w -t nat -I PREROUTING 1 -m comment --comment 'coxswain service portals' -j COXSWAIN-SERVICES; }")
    expect(script).toContain(
      "{ while iptables -w -t nat -D POSTROUTING -m comment --comment 'coxswain postrouting' -j COXSWAIN-POSTROUTING 2>/dev/null; do :; done; iptables -w -t nat -I POSTROUTING 1 -m comment --comment 'coxswain postrouting' -j COXSWAIN-POSTROUTING; }",
    )
    expect(script.startsWith("sysctl -q -w 'net.ipv4.ip_forward=1' && ")).toBe(true)
  })

  it.each([
    ['all in place', NAT_OK, FILTER_OK, true],
    ['a jump missing', NAT_OK, FILTER_OK.replace(/.*-A INPUT.*\n?/, ''), false],
    ['a MASQUERADE before ours', NAT_OK.replace('-A POSTROUTING -m comment', '-A POSTROUTING -s 10.244.1.0/24 -j MASQUERADE\n-A POSTROUTING -m comment'), FILTER_OK, false],
    ['nothing (a rebooted node)', '*nat', '*filter', false],
  ])('judges the jumps: %s', (_, nat, filter, ok) => {
    expect(jumpsPresent(nat, filter)).toBe(ok)
  })
})
