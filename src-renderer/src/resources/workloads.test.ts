import { describe, expect, it } from 'vitest'
import { makeDeployment } from '../../../src-main/api/testing/builders.ts'
import type { DaemonSet, Deployment, ReplicaSet } from '../../../src-main/api/types/apps.ts'
import type { ColumnSpec, RowContext } from './columns.ts'
import { daemonSetColumns, deploymentColumns, readinessTone, replicaSetColumns, rolloutStatus } from './workloads.ts'

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

describe('the workload lists\' Ready and Image columns', () => {
  const ctx = { now: 0 } as unknown as RowContext
  const column = <T extends Deployment | ReplicaSet | DaemonSet>(columns: ColumnSpec<T>[], id: string): ColumnSpec<T> => {
    const found = columns.find((c) => c.id === id)
    if (!found) throw new Error(`no column ${id}`)
    return found
  }
  const template = { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox:1.36' }] } }
  const deployment: Deployment = { ...makeDeployment('web').withReplicas(3).obj(), status: { readyReplicas: 1 } }
  const replicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1' }, spec: { replicas: 2, selector: {}, template }, status: { replicas: 2, readyReplicas: 2 } } as ReplicaSet
  const daemonSet = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: {}, template }, status: { numberReady: 0, desiredNumberScheduled: 3 } } as DaemonSet

  it('shows ready of desired, toned by readiness', () => {
    expect([column(deploymentColumns, 'ready').text(deployment, ctx), column(deploymentColumns, 'ready').tone?.(deployment, ctx)]).toEqual(['1/3', 'pending'])
    expect([column(replicaSetColumns, 'ready').text(replicaSet, ctx), column(replicaSetColumns, 'ready').tone?.(replicaSet, ctx)]).toEqual(['2/2', 'ok'])
    expect([column(daemonSetColumns, 'ready').text(daemonSet, ctx), column(daemonSetColumns, 'ready').tone?.(daemonSet, ctx)]).toEqual(['0/3', 'error'])
  })

  it('sorts Deployments by how many replicas are missing; the others by their text', () => {
    expect(column(deploymentColumns, 'ready').sortValue?.(deployment, ctx)).toBe(-2)
    expect(column(replicaSetColumns, 'ready').sortValue).toBeUndefined()
    expect(column(daemonSetColumns, 'ready').sortValue).toBeUndefined()
  })

  it('lists the pod template\'s images in container order', () => {
    expect(column(replicaSetColumns, 'image').text(replicaSet, ctx)).toBe('nginx:1.27, busybox:1.36')
    expect(column(daemonSetColumns, 'image').text(daemonSet, ctx)).toBe('nginx:1.27, busybox:1.36')
  })
})
