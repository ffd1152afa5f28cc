import { describe, expect, it } from 'vitest'
import { makeDeployment } from '../../../src-main/api/testing/builders.ts'
import type { Deployment } from '../../../src-main/api/types/apps.ts'
import { readinessTone, rolloutStatus } from './workloads.ts'

const withStatus = (d: Deployment, status: Deployment['status'], generation = 1): Deployment => ({ ...d, metadata: { ...d.metadata, generation }, status })

describe('rolloutStatus', () => {
  const d = makeDeployment('web').withReplicas(3).obj()
  it.each([
    ['finished', withStatus(d, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), true, 'successfully rolled out'],
    ['not yet observed', withStatus(d, { observedGeneration: 1 }, 2), false, 'Waiting for deployment spec update to be observed'],
    ['new replicas being created', withStatus(d, { observedGeneration: 1, replicas: 3, updatedReplicas: 1 }), false, '1 out of 3 new replicas have been updated'],
    ['old replicas terminating', withStatus(d, { observedGeneration: 1, replicas: 5, updatedReplicas: 3, availableReplicas: 3 }), false, '2 old replicas are pending termination'],
    ['updated but not available', withStatus(d, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 1 }), false, '1 of 3 updated replicas are available'],
    [
      'past its deadline',
      withStatus(d, { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }),
      false,
      'exceeded its progress deadline',
    ],
    ['paused', makeDeployment('web').withReplicas(3).withSpec({ paused: true }).obj(), false, 'is paused'],
  ])('%s', (_name, deployment, done, message) => {
    const status = rolloutStatus(deployment)
    expect(status.done).toBe(done)
    expect(status.message).toContain(message)
  })
})

describe('readinessTone', () => {
  it.each([
    [3, 3, 'ok'],
    [0, 0, 'ok'],
    [1, 3, 'pending'],
    [0, 3, 'error'],
  ] as const)('%d of %d ready is %s', (ready, desired, tone) => expect(readinessTone(ready, desired)).toBe(tone))
})
