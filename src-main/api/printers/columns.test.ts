import { describe, expect, it } from 'vitest'
import { toTable } from '../index.ts'
import { daemonSets, deployments, endpointSlices, endpoints, events, leases, machines, namespaces, nodes, pods, replicaSets, secrets, services, configMaps, RESOURCES } from '../registry.ts'
import { container, makeDeployment, makePod, makeService } from '../testing/builders.ts'
import type { KubeObject } from '../types/meta.ts'

const NOW = Date.parse('2026-06-01T12:00:00Z')
const created = '2026-06-01T11:55:00Z'
const names = (r: { columns: readonly { name: string; priority: number }[] }) => r.columns.map((c) => (c.priority ? `[${c.name.toUpperCase()}]` : c.name.toUpperCase())).join(' ')
const cells = <T extends KubeObject>(r: { columns: readonly { cell(o: T, now: number): unknown }[] }, obj: T) => r.columns.map((c) => c.cell(obj, NOW))

describe('kubectl get columns', () => {
  it.each([
    ['pods', pods, 'NAME READY STATUS RESTARTS AGE [IP] [NODE] [NOMINATED NODE] [READINESS GATES]'],
    ['deployments', deployments, 'NAME READY UP-TO-DATE AVAILABLE AGE [CONTAINERS] [IMAGES] [SELECTOR]'],
    ['replicaSets', replicaSets, 'NAME DESIRED CURRENT READY AGE [CONTAINERS] [IMAGES] [SELECTOR]'],
    ['daemonSets', daemonSets, 'NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE [CONTAINERS] [IMAGES] [SELECTOR]'],
    ['services', services, 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE [SELECTOR]'],
    ['nodes', nodes, 'NAME STATUS ROLES AGE VERSION [INTERNAL-IP] [EXTERNAL-IP] [OS-IMAGE] [KERNEL-VERSION] [CONTAINER-RUNTIME]'],
    ['namespaces', namespaces, 'NAME STATUS AGE'],
    ['endpoints', endpoints, 'NAME ENDPOINTS AGE'],
    ['endpointSlices', endpointSlices, 'NAME ADDRESSTYPE PORTS ENDPOINTS AGE'],
    ['events', events, 'LAST SEEN TYPE REASON OBJECT [SUBOBJECT] [SOURCE] MESSAGE [FIRST SEEN] [COUNT] [NAME]'],
    ['configMaps', configMaps, 'NAME DATA AGE'],
    ['secrets', secrets, 'NAME TYPE DATA AGE'],
    ['leases', leases, 'NAME HOLDER AGE'],
    ['machines', machines, 'NAME ADDRESS PHASE PRIVILEGE DOCKER AGE [USER] [HOST KEY] [MESSAGE]'],
  ])('%s', (_kind, r, expected) => {
    expect(names(r)).toBe(expected)
  })

  it('gives every kind a name column marked as such', () => {
    for (const r of RESOURCES) expect(r.columns.some((c) => c.format === 'name'), r.kind).toBe(true)
  })
})

describe('cells', () => {
  it('prints a pod, wide columns included', () => {
    const pod = makePod('web-1')
      .withContainer(container('web'))
      .createdAt(created)
      .onNode('node-1')
      .withStatus({ phase: 'Running', podIPs: [{ ip: '10.244.1.5' }] })
      .withContainerStatus({ name: 'web', ready: true, state: { running: {} } })
      .obj()
    expect(cells(pods, pod)).toEqual(['web-1', '1/1', 'Running', '0', '5m', '10.244.1.5', 'node-1', '<none>', '<none>'])
  })

  it('prints a deployment', () => {
    const d = makeDeployment('nginx').obj()
    d.metadata.creationTimestamp = created
    d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 }
    expect(cells(deployments, d)).toEqual(['nginx', '2/3', 3, 2, '5m', 'nginx', 'nginx:1.25', 'app=nginx'])
  })

  it.each([
    [makeService().withSpec({ clusterIPs: ['10.96.0.10'], type: 'ClusterIP' }).withPorts({ port: 80, protocol: 'TCP' }).obj(), ['ClusterIP', '10.96.0.10', '<none>', '80/TCP']],
    [makeService().withSpec({ clusterIPs: ['10.96.0.11'], type: 'NodePort' }).withPorts({ port: 80, protocol: 'TCP', nodePort: 30080 }, { port: 53, protocol: 'UDP', nodePort: 30053 }).obj(), ['NodePort', '10.96.0.11', '<none>', '80:30080/TCP,53:30053/UDP']],
    [makeService().withSpec({ clusterIPs: ['10.96.0.12'], type: 'LoadBalancer' }).withPorts({ port: 80, protocol: 'TCP', nodePort: 31000 }).obj(), ['LoadBalancer', '10.96.0.12', '<pending>', '80:31000/TCP']],
    [makeService().withSpec({ clusterIPs: ['None'], type: 'ClusterIP', ports: [] }).obj(), ['ClusterIP', 'None', '<none>', '<none>']],
    [{ metadata: { name: 'db' }, spec: { type: 'ExternalName' as const, externalName: 'db.example.com' } }, ['ExternalName', '<none>', 'db.example.com', '<none>']],
  ])('prints service %#', (svc, expected) => {
    expect(cells(services, svc).slice(1, 5)).toEqual(expected)
  })

  it('prints nodes with status, roles and addresses', () => {
    const node = {
      metadata: { name: 'node-1', creationTimestamp: created, labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'edge' } },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'True' as const }],
        addresses: [{ type: 'InternalIP' as const, address: '10.77.0.11' }],
        nodeInfo: { kubeletVersion: 'v1.33.0-coxswain', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'docker://26.1.5', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
      },
    }
    expect(cells(nodes, node)).toEqual(['node-1', 'Ready,SchedulingDisabled', 'control-plane,edge', '5m', 'v1.33.0-coxswain', '10.77.0.11', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'docker://26.1.5'])
    expect(cells(nodes, { metadata: { name: 'n2' } }).slice(1, 3)).toEqual(['Unknown', '<none>'])
  })

  it('prints endpoints, at most three then "+ N more..."', () => {
    const ep = { metadata: { name: 'web' }, subsets: [{ addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({ ip })), ports: [{ port: 80 }] }] }
    expect(cells(endpoints, ep)[1]).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...')
    expect(cells(endpoints, { metadata: { name: 'x' } })[1]).toBe('<none>')
    const slice = { metadata: { name: 'web-x' }, addressType: 'IPv4' as const, endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }, { name: 'dns' }] }
    expect(cells(endpointSlices, slice).slice(1, 4)).toEqual(['IPv4', '80,dns', '10.0.0.1'])
    expect(cells(endpointSlices, { metadata: { name: 'e' }, addressType: 'IPv4' as const, endpoints: [] }).slice(2, 4)).toEqual(['<unset>', '<unset>'])
  })

  it('prints events', () => {
    const ev = {
      metadata: { name: 'web.17a', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{web}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container ',
      type: 'Warning',
      source: { component: 'coxswain-agent', host: 'node-1' },
      firstTimestamp: '2026-06-01T11:00:00Z',
      lastTimestamp: '2026-06-01T11:58:00Z',
      count: 7,
    }
    expect(cells(events, ev)).toEqual(['2m', 'Warning', 'BackOff', 'pod/web', 'spec.containers{web}', 'coxswain-agent, node-1', 'Back-off restarting failed container', '60m', 7, 'web.17a'])
  })

  it('prints a lease and a machine', () => {
    const lease = { metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: created }, spec: { holderIdentity: 'node-1' } }
    expect(cells(leases, lease)).toEqual(['node-1', 'node-1', '5m'])
    const machine = {
      metadata: { name: 'node-2', creationTimestamp: created },
      spec: { address: '192.168.1.12', port: 2222, user: 'root' },
      status: { phase: 'Connected' as const, privilege: 'root' as const, dockerVersion: '20.10.24', hostKeyFingerprint: 'SHA256:abc' },
    }
    expect(cells(machines, machine)).toEqual(['node-2', '192.168.1.12:2222', 'Connected', 'root', '20.10.24', '5m', 'root', 'SHA256:abc', ''])
    expect(cells(machines, { metadata: { name: 'laptop', creationTimestamp: created }, spec: { local: true } }).slice(1, 5)).toEqual(['local', 'Pending', '<unknown>', '<unknown>'])
  })

  it('builds a meta.k8s.io/v1 Table with row conditions and partial object metadata', () => {
    const done = makePod('job').withContainer().withStatus({ phase: 'Succeeded' }).obj()
    const table = toTable(pods, [done], { now: NOW })
    expect(table.kind).toBe('Table')
    expect(table.columnDefinitions[0]).toEqual({ name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 })
    expect(table.rows[0]?.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }])
    expect(table.rows[0]?.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: done.metadata })
    expect(toTable(pods, [done], { now: NOW, includeObject: 'None' }).rows[0]).not.toHaveProperty('object')
  })
})
