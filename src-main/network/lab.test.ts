import { describe, expect, it } from 'vitest'
import { labNetworkOptions } from './lab.ts'

describe('labNetworkOptions', () => {
  it("keeps each lab node's DNS table in that node's own state directory", () => {
    const { dnsDir } = labNetworkOptions({ nodes: [{ name: 'node-1', localDockerSocket: '/var/lib/coxswain-lab4/nodes/node-1/run/docker.sock' }] })
    expect(dnsDir?.('node-1')).toBe('/var/lib/coxswain-lab4/nodes/node-1/coxswain-dns')
    expect(dnsDir?.('elsewhere')).toBe('/var/lib/coxswain/dns/elsewhere')
  })
})
