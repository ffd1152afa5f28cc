import { beforeEach, describe, expect, it } from 'vitest'
import { makeDeployment, makePod } from '../api/testing/builders.ts'
import type { Deployment, Pod } from '../api/index.ts'
import { ApiError } from './errors.ts'
import { admin, dryRun, makeNode, newTestServer, ref, type TestServer } from './testing.ts'

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('expected a rejection')
}

const binding = (pod: string, node: string, extra: object = {}) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: pod, ...extra }, target: { kind: 'Node', name: node } })

describe('subresources', () => {
  let s: TestServer
  beforeEach(async () => {
    s = await newTestServer()
  })

  describe('status', () => {
    it('a status write changes status only, whatever else the body says', async () => {
      const { object } = await s.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
      const body = { ...object, spec: { ...(object as Deployment).spec, replicas: 99 }, status: { replicas: 3, readyReplicas: 2 } }
      const { object: updated } = await s.api.update(ref.deployments('default', 'web', 'status'), body, admin)
      expect(updated).toMatchObject({ spec: { replicas: 3 }, status: { replicas: 3, readyReplicas: 2 } })
      expect(updated.metadata.generation).toBe(1)
    })

    it('a main-resource write ignores status changes', async () => {
      await s.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
      await s.api.patch(ref.deployments('default', 'web', 'status'), 'application/merge-patch+json', { status: { replicas: 3 } }, admin)
      const { object } = await s.api.patch(ref.deployments('default', 'web'), 'application/merge-patch+json', { spec: { replicas: 4 }, status: { replicas: 0 } }, admin)
      expect(object).toMatchObject({ spec: { replicas: 4 }, status: { replicas: 3 } })
    })

    it('a status write keeps an apps object’s labels and a pod’s owner references, as Kubernetes', async () => {
      await s.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
      const d = await s.api.patch(ref.deployments('default', 'web', 'status'), 'application/merge-patch+json', { metadata: { labels: { x: 'y' }, annotations: { a: 'b' } } }, admin)
      expect(d.object.metadata.labels).toEqual({ app: 'web' })
      expect(d.object.metadata.annotations).toEqual({ a: 'b' })
      await s.api.create(ref.pods('default'), makePod('p').withContainer().obj(), admin)
      const owner = [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u' }]
      const p = await s.api.patch(ref.pods('default', 'p', 'status'), 'application/merge-patch+json', { metadata: { ownerReferences: owner }, status: { phase: 'Running' } }, admin)
      expect(p.object.metadata.ownerReferences).toBeUndefined()
      expect((p.object as Pod).status?.phase).toBe('Running')
    })

    it('a status write is validated with the kind’s status rules', async () => {
      await s.api.create(ref.pods('default'), makePod('p').withContainer().obj(), admin)
      const err = await rejection(s.api.patch(ref.pods('default', 'p', 'status'), 'application/merge-patch+json', { status: { podIPs: [{ ip: 'not-an-ip' }] } }, admin))
      expect(err.code).toBe(422)
      expect(err.causes[0]?.field).toBe('status.podIPs[0].ip')
    })

    it('reads the whole object', async () => {
      const { object } = await s.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
      expect(await s.api.get(ref.deployments('default', 'web', 'status'), admin)).toEqual(object)
    })

    it('answers 404 for kinds without it', async () => {
      expect((await rejection(s.api.get({ ...ref.configmaps('default', 'x'), subresource: 'status' }, admin))).code).toBe(404)
    })
  })

  describe('scale', () => {
    it('reads an autoscaling/v1 Scale with the selector as a string', async () => {
      const { object } = await s.api.create(ref.deployments('default'), makeDeployment('web').withReplicas(2).obj(), admin)
      expect(await s.api.get(ref.deployments('default', 'web', 'scale'), admin)).toEqual({
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'web', namespace: 'default', uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion, creationTimestamp: object.metadata.creationTimestamp },
        spec: { replicas: 2 },
        status: { replicas: 0, selector: 'app=web' },
      })
    })

    it('writes spec.replicas back (PUT and PATCH), bumping generation', async () => {
      await s.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
      const put = await s.api.update(ref.deployments('default', 'web', 'scale'), { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 5 } }, admin)
      expect(put.object).toMatchObject({ kind: 'Scale', spec: { replicas: 5 } })
      const patched = await s.api.patch(ref.deployments('default', 'web', 'scale'), 'application/merge-patch+json', { spec: { replicas: 1 } }, admin)
      expect(patched.object).toMatchObject({ kind: 'Scale', spec: { replicas: 1 } })
      const d = (await s.api.get(ref.deployments('default', 'web'), admin)) as Deployment
      expect(d.spec?.replicas).toBe(1)
      expect(d.metadata.generation).toBe(3)
    })

    it('works for ReplicaSets too', async () => {
      const d = makeDeployment('rs').obj()
      await s.api.create(ref.replicasets('default'), { ...d, kind: 'ReplicaSet' }, admin)
      const { object } = await s.api.patch(ref.replicasets('default', 'rs', 'scale'), 'application/merge-patch+json', { spec: { replicas: 0 } }, admin)
      expect(object).toMatchObject({ spec: { replicas: 0 } })
    })

    it('refuses negative replicas as an invalid Scale, a stale resourceVersion as a Conflict', async () => {
      const { object } = await s.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
      const negative = await rejection(s.api.patch(ref.deployments('default', 'web', 'scale'), 'application/merge-patch+json', { spec: { replicas: -1 } }, admin))
      expect(negative.status).toMatchObject({ code: 422, message: 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0' })
      await s.api.patch(ref.deployments('default', 'web', 'scale'), 'application/merge-patch+json', { spec: { replicas: 2 } }, admin)
      const stale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', resourceVersion: object.metadata.resourceVersion }, spec: { replicas: 7 } }
      expect((await rejection(s.api.update(ref.deployments('default', 'web', 'scale'), stale, admin))).code).toBe(409)
    })

    it('answers 404 for kinds without it', async () => {
      await s.api.create(ref.pods('default'), makePod('p').withContainer().obj(), admin)
      expect((await rejection(s.api.get(ref.pods('default', 'p', 'scale'), admin))).code).toBe(404)
    })
  })

  describe('binding', () => {
    it('binds a pod to a node once, marking it PodScheduled', async () => {
      await s.api.create(ref.nodes(), makeNode('n1').obj(), admin)
      await s.api.create(ref.pods('default'), makePod('p').withContainer().obj(), admin)
      const { object, created } = await s.api.create(ref.pods('default', 'p', 'binding'), binding('p', 'n1'), admin)
      expect(created).toBe(true)
      expect(object).toMatchObject({ kind: 'Status', status: 'Success', code: 201 })
      const pod = (await s.api.get(ref.pods('default', 'p'), admin)) as Pod
      expect(pod.spec?.nodeName).toBe('n1')
      expect(pod.status?.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-02T03:04:05Z' }])
    })

    it('answers Conflict when the pod is already bound', async () => {
      await s.api.create(ref.pods('default'), makePod('p').withContainer().onNode('n1').obj(), admin)
      const err = await rejection(s.api.create(ref.pods('default', 'p', 'binding'), binding('p', 'n2'), admin))
      expect(err.status).toMatchObject({ code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"' })
    })

    it('checks the binding’s name, uid precondition and target', async () => {
      await s.api.create(ref.pods('default'), makePod('p').withContainer().obj(), admin)
      expect((await rejection(s.api.create(ref.pods('default', 'p', 'binding'), binding('q', 'n1'), admin))).code).toBe(400)
      expect((await rejection(s.api.create(ref.pods('default', 'p', 'binding'), binding('p', 'n1', { uid: 'other' }), admin))).code).toBe(409)
      const noTarget = await rejection(s.api.create(ref.pods('default', 'p', 'binding'), { metadata: { name: 'p' }, target: { kind: 'Node' } }, admin))
      expect(noTarget.status).toMatchObject({ code: 422, details: { kind: 'Binding' } })
      expect(((await s.api.get(ref.pods('default', 'p'), admin)) as Pod).spec?.nodeName).toBeUndefined()
    })

    it('with dryRun binds nothing', async () => {
      await s.api.create(ref.pods('default'), makePod('p').withContainer().obj(), admin)
      await s.api.create(ref.pods('default', 'p', 'binding'), binding('p', 'n1'), dryRun)
      expect(((await s.api.get(ref.pods('default', 'p'), admin)) as Pod).spec?.nodeName).toBeUndefined()
    })
  })

  describe('eviction', () => {
    it('deletes the pod with the eviction’s options', async () => {
      await s.api.create(ref.pods('default'), makePod('p').withContainer().obj(), admin)
      const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p' }, deleteOptions: { gracePeriodSeconds: 0 } }
      const { object } = await s.api.create(ref.pods('default', 'p', 'eviction'), eviction, admin)
      expect(object).toMatchObject({ kind: 'Status', status: 'Success', code: 201 })
      expect((await rejection(s.api.get(ref.pods('default', 'p'), admin))).code).toBe(404)
    })
  })

  it('pods/log and pods/exec are not served here (the node agent streams them)', async () => {
    expect((await rejection(s.api.get(ref.pods('default', 'p', 'log'), admin))).code).toBe(405)
  })
})
