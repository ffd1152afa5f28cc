import { describe, expect, it } from 'vitest'
import { desiredRoutes, parseRoutes, routeCommands, serviceRouteCommand } from './routes.ts'

const NODES = [
  { name: 'node-1', address: '192.168.213.11', podCIDR: '10.244.0.0/24' },
  { name: 'node-2', address: '192.168.213.12', podCIDR: '10.244.1.0/24' },
  { name: 'node-3', address: '192.168.213.13', podCIDR: '10.244.2.0/24' },
  { name: 'node-4', address: '', podCIDR: '10.244.3.0/24' },
  { name: 'node-5', address: '192.168.213.15', podCIDR: '' },
]

const IP_ROUTE = [
  '10.244.0.0/24 dev br-7314c96336eb proto kernel scope link src 10.244.0.1 ',
  '10.244.1.0/24 via 192.168.213.12 dev eth0 ',
  '10.244.9.0/24 via 192.168.213.19 dev eth0 ',
  '10.1.0.0/16 via 192.168.213.1 dev eth0 ',
  '172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown ',
  '192.168.213.0/24 dev eth0 proto kernel scope link src 192.168.213.11 ',
  '',
].join('\n')

describe('pod routes', () => {
  it('routes every other node with an address and a pod CIDR via that node', () => {
    expect(desiredRoutes('node-1', NODES)).toEqual([
      { cidr: '10.244.1.0/24', via: '192.168.213.12' },
      { cidr: '10.244.2.0/24', via: '192.168.213.13' },
    ])
  })

  it('reads only gateway routes inside the cluster CIDR', () => {
    expect(parseRoutes(IP_ROUTE, '10.244.0.0/16')).toEqual([
      { cidr: '10.244.1.0/24', via: '192.168.213.12' },
      { cidr: '10.244.9.0/24', via: '192.168.213.19' },
    ])
  })

  it.each([
    ['in sync', [{ cidr: '10.244.1.0/24', via: '1.1.1.2' }], [{ cidr: '10.244.1.0/24', via: '1.1.1.2' }], []],
    ['missing', [{ cidr: '10.244.1.0/24', via: '1.1.1.2' }], [], [['ip', 'route', 'replace', '10.244.1.0/24', 'via', '1.1.1.2']]],
    ['moved to another address', [{ cidr: '10.244.1.0/24', via: '1.1.1.3' }], [{ cidr: '10.244.1.0/24', via: '1.1.1.2' }], [['ip', 'route', 'replace', '10.244.1.0/24', 'via', '1.1.1.3']]],
    ['node gone', [], [{ cidr: '10.244.1.0/24', via: '1.1.1.2' }], [['ip', 'route', 'del', '10.244.1.0/24', 'via', '1.1.1.2']]],
  ])('turns current into desired when %s', (_, desired, current, commands) => {
    expect(routeCommands(desired, current)).toEqual(commands)
  })

  it('routes the service CIDR through the device holding the node address, once', () => {
    expect(serviceRouteCommand(IP_ROUTE, '10.96.0.0/12', '192.168.213.11')).toEqual(['ip', 'route', 'replace', '10.96.0.0/12', 'dev', 'eth0'])
    expect(serviceRouteCommand(IP_ROUTE + '10.96.0.0/12 dev eth0 scope link \n', '10.96.0.0/12', '192.168.213.11')).toBeNull()
    expect(serviceRouteCommand(IP_ROUTE, '10.96.0.0/12', '10.0.0.99')).toBeNull()
  })
})
