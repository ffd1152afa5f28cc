import { beforeEach, describe, expect, it } from 'vitest'
import { makePod } from '../api/testing/builders.ts'
import { admin, newTestServer, ref, type TestServer } from '../apiserver/testing.ts'
import { explainPod } from './explain.ts'
import { createNode, makeNode, podRequesting } from './testing.ts'

describe('explainPod', () => {
  let s: TestServer
  beforeEach(async () => {
    s = await newTestServer()
    await createNode(s.api, makeNode('big').withAllocatable({ memory: '4Gi' }).obj(), admin)
    await createNode(s.api, makeNode('small').withAllocatable({ memory: '256Mi' }).obj(), admin)
    await createNode(s.api, makeNode('off').withAllocatable({ memory: '256Mi' }).cordoned().withTaint('k', 'v', 'NoSchedule').obj(), admin)
  })

  it('shows every refusing plugin per node and every score of the feasible ones', async () => {
    await s.api.create(ref.pods('default'), podRequesting('web', { memory: '1Gi' }), admin)
    const e = await explainPod(s.api, 'default', 'web', admin)
    expect(e).toMatchObject({ kind: 'SchedulingExplanation', apiVersion: 'coxswain.dev/v1alpha1', metadata: { name: 'web', namespace: 'default' }, schedulerName: 'default-scheduler', wouldSchedule: 'big', message: 'would be placed on big' })
    expect(e.nodes.map((n) => [n.node, n.feasible, n.filters.map((f) => `${f.plugin}: ${f.reasons.join('; ')}`)])).toEqual([
      ['big', true, []],
      ['off', false, ['NodeUnschedulable: node(s) were unschedulable', 'TaintToleration: node(s) had untolerated taint {k: v}', 'NodeResourcesFit: Insufficient memory']],
      ['small', false, ['NodeResourcesFit: Insufficient memory']],
    ])
    const big = e.nodes[0]
    expect(big?.scores?.find((x) => x.plugin === 'NodeResourcesFit')).toMatchObject({ weight: 1 })
    expect(big?.total).toBe(big?.scores?.reduce((sum, x) => sum + x.weighted, 0))
  })

  it('gives the FailedScheduling words when nothing fits', async () => {
    await s.api.create(ref.pods('default'), podRequesting('huge', { memory: '64Gi' }), admin)
    const e = await explainPod(s.api, 'default', 'huge', admin)
    expect(e.wouldSchedule).toBeNull()
    // In explain mode every refusing plugin is counted, so "off" adds three reasons.
    expect(e.message).toBe('0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 1 node(s) were unschedulable, 3 Insufficient memory.')
  })

  it('explains a bound pod as if placing it again, without counting itself', async () => {
    const placed = podRequesting('placed', { memory: '3Gi' })
    if (placed.spec) placed.spec.nodeName = 'big'
    await s.api.create(ref.pods('default'), placed, admin)
    const e = await explainPod(s.api, 'default', 'placed', admin)
    expect(e).toMatchObject({ nodeName: 'big', wouldSchedule: 'big' })
  })

  it('answers NotFound for a pod that does not exist', async () => {
    await expect(explainPod(s.api, 'default', 'ghost', admin)).rejects.toMatchObject({ code: 404 })
  })

  it('reports a pod refused before any node is looked at', async () => {
    await s.api.create(ref.pods('default'), makePod('pinned').withContainer().withSpec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['small'] }] }] } } } }).obj(), admin)
    const e = await explainPod(s.api, 'default', 'pinned', admin)
    expect(e.wouldSchedule).toBe('small')
    expect(e.nodes.find((n) => n.node === 'big')?.filters[0]).toEqual({ plugin: 'NodeAffinity', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] })
  })
})
