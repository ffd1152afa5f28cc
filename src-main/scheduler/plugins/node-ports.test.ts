import { describe, expect, it } from 'vitest'
import type { ContainerPort, Pod } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { cycleStateFor, makeNode, nodeInfo } from '../testing.ts'
import { nodePorts, REASON } from './node-ports.ts'

const withPorts = (name: string, ports: ContainerPort[]): Pod => makePod(name).withContainer({ name: 'c', image: 'x', ports }).obj()

describe('NodePorts', () => {
  it.each<[string, ContainerPort[], ContainerPort[], boolean]>([
    ['no host ports never conflict', [{ containerPort: 80 }], [{ containerPort: 80 }], true],
    ['the same host port conflicts', [{ containerPort: 80, hostPort: 8080 }], [{ containerPort: 81, hostPort: 8080 }], false],
    ['another host port is free', [{ containerPort: 80, hostPort: 8080 }], [{ containerPort: 80, hostPort: 8081 }], true],
    ['another protocol is free', [{ containerPort: 53, hostPort: 53, protocol: 'UDP' }], [{ containerPort: 53, hostPort: 53 }], true],
    ['different host IPs are free', [{ containerPort: 80, hostPort: 80, hostIP: '10.0.0.1' }], [{ containerPort: 80, hostPort: 80, hostIP: '10.0.0.2' }], true],
    ['0.0.0.0 overlaps any IP', [{ containerPort: 80, hostPort: 80 }], [{ containerPort: 80, hostPort: 80, hostIP: '10.0.0.2' }], false],
    ['a specific IP overlaps 0.0.0.0', [{ containerPort: 80, hostPort: 80, hostIP: '10.0.0.1' }], [{ containerPort: 80, hostPort: 80 }], false],
  ])('%s', (_what, existing, wanted, fits) => {
    const pod = withPorts('new', wanted)
    const status = nodePorts.filter(cycleStateFor(pod), pod, nodeInfo(makeNode('n').obj(), [withPorts('old', existing)]))
    expect(status === null ? true : status.reasons).toEqual(fits ? true : [REASON])
  })

  it('frees a port when its pod leaves', () => {
    const old = withPorts('old', [{ containerPort: 80, hostPort: 80 }])
    old.metadata.uid = 'old-uid'
    const node = nodeInfo(makeNode('n').obj(), [old])
    node.removePod('old-uid')
    const pod = withPorts('new', [{ containerPort: 80, hostPort: 80 }])
    expect(nodePorts.filter(cycleStateFor(pod), pod, node)).toBeNull()
  })
})
