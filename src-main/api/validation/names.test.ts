import { describe, expect, it } from 'vitest'
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isIP,
  isIPv6,
  isLabelValue,
  isQualifiedName,
  isValidCIDR,
  isValidPortName,
  isValidPercent,
  nameIsDNSSubdomain,
} from './names.ts'

describe('name syntax', () => {
  it.each([
    [isDNS1123Label, ['a', 'web-1', '1abc', 'a'.repeat(63)], ['', 'Web', 'a.b', '-a', 'a-', 'a'.repeat(64), 'a_b']],
    [isDNS1123Subdomain, ['example.com', 'a', 'web-1.shop', 'a'.repeat(253)], ['', 'Example.com', 'a..b', '.a', 'a_b', 'a'.repeat(254)]],
    [isDNS1035Label, ['web', 'web-1'], ['1web', 'Web', 'web.1', '']],
    [isQualifiedName, ['app', 'App.Name_1', 'example.com/app', 'k8s.io/x'], ['', '/app', 'a/b/c', 'Example.com/app', '-app', 'a'.repeat(64)]],
    [isLabelValue, ['', 'web', 'My_Value-1.2'], ['a b', '-a', 'a'.repeat(64)]],
    [isValidPortName, ['http', 'http-alt', 'h2c'], ['HTTP', 'http--alt', '-http', '123', 'averyveryverylongname']],
    [isValidPercent, ['0%', '25%', '150%'], ['25', '25.5%', '%']],
    [isConfigMapKey, ['app.properties', '.env', 'KEY_1'], ['a b', '.', '..', '..a', '']],
    [isEnvVarName, ['PATH', 'my.var-1', '1ABC'], ['', 'A=B', 'tab\t']],
  ])('%o', (check, good, bad) => {
    for (const v of good) expect(check(v), JSON.stringify(v)).toEqual([])
    for (const v of bad) expect(check(v).length, JSON.stringify(v)).toBeGreaterThan(0)
  })

  it('says "must not contain dots" for a subdomain where a label is needed', () => {
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots'])
  })

  it('masks the trailing dash of a generateName prefix', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([])
    expect(nameIsDNSSubdomain('web-', false).length).toBe(1)
  })

  it.each([
    ['10.0.0.1', true],
    ['255.255.255.255', true],
    ['256.1.1.1', false],
    ['01.1.1.1', false],
    ['::1', true],
    ['2001:db8::ffff', true],
    ['2001:db8::1::2', false],
    ['::ffff:10.0.0.1', true],
    ['fe80:0:0:0:0:0:0:1', true],
    ['1:2:3:4:5:6:7', false],
    ['abc', false],
  ])('isIP(%j) is %s', (ip, ok) => {
    expect(isIP(ip)).toBe(ok)
  })

  it('checks CIDRs', () => {
    expect(isValidCIDR('10.244.0.0/16')).toEqual([])
    expect(isValidCIDR('fd00::/64')).toEqual([])
    expect(isValidCIDR('10.244.0.0')).not.toEqual([])
    expect(isIPv6('10.0.0.1')).toBe(false)
  })
})
