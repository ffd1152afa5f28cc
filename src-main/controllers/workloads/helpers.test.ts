import { describe, expect, it } from 'vitest'
import type { Pod } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { claimAction } from './controller-ref.ts'
import { Expectations } from './expectations.ts'
import { resolveFenceposts, scaledValue } from './int-or-percent.ts'
import { podsToDelete } from './pod-ranking.ts'
import { isPodAvailable } from './pod-state.ts'
import { slowStartBatch } from './slow-start.ts'
import { computeTemplateHash, equalIgnoringHash } from './template-hash.ts'

describe('int or percent', () => {
  it.each([
    [3, 10, true, 3],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['0%', 10, true, 0],
    ['100%', 7, false, 7],
    [undefined, 4, true, 1],
  ] as const)('%s of %s (round up %s) is %s', (value, total, up, expected) => {
    expect(scaledValue(value, total, up, '25%')).toBe(expected)
  })

  it('never lets both fenceposts be zero', () => {
    expect(resolveFenceposts(0, 0, 3)).toEqual({ surge: 0, unavailable: 1 })
    expect(resolveFenceposts('0%', '10%', 3)).toEqual({ surge: 0, unavailable: 1 })
  })
})

describe('template hash', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } }

  it('is stable, independent of key order, and safe-encoded', () => {
    const reordered = { spec: { containers: [{ image: 'nginx', name: 'web' }] }, metadata: { labels: { app: 'web' } } }
    expect(computeTemplateHash(template)).toBe(computeTemplateHash(reordered))
    expect(computeTemplateHash(template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/)
  })

  it('changes with the template and with the collision count', () => {
    const other = { ...template, spec: { containers: [{ name: 'web', image: 'nginx:2' }] } }
    expect(computeTemplateHash(other)).not.toBe(computeTemplateHash(template))
    expect(computeTemplateHash(template, 1)).not.toBe(computeTemplateHash(template))
  })

  it('reads unset the same however it is written (kubectl sends resources: {} and creationTimestamp: null)', () => {
    const asKubectlSends = { metadata: { labels: { app: 'web' }, creationTimestamp: null }, spec: { containers: [{ name: 'web', image: 'nginx', resources: {} }], volumes: [] } }
    expect(equalIgnoringHash(asKubectlSends as never, template)).toBe(true)
    expect(computeTemplateHash(asKubectlSends as never)).toBe(computeTemplateHash(template))
  })

  it('compares templates ignoring the pod-template-hash label', () => {
    const labelled = { ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } }
    expect(equalIgnoringHash(labelled, template)).toBe(true)
    expect(equalIgnoringHash({ ...labelled, metadata: { labels: { app: 'api', 'pod-template-hash': 'abc' } } }, template)).toBe(false)
  })
})

describe('deletion ranking', () => {
  const pod = (name: string, f: (b: ReturnType<typeof makePod>) => ReturnType<typeof makePod> = (b) => b): Pod => f(makePod(name).createdAt('2026-01-01T00:00:00Z')).obj()
  const running = (b: ReturnType<typeof makePod>, ready: boolean) =>
    b.onNode('n1').withStatus({ phase: 'Running' }).withCondition('Ready', ready ? 'True' : 'False').withContainerStatus({ name: 'web', ready, restartCount: 0 })

  it.each([
    ['unscheduled before scheduled', [pod('sched', (b) => b.onNode('n1')), pod('unsched')], 'unsched'],
    ['pending before running', [pod('run', (b) => running(b, true)), pod('pend', (b) => b.onNode('n1').withStatus({ phase: 'Pending' }))], 'pend'],
    ['not ready before ready', [pod('ready', (b) => running(b, true)), pod('notready', (b) => running(b, false))], 'notready'],
    ['newer before older', [pod('old', (b) => running(b, true)), pod('new', (b) => running(b, true).createdAt('2026-01-02T00:00:00Z'))], 'new'],
    ['doubled-up node before a lone pod', [pod('alone', (b) => running(b, true).onNode('n2')), pod('a', (b) => running(b, true)), pod('b', (b) => running(b, true).createdAt('2025-12-01T00:00:00Z'))], 'a'],
  ])('%s', (_, pods, first) => {
    expect(podsToDelete(pods, pods, 1).map((p) => p.metadata.name)).toEqual([first])
  })

  it('counts more restarts as less valuable', () => {
    const a = makePod('a').onNode('n1').withStatus({ phase: 'Running' }).withCondition('Ready', 'True').withContainerStatus({ name: 'web', restartCount: 5 }).obj()
    const b = makePod('b').onNode('n2').withStatus({ phase: 'Running' }).withCondition('Ready', 'True').withContainerStatus({ name: 'web', restartCount: 0 }).obj()
    expect(podsToDelete([b, a], [b, a], 1)[0]?.metadata.name).toBe('a')
  })
})

