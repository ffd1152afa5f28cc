import { describe, expect, it } from 'vitest'
import { toleratesTaint } from './taints.ts'
import type { Taint } from './types/core.ts'
import type { Toleration } from './types/pod.ts'

const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }
const dedicated: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }

describe('toleratesTaint', () => {
  const cases: [string, Toleration, Taint, boolean][] = [
    ['Exists on the key, any effect', { key: unreachable.key, operator: 'Exists' }, unreachable, true],
    ['Exists on the key and effect', { key: unreachable.key, operator: 'Exists', effect: 'NoExecute' }, unreachable, true],
    ['another effect', { key: unreachable.key, operator: 'Exists', effect: 'NoSchedule' }, unreachable, false],
    ['empty key with Exists tolerates everything', { operator: 'Exists' }, dedicated, true],
    ['Equal with the value', { key: 'dedicated', value: 'gpu' }, dedicated, true],
    ['Equal (explicit) with another value', { key: 'dedicated', operator: 'Equal', value: 'cpu' }, dedicated, false],
    ['Equal without value against a taint without value', { key: unreachable.key, operator: 'Equal' }, unreachable, true],
    ['Equal without value against a valued taint', { key: 'dedicated' }, dedicated, false],
    ['another key', { key: 'other', operator: 'Exists' }, dedicated, false],
    ['empty key with Equal matches nothing', { operator: 'Equal', value: 'gpu' }, dedicated, false],
    ['empty operator means Equal', { key: 'dedicated', operator: '', value: 'gpu' }, dedicated, true],
  ]
  it.each(cases)('%s', (_, toleration, taint, want) => {
    expect(toleratesTaint(toleration, taint)).toBe(want)
  })
})
