import { describe, expect, it } from 'vitest'
import { endpointChain, externalChain, localChain, parseChains, parseRulesHash, renderProxyRules, serviceChain, type ServicePortRule } from './service-rules.ts'

const web: ServicePortRule = {
  namespace: 'shop',
  name: 'web',
  portName: 'http',
  protocol: 'TCP',
  clusterIP: '10.96.0.2',
  port: 80,
  nodePort: 30080,
  endpoints: [
    { ip: '10.244.1.5', port: 8080 },
    { ip: '10.244.2.7', port: 8080 },
  ],
}
const db: ServicePortRule = { namespace: 'shop', name: 'db', portName: '', protocol: 'TCP', clusterIP: '10.96.0.3', port: 5432, nodePort: 30432, endpoints: [] }
const CIDR = '10.244.0.0/16'

describe('renderProxyRules', () => {
  it('renders kube-proxy style chains, rejects ports without endpoints and deletes our stale chains only', () => {
    const rules = renderProxyRules({ clusterCIDR: CIDR, services: [web, db] }, { nat: ['PREROUTING', 'COXSWAIN-SERVICES', 'CXSW-SVC-OLDOLDOLDOLDOLD1'], filter: ['INPUT'] })
    expect(rules.text.trimEnd().split('\n')).toEqual([
      '*nat',
      ':COXSWAIN-SERVICES - [0:0]',
      ':COXSWAIN-NODEPORTS - [0:0]',
      ':COXSWAIN-POSTROUTING - [0:0]',
      ':COXSWAIN-MARK-MASQ - [0:0]',
      ':CXSW-SVC-9JT1AWJ7BR3RXK5R - [0:0]',
      ':CXSW-EXT-9JT1AWJ7BR3RXK5R - [0:0]',
      ':CXSW-SEP-XAUHBYU0MNETUSYX - [0:0]',
      ':CXSW-SEP-YFXNGK4XXF7A4EJQ - [0:0]',
      ':CXSW-SVC-OLDOLDOLDOLDOLD1 - [0:0]',
      '-A COXSWAIN-MARK-MASQ -j MARK --or-mark 0x4000',
      '-A COXSWAIN-POSTROUTING -m mark --mark 0x4000/0x4000 -m comment --comment "service traffic that needs SNAT" -j MASQUERADE',
      '-A COXSWAIN-POSTROUTING -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "pod to pod: no NAT across nodes" -j ACCEPT',
      '-A COXSWAIN-POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -m comment --comment "pods to the outside" -j MASQUERADE',
      '-A COXSWAIN-SERVICES -d 10.96.0.2/32 -p tcp -m tcp --dport 80 -m comment --comment "shop/web:http cluster IP" -j CXSW-SVC-9JT1AWJ7BR3RXK5R',
      '-A CXSW-SVC-9JT1AWJ7BR3RXK5R ! -s 10.244.0.0/16 -d 10.96.0.2/32 -p tcp -m tcp --dport 80 -m comment --comment "shop/web:http cluster IP" -j COXSWAIN-MARK-MASQ',
      '-A CXSW-EXT-9JT1AWJ7BR3RXK5R -m comment --comment "masquerade traffic for shop/web:http external destinations" -j COXSWAIN-MARK-MASQ',
      '-A CXSW-EXT-9JT1AWJ7BR3RXK5R -j CXSW-SVC-9JT1AWJ7BR3RXK5R',
      '-A CXSW-SVC-9JT1AWJ7BR3RXK5R -m comment --comment "shop/web:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.5000000000 -j CXSW-SEP-XAUHBYU0MNETUSYX',
      '-A CXSW-SVC-9JT1AWJ7BR3RXK5R -m comment --comment "shop/web:http -> 10.244.2.7:8080" -j CXSW-SEP-YFXNGK4XXF7A4EJQ',
      '-A CXSW-SEP-XAUHBYU0MNETUSYX -s 10.244.1.5/32 -m comment --comment "shop/web:http" -j COXSWAIN-MARK-MASQ',
      '-A CXSW-SEP-XAUHBYU0MNETUSYX -p tcp -m tcp -m comment --comment "shop/web:http" -j DNAT --to-destination 10.244.1.5:8080',
      '-A CXSW-SEP-YFXNGK4XXF7A4EJQ -s 10.244.2.7/32 -m comment --comment "shop/web:http" -j COXSWAIN-MARK-MASQ',
      '-A CXSW-SEP-YFXNGK4XXF7A4EJQ -p tcp -m tcp -m comment --comment "shop/web:http" -j DNAT --to-destination 10.244.2.7:8080',
      '-A COXSWAIN-NODEPORTS -p tcp -m tcp --dport 30080 -m comment --comment "shop/web:http" -j CXSW-EXT-9JT1AWJ7BR3RXK5R',
      '-A COXSWAIN-SERVICES -m addrtype --dst-type LOCAL -m comment --comment "node ports, last" -j COXSWAIN-NODEPORTS',
      '-A COXSWAIN-NODEPORTS -m comment --comment "coxswain-rules JX4BXLI6R7NK6ABP" -j RETURN',
      '-X CXSW-SVC-OLDOLDOLDOLDOLD1',
      'COMMIT',
      '*filter',
      ':COXSWAIN-FORWARD - [0:0]',
      ':COXSWAIN-REJECT - [0:0]',
      '-A COXSWAIN-FORWARD -s 10.244.0.0/16 -m comment --comment "from pods" -j ACCEPT',
      '-A COXSWAIN-FORWARD -d 10.244.0.0/16 -m comment --comment "to pods" -j ACCEPT',
      '-A COXSWAIN-FORWARD -m mark --mark 0x4000/0x4000 -m comment --comment "service traffic" -j ACCEPT',
      '-A COXSWAIN-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "replies" -j ACCEPT',
      '-A COXSWAIN-REJECT -d 10.96.0.3/32 -p tcp -m tcp --dport 5432 -m comment --comment "shop/db has no endpoints" -j REJECT --reject-with icmp-port-unreachable',
      '-A COXSWAIN-REJECT -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30432 -m comment --comment "shop/db has no endpoints" -j REJECT --reject-with icmp-port-unreachable',
      'COMMIT',
    ])
  })

  it('gives equal input equal text and hash, whatever the order of services', () => {
    const a = renderProxyRules({ clusterCIDR: CIDR, services: [web, db] })
    const b = renderProxyRules({ clusterCIDR: CIDR, services: [db, web] })
    expect(b).toEqual(a)
    expect(renderProxyRules({ clusterCIDR: CIDR, services: [web] }).hash).not.toBe(a.hash)
  })

  it('does not let stale chains change the hash (the node state decides only what is deleted)', () => {
    const fresh = renderProxyRules({ clusterCIDR: CIDR, services: [web] })
    const withStale = renderProxyRules({ clusterCIDR: CIDR, services: [web] }, { nat: ['CXSW-SEP-GONEGONEGONEGONE'], filter: [] })
    expect(withStale.hash).toBe(fresh.hash)
    expect(withStale.text).toContain('-X CXSW-SEP-GONEGONEGONEGONE')
  })

  it('splits three endpoints evenly: 1/3, then 1/2, then the rest', () => {
    const three = { ...web, nodePort: undefined, endpoints: [1, 2, 3].map((i) => ({ ip: `10.244.0.${i}`, port: 80 })) }
    const text = renderProxyRules({ clusterCIDR: CIDR, services: [three] }).text
    const picks = text.split('\n').filter((l) => l.startsWith(`-A ${serviceChain(three)} `) && l.includes('CXSW-SEP-'))
    expect(picks.map((l) => /--probability (\S+)/.exec(l)?.[1] ?? 'rest')).toEqual(['0.3333333333', '0.5000000000', 'rest'])
    expect(text).not.toContain('COXSWAIN-NODEPORTS -p tcp')
  })

  it('pins a client to its endpoint with sessionAffinity ClientIP', () => {
    const sticky = { ...web, affinitySeconds: 600 }
    const text = renderProxyRules({ clusterCIDR: CIDR, services: [sticky] }).text
    const sep = endpointChain(sticky, { ip: '10.244.1.5', port: 8080 })
    expect(text).toContain(
      `-A ${serviceChain(sticky)} -m comment --comment "shop/web:http -> 10.244.1.5:8080" -m recent --name ${sep} --mask 255.255.255.255 --rsource --rcheck --seconds 600 --reap -j ${sep}`,
    )
    expect(text).toContain(`-A ${sep} -p tcp -m tcp -m comment --comment "shop/web:http" -m recent --name ${sep} --mask 255.255.255.255 --rsource --set -j DNAT --to-destination 10.244.1.5:8080`)
  })

  it('keeps chain names within iptables limits and apart per protocol', () => {
    const udp = { ...web, protocol: 'UDP' as const }
    for (const name of [serviceChain(web), endpointChain(web, { ip: '10.244.1.5', port: 8080 })]) expect(name.length).toBeLessThanOrEqual(28)
    expect(serviceChain(udp)).not.toBe(serviceChain(web))
    expect(renderProxyRules({ clusterCIDR: CIDR, services: [udp] }).text).toContain('-p udp -m udp --dport 80')
  })
})

