import { describe, expect, it } from 'vitest'
import { mayHelp, type ClusterEvent } from './events.ts'

describe('mayHelp', () => {
  it.each<[ClusterEvent, string[], boolean]>([
    ['NodeChange', ['NodeAffinity'], true],
    ['NodeChange', [], true],
    ['PodGone', ['NodeResourcesFit'], true],
    ['PodGone', ['NodePorts'], true],
    ['PodGone', ['VolumeRestrictions'], true],
    ['PodGone', ['InterPodAffinity'], true],
    ['PodGone', ['NodeAffinity', 'TaintToleration'], false],
    ['PodGone', [], false],
    ['PodPlaced', ['NodeResourcesFit'], false],
    ['PodPlaced', ['InterPodAffinity'], true],
    ['PodPlaced', ['PodTopologySpread', 'NodeResourcesFit'], true],
    ['PodRelabelled', ['NodeUnschedulable'], false],
    ['PodRelabelled', ['InterPodAffinity'], true],
    ['PodPlaced', ['SomeCustomFilter'], true],
  ])('%s after a refusal by %j → %s', (event, plugins, expected) => {
    expect(mayHelp(event, new Set(plugins))).toBe(expected)
  })
})
