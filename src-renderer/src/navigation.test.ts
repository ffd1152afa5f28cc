import { describe, expect, it } from 'vitest'
import { navigation, nextLinkIndex } from './navigation.ts'

describe('navigation', () => {
  it('has every list of the catalog under its section, Overview first and Deploy last', () => {
    const sections = navigation()
    expect(sections.map((s) => s.title)).toEqual([null, 'Cluster', 'Workloads', 'Network', 'Config', 'Deploy'])
    expect(sections[0]?.links[0]).toEqual({ label: 'Overview', to: '/', exact: true })
    expect(sections.find((s) => s.title === 'Workloads')?.links.map((l) => l.label)).toEqual(['Deployments', 'ReplicaSets', 'DaemonSets', 'Pods'])
    expect(sections.find((s) => s.title === 'Config')?.links.map((l) => l.label)).toEqual(['ConfigMaps', 'Secrets'])
  })
})

describe('nextLinkIndex', () => {
  it.each([
    [0, 5, 'ArrowDown', 1],
    [4, 5, 'ArrowDown', 0],
    [0, 5, 'ArrowUp', 4],
    [-1, 5, 'ArrowDown', 0],
    [3, 5, 'Home', 0],
    [1, 5, 'End', 4],
    [1, 5, 'Enter', null],
    [0, 0, 'ArrowDown', null],
  ])('from %d of %d, %s goes to %s', (current, count, key, expected) => expect(nextLinkIndex(current, count, key)).toBe(expected))
})