describe('claimAction', () => {
  const owner = { metadata: { name: 'rs', uid: 'u1' } }
  const selector = { matchLabels: { app: 'web' } }
  const ref = (uid: string) => [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid, controller: true }]
  it.each([
    ['orphan that matches: adopt', { metadata: { labels: { app: 'web' } } }, 'adopt'],
    ['orphan that does not match: ignore', { metadata: { labels: { app: 'db' } } }, 'ignore'],
    ['ours and matching: keep', { metadata: { labels: { app: 'web' }, ownerReferences: ref('u1') } }, 'keep'],
    ['ours, no longer matching: release', { metadata: { labels: { app: 'db' }, ownerReferences: ref('u1') } }, 'release'],
    ['someone else’s: ignore', { metadata: { labels: { app: 'web' }, ownerReferences: ref('u2') } }, 'ignore'],
    ['deleting orphan: ignore', { metadata: { labels: { app: 'web' }, deletionTimestamp: '2026-01-01T00:00:00Z' } }, 'ignore'],
  ])('%s', (_, obj, action) => {
    expect(claimAction(owner, selector, obj)).toBe(action)
  })

  it('a deleting owner neither adopts nor releases', () => {
    const deleting = { metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }
    expect(claimAction(deleting, selector, { metadata: { labels: { app: 'web' } } })).toBe('ignore')
    expect(claimAction(deleting, selector, { metadata: { labels: { app: 'db' }, ownerReferences: ref('u1') } })).toBe('keep')
  })
})

describe('expectations', () => {
  it('holds an owner until its creates and deletes are observed, each delete once', () => {
    const e = new Expectations(() => 0)
    expect(e.satisfied('rs')).toBe(true)
    e.expectCreations('rs', 2)
    e.expectDeletions('rs', ['ns/a'])
    e.creationObserved('rs')
    expect(e.satisfied('rs')).toBe(false)
    e.creationObserved('rs')
    e.deletionObserved('rs', 'ns/a')
    e.deletionObserved('rs', 'ns/a')
    expect(e.satisfied('rs')).toBe(true)
  })

  it('expires, so a lost event cannot stall an owner', () => {
    let now = 0
    const e = new Expectations(() => now, 1000)
    e.expectCreations('rs', 1)
    expect(e.satisfied('rs')).toBe(false)
    now = 1001
    expect(e.satisfied('rs')).toBe(true)
  })
})

describe('slowStartBatch', () => {
  it('runs batches of 1, 2, 4, … and stops after a batch with a failure', async () => {
    let calls = 0
    expect(await slowStartBatch(10, 1, async () => void calls++)).toEqual({ succeeded: 10 })
    expect(calls).toBe(10)
    calls = 0
    const result = await slowStartBatch(10, 1, async () => {
      calls++
      if (calls === 2) throw new Error('quota')
    })
    expect(calls).toBe(3)
    expect(result.succeeded).toBe(2)
  })
})

describe('isPodAvailable', () => {
  const ready = makePod('p').withStatus({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] }).obj()
  it.each([
    [0, '2026-01-01T00:00:00Z', true],
    [10, '2026-01-01T00:00:09Z', false],
    [10, '2026-01-01T00:00:10Z', true],
  ])('minReadySeconds %s at %s: %s', (minReady, at, expected) => {
    expect(isPodAvailable(ready, minReady, new Date(at))).toBe(expected)
  })
})
