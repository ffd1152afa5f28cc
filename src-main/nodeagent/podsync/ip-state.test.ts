import { describe, expect, it } from 'vitest'
import type { Pod } from '../../api/types/pod.ts'
import { makePod } from '../../api/testing/builders.ts'
import { PodIPs } from './ip-state.ts'

const CIDR = '10.244.1.0/24'
const pod = (uid: string, podIP?: string): Pod => {
  const p = makePod(uid).obj()
  p.metadata.uid = uid
  if (podIP) p.status = { podIP }
  return p
}

describe('PodIPs', () => {
  it('keeps the IP a pod has in its status or on its containers', () => {
    const ips = new PodIPs()
    expect(ips.pick(pod('a', '10.244.1.77'), CIDR, undefined, [])).toBe('10.244.1.77')
    expect(ips.pick(pod('b'), CIDR, '10.244.1.78', [])).toBe('10.244.1.78')
    ips.setLabelled(new Map([['c', '10.244.1.79']]))
    expect(ips.pick(pod('c'), CIDR, undefined, [])).toBe('10.244.1.79')
  })

  it('gives new pods addresses nobody holds: not in statuses, labels or handed out already', () => {
    const ips = new PodIPs()
    ips.setLabelled(new Map([['x', '10.244.1.3']]))
    const bound = [pod('y', '10.244.1.2')]
    const first = ips.pick(pod('a'), CIDR, undefined, bound)
    const second = ips.pick(pod('b'), CIDR, undefined, bound)
    expect(first).toBe('10.244.1.4')
    expect(second).toBe('10.244.1.5')
    expect(ips.pick(pod('a'), CIDR, undefined, bound)).toBe('10.244.1.4')
  })

  it('does not hand a released address out again at once', () => {
    const ips = new PodIPs()
    expect(ips.pick(pod('a'), CIDR, undefined, [])).toBe('10.244.1.2')
    ips.release('a')
    expect(ips.pick(pod('b'), CIDR, undefined, [])).toBe('10.244.1.3')
  })

  it('picks another address after Docker says the one handed out is taken', () => {
    const ips = new PodIPs()
    expect(ips.pick(pod('a'), CIDR, undefined, [])).toBe('10.244.1.2')
    ips.conflict('a', '10.244.1.2')
    expect(ips.pick(pod('a'), CIDR, undefined, [])).toBe('10.244.1.3')
  })
})
