import { describe, expect, it } from 'vitest'
import { fitErrorMessage, NO_NODES_MESSAGE } from './fit-error.ts'
import { unresolvable, unschedulable, type Status } from './types.ts'

describe('fitErrorMessage', () => {
  it.each<[string, number, Status[], string]>([
    ['no nodes', 0, [], NO_NODES_MESSAGE],
    [
      'the issue’s example, reasons counted and sorted',
      3,
      [unschedulable('Insufficient memory'), unresolvable('node(s) had untolerated taint {k: v}'), unschedulable('Insufficient memory')],
      '0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient memory.',
    ],
    [
      'a node with two reasons counts in both',
      2,
      [unschedulable('Insufficient cpu', 'Insufficient memory'), unschedulable('Insufficient memory')],
      '0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.',
    ],
    ['one reason for all', 1, [unschedulable('Too many pods')], '0/1 nodes are available: 1 Too many pods.'],
  ])('%s', (_what, all, refusals, message) => {
    expect(fitErrorMessage(all, refusals)).toBe(message)
  })
})
