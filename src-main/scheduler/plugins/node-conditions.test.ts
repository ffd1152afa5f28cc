import { describe, expect, it } from 'vitest'
import type { Pod } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { cycleStateFor, makeNode, nodeInfo, podRequesting } from '../testing.ts'
import { nodeConditions, REASON_DISK_PRESSURE, REASON_MEMORY_PRESSURE, REASON_PID_PRESSURE } from './node-conditions.ts'

describe('NodeConditions (memory, disk and PID pressure)', () => {
  const bestEffort = makePod().withContainer().obj()
  const burstable = podRequesting('b', { memory: '10Mi' })
  const tolerant: Pod = makePod().withContainer().withSpec({ tolerations: [{ key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' }] }).obj()
  it.each<[string, string[], Pod, string[]]>([
    ['no pressure: anything fits', [], bestEffort, []],
    ['memory pressure refuses BestEffort pods', ['MemoryPressure'], bestEffort, [REASON_MEMORY_PRESSURE]],
    ['memory pressure takes pods with requests', ['MemoryPressure'], burstable, []],
    ['disk pressure refuses every pod', ['DiskPressure'], burstable, [REASON_DISK_PRESSURE]],
    ['PID pressure refuses every pod', ['PIDPressure'], burstable, [REASON_PID_PRESSURE]],
    ['a pod tolerating disk pressure passes it', ['DiskPressure'], tolerant, []],
    ['every pressure is named', ['MemoryPressure', 'DiskPressure', 'PIDPressure'], bestEffort, [REASON_MEMORY_PRESSURE, REASON_DISK_PRESSURE, REASON_PID_PRESSURE]],
  ])('%s', (_what, pressures, pod, reasons) => {
    let node = makeNode('n')
    for (const p of pressures) node = node.withCondition(p, 'True')
    expect(nodeConditions.filter(cycleStateFor(pod), pod, nodeInfo(node.obj()))?.reasons ?? []).toEqual(reasons)
  })
})
