import { afterEach, describe, expect, it } from 'vitest'
import type { Node } from '../api/types/core.ts'
import { makeService } from '../api/testing/builders.ts'
import { RESOURCES, resourceRef } from '../apiserver/resources.ts'
import { admin, eventually, newTestServer, quietLog, type TestServer } from '../apiserver/testing.ts'
import type { ExecOptions, ExecResult } from '../nodeagent/ssh/exec.ts'
import { ClusterNetworkView } from './cluster-view.ts'
import { NodeNetwork, type NodeNetworkOptions, type SyncOutcome } from './node-network.ts'
import { SECTION } from './node-script.ts'
import { JUMPS } from './service-rules.ts'

/** A node's shell: answers the commands the component runs and records them. */
class FakeNode {
  readonly commands: string[] = []
  readonly restores: string[] = []
  uid = '0'
  sudo = false
  routes = '192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.11\n'
  nat = '*nat\nCOMMIT\n'
  filter = '*filter\nCOMMIT\n'

  exec = async (argv: readonly string[], options: ExecOptions): Promise<ExecResult> => {
    const line = argv.join(' ')
    this.commands.push(line.startsWith('sh -c ip -4') ? 'read state' : line.startsWith('sh -c sysctl') ? 'ensure jumps' : line)
    if (argv[0] === 'sudo' && argv[2] !== 'true') return this.exec(argv.slice(2), options).then((r) => (this.commands.splice(-2, 2, `sudo ${this.commands.at(-1) ?? ''}`), r))
    let stdout = ''
    if (line === 'sudo -n true') return { code: this.sudo ? 0 : 1, signal: null, stdout: '', stderr: this.sudo ? '' : 'sudo: a password is required' }
    if (line === 'id -u') stdout = `${this.uid}\n`
    else if (line.startsWith('sh -c ip -4')) stdout = `${this.routes}${SECTION}\n${this.nat}${SECTION}\n${this.filter}`
    else if (argv[0] === 'iptables-restore') this.restores.push(String(options.stdin))
    return { code: 0, signal: null, stdout, stderr: '' }
  }

  /** What iptables-save would print after our last restore and jumps. */
  saveApplied(): void {
    const last = this.restores.at(-1) ?? ''
    const [nat = '', filter = ''] = last.split('*filter')
    const jumps = (table: string) => JUMPS.filter(([t]) => t === table).map(([, chain, ...rule]) => `-A ${chain} ${rule.map((w) => (w.includes(' ') ? `"${w}"` : w)).join(' ')}`)
    this.nat = [nat, ...jumps('nat')].join('\n')
    this.filter = ['*filter' + filter, ...jumps('filter')].join('\n')
  }
}

let server: TestServer
let view: ClusterNetworkView
let network: NodeNetwork | undefined

afterEach(async () => {
  await network?.stop()
  await view?.stop()
  network = undefined
})

async function setup(): Promise<void> {
  server = await newTestServer()
  for (const [name, ip, cidr] of [['n1', '192.168.1.11', '10.244.0.0/24'], ['n2', '192.168.1.12', '10.244.1.0/24']] as const) {
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { podCIDR: cidr } }
    await server.api.create(RESOURCES.nodes, node, admin)
    await server.api.patch(resourceRef(RESOURCES.nodes, undefined, name, 'status'), 'application/merge-patch+json', { status: { addresses: [{ type: 'InternalIP', address: ip }] } }, admin)
  }
  await server.api.create(resourceRef(RESOURCES.services, 'default'), makeService('web').withPorts({ port: 80 }).obj(), admin)
  view = new ClusterNetworkView({ api: server.api, log: quietLog })
  await view.start()
}

function start(node: FakeNode, dns?: NodeNetworkOptions['dns']): SyncOutcome[] {
  const outcomes: SyncOutcome[] = []
  network = new NodeNetwork({
    nodeName: 'n1',
    clusterCIDR: '10.244.0.0/16',
    serviceCIDR: '10.96.0.0/12',
    view,
    exec: node.exec,
    log: quietLog,
    timings: { debounceMs: 1 },
    onSynced: (o) => outcomes.push(o),
    ...(dns ? { dns } : {}),
  })
  network.start()
  return outcomes
}

