import { describe, expect, it } from 'vitest'
import type { Pod } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { cycleStateFor, makeNode, nodeInfo, podRequesting } from '../testing.ts'
import { nodeResourcesFit } from './node-resources-fit.ts'
import { balancedAllocation } from './balanced-allocation.ts'

const fit = nodeResourcesFit()
const node = (allocatable: Record<string, string>, pods: Pod[] = []) => nodeInfo(makeNode('n').withAllocatable(allocatable).obj(), pods)

describe('NodeResourcesFit filter', () => {
  it.each<[string, Record<string, string>, Pod[], Pod, string[]]>([
    ['fits in an empty node', { cpu: '2', memory: '1Gi' }, [], podRequesting('p', { cpu: '1', memory: '512Mi' }), []],
    ['fits exactly', { cpu: '1', memory: '1Gi' }, [podRequesting('a', { cpu: '500m', memory: '512Mi' })], podRequesting('p', { cpu: '500m', memory: '512Mi' }), []],
    ['counts what bound pods request', { cpu: '1', memory: '1Gi' }, [podRequesting('a', { memory: '800Mi' })], podRequesting('p', { memory: '300Mi' }), ['Insufficient memory']],
    ['names every short resource', { cpu: '1', memory: '1Gi' }, [], podRequesting('p', { cpu: '2', memory: '2Gi', 'ephemeral-storage': '200Gi' }), ['Insufficient cpu', 'Insufficient memory', 'Insufficient ephemeral-storage']],
    ['zero allocatable refuses any request', { cpu: '0', memory: '0' }, [], podRequesting('p', { cpu: '1m' }), ['Insufficient cpu']],
    ['a pod requesting nothing fits a full node', { cpu: '1', memory: '1Gi' }, [podRequesting('a', { cpu: '1', memory: '1Gi' })], makePod().withContainer().obj(), []],
    ['pods allocatable counts pods', { pods: '1' }, [podRequesting('a', {})], makePod().withContainer().obj(), ['Too many pods']],
    ['zero pods allocatable takes nothing', { pods: '0' }, [], makePod().withContainer().obj(), ['Too many pods']],
    ['extended resources must be allocatable', { 'example.com/gpu': '1' }, [], podRequesting('p', { 'example.com/gpu': '2' }), ['Insufficient example.com/gpu']],
    ['an unknown extended resource is insufficient', {}, [], podRequesting('p', { 'example.com/fpga': '1' }), ['Insufficient example.com/fpga']],
    [
      'init containers run alone: the larger of their max and the containers sum counts',
      { cpu: '1' },
      [],
      makePod().withInitContainer({ name: 'init', image: 'x', resources: { requests: { cpu: '900m' } } }).withContainer({ name: 'a', image: 'x', resources: { requests: { cpu: '300m' } } }).obj(),
      [],
    ],
    [
      'an init container larger than the node does not fit',
      { cpu: '1' },
      [],
      makePod().withInitContainer({ name: 'init', image: 'x', resources: { requests: { cpu: '1500m' } } }).withContainer().obj(),
      ['Insufficient cpu'],
    ],
  ])('%s', (_what, allocatable, pods, pod, reasons) => {
    expect(fit.filter(cycleStateFor(pod), pod, node(allocatable, pods))?.reasons ?? []).toEqual(reasons)
  })

  it('treats a node without allocatable as holding nothing', () => {
    const pod = makePod().withContainer().obj()
    expect(fit.filter(cycleStateFor(pod), pod, nodeInfo(makeNode('n').withoutAllocatable().obj()))?.reasons).toEqual(['Too many pods'])
  })
})

describe('NodeResourcesFit score', () => {
  const pod = podRequesting('p', { cpu: '1', memory: '1Gi' })
  const state = cycleStateFor(pod)
  it.each<[string, 'LeastAllocated' | 'MostAllocated', Record<string, string>, Pod[], number]>([
    ['LeastAllocated: an empty node scores high', 'LeastAllocated', { cpu: '4', memory: '4Gi' }, [], 75],
    ['LeastAllocated: a busier node scores lower', 'LeastAllocated', { cpu: '4', memory: '4Gi' }, [podRequesting('a', { cpu: '2', memory: '2Gi' })], 25],
    ['MostAllocated: the busier node scores higher', 'MostAllocated', { cpu: '4', memory: '4Gi' }, [podRequesting('a', { cpu: '2', memory: '2Gi' })], 75],
    ['zero allocatable scores 0', 'LeastAllocated', { cpu: '0', memory: '0' }, [], 0],
    ['over capacity scores 0', 'MostAllocated', { cpu: '500m', memory: '512Mi' }, [], 0],
  ])('%s', (_what, strategy, allocatable, pods, expected) => {
    expect(nodeResourcesFit(strategy).score(state, pod, node(allocatable, pods))).toBe(expected)
  })

  it('counts 100m and 200Mi for pods that request nothing, so they spread too', () => {
    const empty = makePod().withContainer().obj()
    const s = cycleStateFor(empty)
    const idle = node({ cpu: '1', memory: '1000Mi' })
    const busy = node({ cpu: '1', memory: '1000Mi' }, [makePod('a').withContainer().obj(), makePod('b').withContainer().obj()])
    expect(fit.score(s, empty, idle)).toBeGreaterThan(fit.score(s, empty, busy))
  })
})

describe('NodeResourcesBalancedAllocation', () => {
  it.each<[string, Record<string, string>, Pod[], number]>([
    ['equal shares of CPU and memory score 100', { cpu: '4', memory: '4Gi' }, [], 100],
    ['lopsided use scores lower', { cpu: '2', memory: '16Gi' }, [], 78],
    ['zero allocatable counts as full on both: balanced', { cpu: '0', memory: '0' }, [], 100],
  ])('%s', (_what, allocatable, pods, expected) => {
    const pod = podRequesting('p', { cpu: '1', memory: '1Gi' })
    expect(balancedAllocation.score(cycleStateFor(pod), pod, node(allocatable, pods))).toBe(expected)
  })
})
