import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Node } from '../../api/index.ts'
import { admin, eventually, newTestServer, quietLog, ref, type TestServer } from '../../apiserver/testing.ts'
import { NodeIpamController } from './nodeipam-controller.ts'

const node = (name: string, podCIDR?: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  ...(podCIDR ? { spec: { podCIDR, podCIDRs: [podCIDR] } } : {}),
})

describe('NodeIpamController', () => {
  let s: TestServer
  let controller: NodeIpamController | null = null
  const cidrOf = async (name: string): Promise<[string | undefined, string[] | undefined]> => {
    const n = (await s.api.get(ref.nodes(name), admin)) as Node
    return [n.spec?.podCIDR, n.spec?.podCIDRs]
  }
  const start = async (options: { clusterCIDR?: string; nodeMaskSize?: number } = {}): Promise<NodeIpamController> => {
    controller = new NodeIpamController({ api: s.api, log: quietLog, ...options })
    await controller.start()
    return controller
  }

  beforeEach(async () => {
    s = await newTestServer()
  })
  afterEach(async () => {
    await controller?.stop()
    controller = null
  })

  it('gives each node its own /24 of the cluster CIDR, in podCIDR and podCIDRs', async () => {
    await s.api.create(ref.nodes(), node('n1'), admin)
    await s.api.create(ref.nodes(), node('n2'), admin)
    await start()
    await eventually(async () => (await cidrOf('n2'))[0] !== undefined, 'n2 to get a subnet')
    expect(await cidrOf('n1')).toEqual(['10.244.0.0/24', ['10.244.0.0/24']])
    expect(await cidrOf('n2')).toEqual(['10.244.1.0/24', ['10.244.1.0/24']])
  })

  it('keeps the subnets nodes already have and allocates around them', async () => {
    await s.api.create(ref.nodes(), node('old', '10.244.0.0/24'), admin)
    await start()
    await s.api.create(ref.nodes(), node('new'), admin)
    await eventually(async () => (await cidrOf('new'))[0] !== undefined, 'the new node to get a subnet')
    expect(await cidrOf('old')).toEqual(['10.244.0.0/24', ['10.244.0.0/24']])
    expect(await cidrOf('new')).toEqual(['10.244.1.0/24', ['10.244.1.0/24']])
  })

  it('frees the subnet of a deleted node for the next one', async () => {
    await start()
    await s.api.create(ref.nodes(), node('a'), admin)
    await eventually(async () => (await cidrOf('a'))[0] === '10.244.0.0/24', 'a to get the first subnet')
    await s.api.create(ref.nodes(), node('b'), admin)
    await eventually(async () => (await cidrOf('b'))[0] === '10.244.1.0/24', 'b to get the second subnet')
    await s.api.delete(ref.nodes('a'), {}, admin)
    await s.api.create(ref.nodes(), node('c'), admin)
    await eventually(async () => (await cidrOf('c'))[0] !== undefined, 'c to get a subnet')
    expect((await cidrOf('c'))[0]).toBe('10.244.0.0/24')
  })

  it('leaves a node without a subnet while the cluster CIDR is full, and serves it once one frees up', async () => {
    await s.api.create(ref.nodes(), node('a', '10.244.0.0/25'), admin)
    await s.api.create(ref.nodes(), node('b', '10.244.0.128/25'), admin)
    await start({ clusterCIDR: '10.244.0.0/24', nodeMaskSize: 25 })
    await s.api.create(ref.nodes(), node('c'), admin)
    await eventually(() => controller?.idle === false, 'c to wait for a subnet')
    expect((await cidrOf('c'))[0]).toBeUndefined()
    await s.api.delete(ref.nodes('a'), {}, admin)
    await eventually(async () => (await cidrOf('c'))[0] === '10.244.0.0/25', 'c to get the freed subnet', 5000)
  })
})