describe('NodeNetwork', () => {
  it('reads a bare node once, then routes, rules and jumps; nothing more while nothing changes', async () => {
    await setup()
    const node = new FakeNode()
    const outcomes = start(node)
    await eventually(() => outcomes.length === 1, 'first pass')
    expect(node.commands).toEqual([
      'id -u',
      'read state',
      'ip route replace 10.244.1.0/24 via 192.168.1.12',
      'ip route replace 10.96.0.0/12 dev eth0',
      'iptables-restore -w --noflush',
      'ensure jumps',
    ])
    expect(node.restores[0]).toContain('-A COXSWAIN-REJECT -d 10.96.0.2/32 -p tcp -m tcp --dport 80')
    await network?.sync()
    expect(node.commands).toHaveLength(6)
  })

  it('takes away its routes, rules and DNS table when the node leaves, and stops keeping it', async () => {
    await setup()
    const node = new FakeNode()
    const dns = { clusterIP: '10.96.0.10', port: 10053, dir: '/var/lib/coxswain/dns', ensure: async () => {} }
    const outcomes = start(node, dns)
    await eventually(() => outcomes.length === 1, 'first pass')
    node.routes += '10.244.1.0/24 via 192.168.1.12 dev eth0\n10.96.0.0/12 dev eth0 scope link\n'
    node.commands.length = 0
    await network?.leave()
    expect(node.commands).toEqual([
      'read state',
      'ip route del 10.244.1.0/24 via 192.168.1.12',
      'ip route del 10.96.0.0/12',
      "sh -c iptables-save | grep -v -e COXSWAIN- -e CXSW- | iptables-restore -w",
      'rm -rf /var/lib/coxswain/dns',
    ])
    await view.stop()
    expect(node.commands).toHaveLength(5)
  })

  it('applies a Service change as one restore, without re-reading the node', async () => {
    await setup()
    const node = new FakeNode()
    const outcomes = start(node)
    await eventually(() => outcomes.length === 1, 'first pass')
    await server.api.create(resourceRef(RESOURCES.services, 'default'), makeService('db').withPorts({ port: 5432 }).obj(), admin)
    await eventually(() => outcomes.some((o) => o.rules) && outcomes.length >= 2 && node.restores.length === 2, 'second restore')
    expect(node.commands.slice(6)).toEqual(['iptables-restore -w --noflush'])
  })

  it('changes nothing on a node that already holds the same rules (a restarted control plane)', async () => {
    await setup()
    const first = new FakeNode()
    const outcomes = start(first)
    await eventually(() => outcomes.length === 1, 'first pass')
    await network?.stop()
    first.saveApplied()
    first.routes += '10.244.1.0/24 via 192.168.1.12 dev eth0\n10.96.0.0/12 dev eth0 scope link\n'
    first.commands.length = 0
    const again = start(first)
    await eventually(() => again.length === 1, 'pass after restart')
    expect(first.commands).toEqual(['id -u', 'read state'])
    expect(again).toEqual([{ rules: false, routes: 0, dns: false }])
  })

  it('leaves a node alone when the SSH user is not root', async () => {
    await setup()
    const node = new FakeNode()
    node.uid = '1000'
    const outcomes = start(node)
    await eventually(() => node.commands.length === 2, 'privilege checked')
    await network?.sync()
    expect(node.commands).toEqual(['id -u', 'sudo -n true'])
    expect(outcomes).toEqual([])
  })

  it('writes the DNS table when it changes, starts the server once, and sends the DNS IP to the pod bridge', async () => {
    await setup()
    const node = new FakeNode()
    let ensured = 0
    const outcomes = start(node, { clusterIP: '10.96.0.10', port: 10053, dir: '/var/lib/coxswain/dns', ensure: async () => void ensured++ })
    await eventually(() => outcomes.length === 1 && ensured === 1, 'first pass')
    expect(node.commands.filter((c) => c.includes('records.json'))).toHaveLength(1)
    expect(node.restores[0]).toContain('-A COXSWAIN-SERVICES -d 10.96.0.10/32 -p udp -m udp --dport 53 -m comment --comment "cluster DNS on this node" -j DNAT --to-destination 10.244.0.1:10053')
    await server.api.create(resourceRef(RESOURCES.services, 'default'), makeService('db').withPorts({ port: 5432 }).obj(), admin)
    await eventually(() => outcomes.some((o) => o.dns && o.rules && outcomes.indexOf(o) > 0), 'the new name written')
    expect(ensured).toBe(1)
  })

  it('runs every command through sudo when the SSH user has passwordless sudo', async () => {
    await setup()
    const node = new FakeNode()
    node.uid = '1000'
    node.sudo = true
    const outcomes = start(node)
    await eventually(() => outcomes.length === 1, 'first pass')
    expect(node.commands).toEqual([
      'id -u',
      'sudo -n true',
      'sudo read state',
      'sudo ip route replace 10.244.1.0/24 via 192.168.1.12',
      'sudo ip route replace 10.96.0.0/12 dev eth0',
      'sudo iptables-restore -w --noflush',
      'sudo ensure jumps',
    ])
  })
})
