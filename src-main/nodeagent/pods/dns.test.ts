import { describe, expect, it } from 'vitest'
import { makePod } from '../../api/testing/builders.ts'
import type { PodSpec } from '../../api/types/pod.ts'
import { podDNS, type ClusterDNS } from './dns.ts'

const cluster: ClusterDNS = { servers: ['10.96.0.10'], domain: 'cluster.local' }
const withNode: ClusterDNS = { ...cluster, node: { nameservers: ['192.168.1.1'], searches: ['lan', 'corp.example'], options: ['edns0'] } }
const pod = (spec: Partial<PodSpec>) => makePod('web', 'shop').withSpec(spec).obj()
const CLUSTER_SEARCH = ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local']

describe('pod DNS', () => {
  it.each([
    ['ClusterFirst: the cluster server, Kubernetes search domains, ndots:5', {}, cluster, { Dns: ['10.96.0.10'], DnsSearch: CLUSTER_SEARCH, DnsOptions: ['ndots:5'] }],
    [
      "ClusterFirst appends the node's search domains when known",
      { dnsPolicy: 'ClusterFirst' },
      withNode,
      { Dns: ['10.96.0.10'], DnsSearch: [...CLUSTER_SEARCH, 'lan', 'corp.example'], DnsOptions: ['ndots:5'] },
    ],
    ['ClusterFirst on the host network falls back to Default', { dnsPolicy: 'ClusterFirst', hostNetwork: true }, cluster, {}],
    [
      'ClusterFirstWithHostNet on the host network uses the cluster',
      { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true },
      cluster,
      { Dns: ['10.96.0.10'], DnsSearch: CLUSTER_SEARCH, DnsOptions: ['ndots:5'] },
    ],
    ['ClusterFirst without cluster DNS falls back to Default', { dnsPolicy: 'ClusterFirst' }, { servers: [], domain: 'cluster.local' }, {}],
    ["Default: Docker copies the node's resolv.conf", { dnsPolicy: 'Default' }, withNode, {}],
    [
      "Default with dnsConfig appends to the node's settings",
      { dnsPolicy: 'Default', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['extra'], options: [{ name: 'ndots', value: '2' }] } },
      withNode,
      { Dns: ['192.168.1.1', '1.1.1.1'], DnsSearch: ['lan', 'corp.example', 'extra'], DnsOptions: ['edns0', 'ndots:2'] },
    ],
    [
      "Default with dnsConfig but the node's file unknown: only the pod's lists",
      { dnsPolicy: 'Default', dnsConfig: { searches: ['extra'] } },
      cluster,
      { DnsSearch: ['extra'] },
    ],
    [
      'None: only dnsConfig',
      { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '8.8.8.8'], searches: ['a.example'], options: [{ name: 'timeout', value: '1' }, { name: 'rotate' }] } },
      withNode,
      { Dns: ['1.1.1.1', '8.8.8.8'], DnsSearch: ['a.example'], DnsOptions: ['timeout:1', 'rotate'] },
    ],
    ['None without searches says "no search domains"', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } }, cluster, { Dns: ['1.1.1.1'], DnsSearch: ['.'] }],
    [
      'ClusterFirst merges dnsConfig: servers and searches appended without duplicates, options overridden by name',
      {
        dnsConfig: {
          nameservers: ['10.96.0.10', '1.1.1.1'],
          searches: ['cluster.local', 'my.example'],
          options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen' }],
        },
      },
      cluster,
      { Dns: ['10.96.0.10', '1.1.1.1'], DnsSearch: [...CLUSTER_SEARCH, 'my.example'], DnsOptions: ['ndots:1', 'single-request-reopen'] },
    ],
    [
      'keeps at most three name servers',
      { dnsConfig: { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9'] } },
      cluster,
      { Dns: ['10.96.0.10', '1.1.1.1', '8.8.8.8'], DnsSearch: CLUSTER_SEARCH, DnsOptions: ['ndots:5'] },
    ],
  ] as const)('%s', (_name, spec, dns, expected) => {
    expect(podDNS(pod(spec as Partial<PodSpec>), dns as ClusterDNS)).toEqual(expected)
  })

  it('keeps at most 32 search domains', () => {
    const searches = Array.from({ length: 40 }, (_, i) => `d${i}.example`)
    expect(podDNS(pod({ dnsConfig: { searches } }), cluster).DnsSearch).toEqual([...CLUSTER_SEARCH, ...searches.slice(0, 29)])
  })

  it('uses the configured cluster domain', () => {
    expect(podDNS(pod({}), { servers: ['10.0.0.10'], domain: 'k.internal' }).DnsSearch).toEqual(['shop.svc.k.internal', 'svc.k.internal', 'k.internal'])
  })
})
