import { describe, expect, it } from 'vitest'
import { makePod } from '../../api/testing/builders.ts'
import { snapshotFromLists } from '../framework/snapshot.ts'
import { cycleStateFor, makeNode } from '../testing.ts'
import { imageLocality, MAX_CONTAINER_THRESHOLD_BYTES } from './image-locality.ts'

const MB = 1024 * 1024

describe('ImageLocality', () => {
  const snapshot = snapshotFromLists({
    nodes: [
      makeNode('has-app').withImage('registry.local/app:1', 100 * MB).obj(),
      makeNode('has-both').withImage('registry.local/app:1', 100 * MB).withImage('docker.io/library/busybox:latest', 20 * MB).obj(),
      makeNode('has-busybox').withImage('busybox:latest', 20 * MB).obj(),
      makeNode('empty').obj(),
    ],
  })
  const score = (images: string[]): Record<string, number> => {
    const pod = makePod().obj()
    for (const [i, image] of images.entries()) pod.spec?.containers.push({ name: `c${i}`, image })
    const state = cycleStateFor(pod)
    imageLocality.preScore(state, pod, snapshot.nodes(), snapshot)
    return Object.fromEntries(snapshot.nodes().map((n) => [n.name, imageLocality.score(state, pod, n)]))
  }

  it('prefers nodes holding the image, scaled by size and by how many nodes have it', () => {
    // 100 MB on 2 of 4 nodes: 50 MB of a 200 MB range = 25.
    expect(score(['registry.local/app:1'])).toEqual({ 'has-app': 25, 'has-both': 25, 'has-busybox': 0, empty: 0 })
  })

  it('matches Docker and Kubernetes spellings of one image (busybox = docker.io/library/busybox:latest)', () => {
    const scores = score(['busybox'])
    expect(scores['has-both']).toBe(scores['has-busybox'])
    expect(scores.empty).toBe(0)
  })

  it('sums over containers against a range that grows with them', () => {
    const both = score(['registry.local/app:1', 'busybox'])
    expect(both['has-both']).toBeGreaterThan(both['has-app'] ?? 0)
  })

  it('caps at 100', () => {
    const big = snapshotFromLists({ nodes: [makeNode('n').withImage('huge:1', 10 * MAX_CONTAINER_THRESHOLD_BYTES).obj()] })
    const pod = makePod().withContainer({ name: 'c', image: 'huge:1' }).obj()
    const state = cycleStateFor(pod)
    imageLocality.preScore(state, pod, big.nodes(), big)
    expect(big.nodes().map((n) => imageLocality.score(state, pod, n))).toEqual([100])
  })
})
