import { describe, expect, it } from 'vitest'
import { nextFreeSubnet } from './cidr-allocator.ts'

describe('nextFreeSubnet', () => {
  it.each([
    ['the first /24 of an empty cluster CIDR', [], '10.244.0.0/24'],
    ['the lowest gap left by a deleted node', ['10.244.0.0/24', '10.244.2.0/24'], '10.244.1.0/24'],
    ['past the subnets in use', ['10.244.0.0/24', '10.244.1.0/24'], '10.244.2.0/24'],
    ['around a larger block someone assigned by hand', ['10.244.0.0/23'], '10.244.2.0/24'],
    ['ignoring subnets outside the cluster CIDR and IPv6 ones', ['192.168.0.0/24', 'fd00::/64', 'junk'], '10.244.0.0/24'],
  ])('gives %s', (_what, used, expected) => {
    expect(nextFreeSubnet('10.244.0.0/16', 24, used)).toBe(expected)
  })

  it('answers null when the cluster CIDR is full', () => {
    const used = Array.from({ length: 4 }, (_, i) => `10.244.0.${i * 64}/26`)
    expect(nextFreeSubnet('10.244.0.0/24', 26, used)).toBeNull()
  })

  it('refuses a node mask that does not fit the cluster CIDR', () => {
    expect(() => nextFreeSubnet('10.244.0.0/16', 8, [])).toThrow(/between 16 and 30/)
  })
})
