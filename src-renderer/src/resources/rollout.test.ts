import { describe, expect, it } from 'vitest'
import { makeDeployment } from '../../../src-main/api/testing/builders.ts'
import type { ReplicaSet } from '../../../src-main/api/types/apps.ts'
import { pausePatch, previousRevision, restartPatch, rolloutHistory, undoPatch } from './rollout.ts'

const deployment = { ...makeDeployment('web').obj(), metadata: { name: 'web', namespace: 'default', uid: 'd-1' } }

function replicaSet(name: string, revision: string | undefined, image: string, owner = 'd-1'): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      annotations: revision ? { 'deployment.kubernetes.io/revision': revision } : {},
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner, controller: true }],
    },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', 'pod-template-hash': name.split('-')[1] ?? '' } }, spec: { containers: [{ name: 'web', image }] } },
    },
    status: { replicas: 1 },
  } as ReplicaSet
}

const sets = [
  replicaSet('web-aaa', '1', 'nginx:1.25'),
  replicaSet('web-ccc', '3', 'nginx:1.27'),
  replicaSet('web-bbb', '2', 'nginx:1.26'),
  replicaSet('web-ddd', undefined, 'nginx:0'),
  replicaSet('other-eee', '9', 'redis', 'someone-else'),
]

describe('rolloutHistory', () => {
  it('lists the deployment’s revisions newest first, the newest current', () => {
    expect(rolloutHistory(deployment, sets).map((e) => [e.revision, e.images, e.current])).toEqual([
      [3, 'nginx:1.27', true],
      [2, 'nginx:1.26', false],
      [1, 'nginx:1.25', false],
    ])
  })

  it('is empty before the controller made any ReplicaSet', () => {
    expect(rolloutHistory(deployment, [])).toEqual([])
    expect(previousRevision(deployment, [])).toBeNull()
  })
})

describe('undo', () => {
  it('goes back to the previous revision’s template, without the pod-template-hash label', () => {
    const previous = previousRevision(deployment, sets)
    expect(previous?.metadata.name).toBe('web-bbb')
    const patch = undoPatch(previous as ReplicaSet)
    expect(patch).toEqual([
      { op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } } },
    ])
    // The ReplicaSet itself is untouched.
    expect(previous?.spec?.template?.metadata?.labels?.['pod-template-hash']).toBe('bbb')
  })
})

describe('pause, resume, restart', () => {
  it.each([
    [pausePatch(true), { spec: { paused: true } }],
    [pausePatch(false), { spec: { paused: false } }],
    [restartPatch(new Date('2026-01-01T00:00:00Z')), { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00.000Z' } } } } }],
  ])('%j', (patch, expected) => expect(patch).toEqual(expected))
})
