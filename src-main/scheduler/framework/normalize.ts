// Kubernetes' DefaultNormalizeScore: scale raw scores so the best is MAX_NODE_SCORE, optionally
// reversed (for counts where fewer is better). All zero stays all zero (or all max, reversed).

import { MAX_NODE_SCORE, type NodeScore } from './types.ts'

export function normalizeToMax(scores: NodeScore[], reverse = false): void {
  let max = 0
  for (const s of scores) max = Math.max(max, s.score)
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = MAX_NODE_SCORE
    return
  }
  for (const s of scores) {
    const scaled = Math.floor((MAX_NODE_SCORE * s.score) / max)
    s.score = reverse ? MAX_NODE_SCORE - scaled : scaled
  }
}

/** Min-max scaling to 0–MAX_NODE_SCORE (scores may be negative); equal scores all become 0. */
export function normalizeMinMax(scores: NodeScore[]): void {
  if (scores.length === 0) return
  let min = Infinity
  let max = -Infinity
  for (const s of scores) {
    min = Math.min(min, s.score)
    max = Math.max(max, s.score)
  }
  for (const s of scores) s.score = max > min ? Math.floor((MAX_NODE_SCORE * (s.score - min)) / (max - min)) : 0
}