describe('traffic policy Local', () => {
  const spread: ServicePortRule = {
    ...web,
    endpoints: [
      { ip: '10.244.1.5', port: 8080, nodeName: 'n1' },
      { ip: '10.244.2.7', port: 8080, nodeName: 'n2' },
    ],
  }
  const lines = (text: string, chain: string) => text.split('\n').filter((l) => l.startsWith(`-A ${chain} `))

  it('sends node-port traffic to this node’s endpoints only, keeping the client address', () => {
    const rules = renderProxyRules({ clusterCIDR: CIDR, nodeName: 'n1', services: [{ ...spread, externalLocal: true }] }).text
    const ext = lines(rules, externalChain(spread))
    expect(ext).toEqual([`-A ${externalChain(spread)} -j ${localChain(spread)}`])
    expect(lines(rules, localChain(spread))).toEqual([`-A ${localChain(spread)} -m comment --comment "shop/web:http -> 10.244.1.5:8080" -j ${endpointChain(spread, spread.endpoints[0] ?? { ip: '', port: 0 })}`])
    // Cluster IP traffic still goes to both.
    expect(lines(rules, serviceChain(spread)).filter((l) => l.includes('CXSW-SEP-'))).toHaveLength(2)
  })

  it('refuses on a node without a local endpoint', () => {
    const rules = renderProxyRules({ clusterCIDR: CIDR, nodeName: 'n3', services: [{ ...spread, externalLocal: true, internalLocal: true }] }).text
    expect(lines(rules, 'COXSWAIN-REJECT')).toEqual([
      '-A COXSWAIN-REJECT -d 10.96.0.2/32 -p tcp -m tcp --dport 80 -m comment --comment "shop/web:http has no endpoints on this node" -j REJECT --reject-with icmp-port-unreachable',
      '-A COXSWAIN-REJECT -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 -m comment --comment "shop/web:http has no endpoints on this node" -j REJECT --reject-with icmp-port-unreachable',
    ])
    expect(rules).not.toContain('CXSW-')
  })

  it('keeps cluster IP traffic on the node with internalTrafficPolicy Local, node ports on every endpoint', () => {
    const rules = renderProxyRules({ clusterCIDR: CIDR, nodeName: 'n2', services: [{ ...spread, internalLocal: true }] }).text
    expect(lines(rules, serviceChain(spread)).filter((l) => l.includes('CXSW-SEP-'))).toHaveLength(1)
    expect(lines(rules, localChain(spread)).filter((l) => l.includes('CXSW-SEP-'))).toHaveLength(2)
    expect(lines(rules, externalChain(spread))[0]).toContain('-j COXSWAIN-MARK-MASQ')
  })
})

describe('reading the node back', () => {
  it('finds chains per table and the hash of our last render', () => {
    const rules = renderProxyRules({ clusterCIDR: CIDR, services: [web] })
    const save = ['# Generated by iptables-save', '*nat', ':PREROUTING ACCEPT [0:0]', ':COXSWAIN-SERVICES - [0:0]', '-A COXSWAIN-NODEPORTS -m comment --comment "coxswain-rules ' + rules.hash + '" -j RETURN', 'COMMIT', '*filter', ':COXSWAIN-FORWARD - [0:0]', 'COMMIT'].join('\n')
    expect(parseChains(save)).toEqual({ nat: ['PREROUTING', 'COXSWAIN-SERVICES'], filter: ['COXSWAIN-FORWARD'] })
    expect(parseRulesHash(save)).toBe(rules.hash)
    expect(parseRulesHash('*nat\nCOMMIT\n')).toBeNull()
  })
})
