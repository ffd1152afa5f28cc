// ImageLocality: prefer nodes that already hold the pod's images — a home lab pulls slowly. As
// Kubernetes, each image present counts its size scaled by the share of nodes that have it (so an
// image on one node of many does not drag every replica there), clamped and scaled to 0–100.
// Coxswain's range is 0–MAX_CONTAINER_THRESHOLD_BYTES per container, lower than Kubernetes'
// 23 MB–1000 MB: small images (busybox is 2 MB) must count too.

import type { PreScorePlugin, ScorePlugin } from '../framework/types.ts'
import { MAX_NODE_SCORE } from '../framework/types.ts'
import { normalizeImage } from '../framework/node-info.ts'
import type { Snapshot } from '../framework/snapshot.ts'

export const NAME = 'ImageLocality'
export const MAX_CONTAINER_THRESHOLD_BYTES = 200 * 1024 * 1024

interface State {
  images: string[]
  /** Per image (same order): the share of nodes that hold it. */
  spread: number[]
}

const KEY = `${NAME}/state`

export const imageLocality: PreScorePlugin & ScorePlugin = {
  name: NAME,
  preScore(state, pod, _nodes, snapshot: Snapshot) {
    const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
    const images = containers.map((c) => normalizeImage(c.image ?? ''))
    const total = Math.max(1, snapshot.nodes().length)
    state.write(KEY, { images, spread: images.map((i) => snapshot.imageNodeCount(i) / total) } satisfies State)
  },
  score(state, _pod, node) {
    const s = state.read<State>(KEY)
    if (!s || s.images.length === 0 || node.images.size === 0) return 0
    let sum = 0
    for (let i = 0; i < s.images.length; i++) {
      const size = node.images.get(s.images[i] ?? '')
      if (size !== undefined) sum += size * (s.spread[i] ?? 0)
    }
    const max = MAX_CONTAINER_THRESHOLD_BYTES * s.images.length
    return Math.floor((MAX_NODE_SCORE * Math.min(sum, max)) / max)
  },
}
