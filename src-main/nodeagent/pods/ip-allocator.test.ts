import { describe, expect, it } from 'vitest'
import { allocatePodIP, cidrContains, cidrGateway, formatIPv4, parseCidr, parseIPv4 } from './ip-allocator.ts'

describe('pod IP allocation', () => {
  it.each([
    ['first free after the gateway', '10.244.1.0/24', [], {}, '10.244.1.2'],
    ['skips addresses in use', '10.244.1.0/24', ['10.244.1.2', '10.244.1.3'], {}, '10.244.1.4'],
    ['fills a hole', '10.244.1.0/24', ['10.244.1.2', '10.244.1.4'], {}, '10.244.1.3'],
    ['continues after the last one handed out', '10.244.1.0/24', ['10.244.1.2'], { after: '10.244.1.9' }, '10.244.1.10'],
    ['wraps after the top of the range', '10.244.1.0/24', [], { after: '10.244.1.254' }, '10.244.1.2'],
    ['wraps past addresses in use', '10.244.1.0/24', ['10.244.1.254', '10.244.1.2'], { after: '10.244.1.253' }, '10.244.1.3'],
    ['ignores an "after" outside the range', '10.244.1.0/24', [], { after: '10.0.0.7' }, '10.244.1.2'],
    ['honours another gateway', '10.244.1.0/24', [], { gateway: '10.244.1.2' }, '10.244.1.1'],
    ['never hands out the broadcast address', '10.244.1.0/30', [], { after: '10.244.1.1' }, '10.244.1.2'],
    ['a /30 has one pod address', '10.244.1.0/30', ['10.244.1.2'], {}, null],
    ['null when full', '10.244.1.0/29', ['10.244.1.2', '10.244.1.3', '10.244.1.4', '10.244.1.5', '10.244.1.6'], {}, null],
    ['works across octets', '10.244.0.0/16', [], { after: '10.244.0.255' }, '10.244.1.0'],
  ] as const)('%s', (_name, cidr, inUse, options, expected) => {
    expect(allocatePodIP(cidr, inUse, options)).toBe(expected)
  })

  it('gives every address of a /24 once before it runs out', () => {
    const used: string[] = []
    for (;;) {
      const ip = allocatePodIP('10.244.3.0/24', used, { after: used.at(-1) })
      if (!ip) break
      used.push(ip)
    }
    expect(used).toHaveLength(253)
    expect(new Set(used).size).toBe(253)
    expect(used[0]).toBe('10.244.3.2')
    expect(used.at(-1)).toBe('10.244.3.254')
  })

  it.each(['10.244.1.0', '10.244.1.0/33', '10.244.1.1/24', '10.244.1.0/24/1', '10.244.256.0/24', '10.244.1/24'])('refuses the CIDR %s', (cidr) => {
    expect(() => allocatePodIP(cidr, [])).toThrow(/invalid (CIDR|IPv4)/)
  })

  it('refuses a range without room for pods', () => {
    expect(() => allocatePodIP('10.244.1.0/31', [])).toThrow('pod CIDR 10.244.1.0/31 is too small')
  })

  it('parses and prints addresses and ranges', () => {
    expect(parseIPv4('255.255.255.255')).toBe(4294967295)
    expect(formatIPv4(parseIPv4('10.244.7.1'))).toBe('10.244.7.1')
    expect(parseCidr('10.244.0.0/16')).toEqual({ base: parseIPv4('10.244.0.0'), prefixLength: 16 })
    expect(cidrGateway('10.244.7.0/24')).toBe('10.244.7.1')
    expect(cidrContains('10.244.7.0/24', '10.244.7.255')).toBe(true)
    expect(cidrContains('10.244.7.0/24', '10.244.8.0')).toBe(false)
  })
})
