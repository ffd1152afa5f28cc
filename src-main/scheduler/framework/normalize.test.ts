import { describe, expect, it } from 'vitest'
import { normalizeMinMax, normalizeToMax } from './normalize.ts'

const scores = (values: number[]) => values.map((score, i) => ({ name: `n${i}`, score }))
const run = (fn: (s: { name: string; score: number }[]) => void, values: number[]) => {
  const s = scores(values)
  fn(s)
  return s.map((x) => x.score)
}

describe('normalizeToMax', () => {
  it.each<[string, number[], boolean, number[]]>([
    ['the best becomes 100', [10, 5, 0], false, [100, 50, 0]],
    ['equal scores all become 100', [7, 7, 7], false, [100, 100, 100]],
    ['all zero stays zero', [0, 0], false, [0, 0]],
    ['reversed: fewer is better', [2, 1, 0], true, [0, 50, 100]],
    ['reversed, all zero: all best', [0, 0], true, [100, 100]],
    ['no nodes', [], false, []],
  ])('%s', (_what, values, reverse, expected) => {
    expect(run((s) => normalizeToMax(s, reverse), values)).toEqual(expected)
  })
})

describe('normalizeMinMax', () => {
  it.each<[string, number[], number[]]>([
    ['negative to positive spans 0–100', [-10, 0, 10], [0, 50, 100]],
    ['equal scores all become 0 (no preference)', [3, 3], [0, 0]],
    ['one node', [42], [0]],
    ['no nodes', [], []],
  ])('%s', (_what, values, expected) => {
    expect(run(normalizeMinMax, values)).toEqual(expected)
  })
})
