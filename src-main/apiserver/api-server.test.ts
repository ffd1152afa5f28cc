import { beforeEach, describe, expect, it } from 'vitest'
import { makeDeployment, makePod } from '../api/testing/builders.ts'
import type { Deployment, KubeObject, Pod } from '../api/index.ts'
import { ApiServer } from './api-server.ts'
import { ApiError } from './errors.ts'
import { ApiWatchRecorder, admin, dryRun, makeConfigMap, makeNode, newTestServer, quietLog, ref, viewer, type TestServer } from './testing.ts'
import { MemoryStore } from '../store/index.ts'

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof ApiError) return err
    throw new Error(`expected an ApiError, got ${String(err)}`, { cause: err })
  }
  throw new Error('expected a rejection')
}

const web = (): Pod => makePod('web').withContainer().withLabels({ app: 'web' }).obj()

describe('ApiServer', () => {
  let s: TestServer
  beforeEach(async () => {
    s = await newTestServer()
  })

  describe('create', () => {
    it('stores a namespaced object with uid, creationTimestamp, generation 1 and its resourceVersion', async () => {
      const { object, created, warnings } = await s.api.create(ref.pods('default'), web(), admin)
      expect(created).toBe(true)
      expect(warnings).toEqual([])
      expect(object.metadata).toMatchObject({ name: 'web', namespace: 'default', creationTimestamp: '2026-01-02T03:04:05Z', generation: 1 })
      expect(object.metadata.uid).toMatch(/^uid-/)
      expect(await s.api.get(ref.pods('default', 'web'), admin)).toEqual(object)
      expect(object.metadata.resourceVersion).toBe(String(await s.store.currentRevision()))
    })

    it('stores a cluster-scoped object, dropping a namespace the body carries', async () => {
      const node = { ...makeNode('n1').obj(), metadata: { name: 'n1', namespace: 'default' } }
      const { object } = await s.api.create(ref.nodes(), node, admin)
      expect(object.metadata.namespace).toBeUndefined()
      expect((await s.api.get(ref.nodes('n1'), admin)).metadata.uid).toBe(object.metadata.uid)
    })

    it('fills in apiVersion, kind and the namespace from the URL', async () => {
      const bare = { metadata: { name: 'settings' }, data: { a: '1' } }
      const { object } = await s.api.create(ref.configmaps('kube-system'), bare, admin)
      expect(object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'kube-system' } })
    })

    it('overrides server-owned metadata the client sent and drops managedFields', async () => {
      const pod = web()
      pod.metadata = { ...pod.metadata, uid: 'mine', generation: 7, creationTimestamp: '2001-01-01T00:00:00Z', managedFields: [{ manager: 'kubectl' }] }
      const { object } = await s.api.create(ref.pods('default'), pod, admin)
      expect(object.metadata.uid).not.toBe('mine')
      expect(object.metadata.generation).toBe(1)
      expect(object.metadata.creationTimestamp).toBe('2026-01-02T03:04:05Z')
      expect(object.metadata.managedFields).toBeUndefined()
    })

    it('resets the status of kinds with a status subresource, and gives a pod phase Pending and its QoS class', async () => {
      const d = makeDeployment('web').obj() as Deployment
      d.status = { replicas: 9, readyReplicas: 9 }
      const created = (await s.api.create(ref.deployments('default'), d, admin)).object as Deployment
      expect(created.status).toBeUndefined()
      const pod = { ...web(), status: { phase: 'Running' as const, podIP: '10.0.0.1' } }
      const stored = (await s.api.create(ref.pods('default'), pod, admin)).object as Pod
      expect(stored.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' })
    })

    it('keeps a node’s status on create (a node registers with its capacity)', async () => {
      const node = { ...makeNode('n1').obj(), status: { capacity: { cpu: '2' } } }
      const { object } = await s.api.create(ref.nodes(), node, admin)
      expect(object).toMatchObject({ status: { capacity: { cpu: '2' }, allocatable: { cpu: '2' } } })
    })

    it('answers AlreadyExists (409) for a taken name', async () => {
      await s.api.create(ref.pods('default'), web(), admin)
      const err = await rejection(s.api.create(ref.pods('default'), web(), admin))
      expect(err.status).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "web" already exists', details: { name: 'web', kind: 'pods', group: '' } })
    })

    it('names an object from generateName with a random suffix, retrying on a collision', async () => {
      s = await newTestServer({ suffixes: ['abcde', 'abcde', 'fghij'] })
      const first = await s.api.create(ref.configmaps('default'), { metadata: { generateName: 'web-' } }, admin)
      const second = await s.api.create(ref.configmaps('default'), { metadata: { generateName: 'web-' } }, admin)
      expect(first.object.metadata.name).toBe('web-abcde')
      expect(second.object.metadata.name).toBe('web-fghij')
    })

    it('refuses a body whose kind or apiVersion is not the URL’s with 400, storing nothing', async () => {
      const before = await s.store.currentRevision()
      const asService = await rejection(s.api.create(ref.pods('default'), { ...web(), kind: 'Service' }, admin))
      expect(asService.status).toMatchObject({ code: 400, reason: 'BadRequest' })
      expect(asService.message).toBe('Service in version "v1" cannot be handled as a Pod: the body is a Service, not a Pod')
      const wrongVersion = await rejection(s.api.create(ref.deployments('default'), { ...makeDeployment('web').obj(), apiVersion: 'apps/v1beta1' }, admin))
      expect(wrongVersion.message).toBe('the API version in the data (apps/v1beta1) does not match the expected API version (apps/v1)')
      expect(await s.store.currentRevision()).toBe(before)
    })

    it('refuses broken field types with 422 and a cause per field, storing nothing', async () => {
      const before = await s.store.currentRevision()
      const pod = { ...web(), spec: { containers: [{ name: 'web', image: 7 }], restartPolicy: 'Sometimes' } }
      const err = await rejection(s.api.create(ref.pods('default'), pod, admin))
      expect(err.code).toBe(422)
      expect(err.causes.map((c) => c.field)).toEqual(expect.arrayContaining(['spec.containers[0].image', 'spec.restartPolicy']))
      expect(await s.store.currentRevision()).toBe(before)
    })

    it('refuses an invalid object with Kubernetes’ wording', async () => {
      const d = makeDeployment('web').obj()
      d.spec?.template.spec?.containers.forEach((c) => delete (c as { image?: string }).image)
      const err = await rejection(s.api.create(ref.deployments('default'), d, admin))
      expect(err.status).toMatchObject({ code: 422, reason: 'Invalid', details: { name: 'web', group: 'apps', kind: 'Deployment' } })
      expect(err.message).toBe('Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value')
    })

    it('refuses a namespace in the body that differs from the URL’s', async () => {
      const err = await rejection(s.api.create(ref.pods('kube-system'), web(), admin))
      expect(err.status).toMatchObject({ code: 400, message: 'the namespace of the provided object does not match the namespace sent on the request' })
    })

    it('refuses a resourceVersion on create', async () => {
      const pod = { ...web(), metadata: { ...web().metadata, resourceVersion: '5' } }
      expect((await rejection(s.api.create(ref.pods('default'), pod, admin))).code).toBe(400)
    })

    it('answers 404 for a namespace that does not exist', async () => {
      const err = await rejection(s.api.create(ref.pods('nowhere'), makePod('web', 'nowhere').withContainer().obj(), admin))
      expect(err.status).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "nowhere" not found' })
    })

    it('answers 403 for a namespace being deleted, naming the cause', async () => {
      await s.api.create(ref.namespaces(), { metadata: { name: 'old' } }, admin)
      await s.api.delete(ref.namespaces('old'), {}, admin)
      const err = await rejection(s.api.create(ref.configmaps('old'), makeConfigMap('x', 'old').obj(), admin))
      expect(err.status).toMatchObject({
        code: 403,
        reason: 'Forbidden',
        message: 'configmaps "x" is forbidden: unable to create new content in namespace old because it is being terminated',
      })
      expect(err.causes).toEqual([{ reason: 'NamespaceTerminating', message: 'namespace old is being terminated', field: 'metadata.namespace' }])
    })

    it('with dryRun answers as if stored but stores nothing, still refusing a taken name', async () => {
      const before = await s.store.currentRevision()
      const { object } = await s.api.create(ref.pods('default'), web(), dryRun)
      expect(object.metadata.uid).toBeDefined()
      expect(object.metadata.resourceVersion).toBeUndefined()
      expect(await s.store.currentRevision()).toBe(before)
      await s.api.create(ref.pods('default'), web(), admin)
      expect((await rejection(s.api.create(ref.pods('default'), web(), dryRun))).code).toBe(409)
    })

    it('returns unknown fields as warnings (Warn), refuses them (Strict) or drops them silently (Ignore)', async () => {
      const pod = { ...web(), spec: { ...web().spec, colour: 'blue' } }
      const warned = await s.api.create(ref.pods('default'), pod, { ...admin, fieldValidation: 'Warn' })
      expect(warned.warnings).toEqual(['unknown field "spec.colour"'])
      expect((warned.object as Pod).spec).not.toHaveProperty('colour')
      const strict = await rejection(s.api.create(ref.pods('default'), { ...pod, metadata: { name: 'two' } }, { ...admin, fieldValidation: 'Strict' }))
      expect(strict.status).toMatchObject({ code: 400, message: expect.stringContaining('strict decoding error: unknown field "spec.colour"') })
      const ignored = await s.api.create(ref.pods('default'), { ...pod, metadata: { name: 'three' } }, { ...admin, fieldValidation: 'Ignore' })
      expect(ignored.warnings).toEqual([])
    })
  })

  describe('get and list', () => {
    it('answers 404 worded as Kubernetes for a missing object', async () => {
      const err = await rejection(s.api.get(ref.deployments('default', 'web'), admin))
      expect(err.status).toMatchObject({ code: 404, message: 'deployments.apps "web" not found', details: { group: 'apps', kind: 'deployments', name: 'web' } })
    })

    it('answers 404 for a resource it does not serve and 405 for a verb the resource does not take', async () => {
      expect((await rejection(s.api.get({ group: '', version: 'v1', resource: 'widgets', name: 'x' }, admin))).code).toBe(404)
      expect((await rejection(s.api.get({ ...ref.pods('default', 'web'), version: 'v2' }, admin))).code).toBe(404)
      expect((await rejection(s.api.deleteCollection(ref.namespaces(), {}, {}, admin))).code).toBe(405)
    })

    it('lists one namespace or all, with list kind, apiVersion and resourceVersion', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('a').obj(), admin)
      await s.api.create(ref.configmaps('kube-system'), makeConfigMap('b', 'kube-system').obj(), admin)
      const one = await s.api.list(ref.configmaps('default'), {}, admin)
      expect(one).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: String(await s.store.currentRevision()) } })
      expect(one.items.map((i) => i.metadata.name)).toEqual(['a'])
      expect(one.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' })
      const all = await s.api.list(ref.configmaps(), {}, admin)
      expect(all.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['default/a', 'kube-system/b'])
    })

    it('pages with limit and continue, counting what remains', async () => {
      for (const name of ['a', 'b', 'c']) await s.api.create(ref.configmaps('default'), makeConfigMap(name).obj(), admin)
      const first = await s.api.list(ref.configmaps('default'), { limit: 2 }, admin)
      expect(first.items.map((i) => i.metadata.name)).toEqual(['a', 'b'])
      expect(first.metadata.remainingItemCount).toBe(1)
      const rest = await s.api.list(ref.configmaps('default'), { limit: 2, continue: first.metadata.continue }, admin)
      expect(rest.items.map((i) => i.metadata.name)).toEqual(['c'])
      expect(rest.metadata.continue).toBeUndefined()
      expect((await rejection(s.api.list(ref.configmaps('default'), { continue: first.metadata.continue, resourceVersion: '3' }, admin))).code).toBe(400)
    })

    it('serves resourceVersion "0" and NotOlderThan from the latest state, 504 from the future, Exact from history or 410', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('a').obj(), admin)
      const then = await s.store.currentRevision()
      await s.api.create(ref.configmaps('default'), makeConfigMap('b').obj(), admin)
      const names = async (options: object) => (await s.api.list(ref.configmaps('default'), options, admin)).items.map((i) => i.metadata.name)
      expect(await names({ resourceVersion: '0' })).toEqual(['a', 'b'])
      expect(await names({ resourceVersion: String(then), resourceVersionMatch: 'NotOlderThan' })).toEqual(['a', 'b'])
      expect(await names({ resourceVersion: String(then), resourceVersionMatch: 'Exact' })).toEqual(['a'])
      const future = await rejection(s.api.list(ref.configmaps('default'), { resourceVersion: '9999' }, admin))
      expect(future.status).toMatchObject({ code: 504, reason: 'Timeout' })
      await s.store.compact(await s.store.currentRevision())
      const gone = await rejection(s.api.list(ref.configmaps('default'), { resourceVersion: String(then), resourceVersionMatch: 'Exact' }, admin))
      expect(gone.status).toMatchObject({ code: 410, reason: 'Expired' })
      expect((await rejection(s.api.list(ref.configmaps('default'), { resourceVersion: 'abc' }, admin))).code).toBe(400)
    })
  })

  describe('update', () => {
    it('replaces the object, keeping what the server owns', async () => {
      const { object } = await s.api.create(ref.configmaps('default'), makeConfigMap('cm').withData({ a: '1' }).obj(), admin)
      const next = { ...makeConfigMap('cm').withData({ a: '2' }).obj() }
      const { object: updated, created } = await s.api.update(ref.configmaps('default', 'cm'), next, admin)
      expect(created).toBe(false)
      expect(updated).toMatchObject({ data: { a: '2' }, metadata: { uid: object.metadata.uid, creationTimestamp: object.metadata.creationTimestamp } })
      expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(object.metadata.resourceVersion))
    })

    it('answers Conflict (409) when the body’s resourceVersion is not the stored one, writing nothing', async () => {
      const { object } = await s.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
      await s.api.update(ref.deployments('default', 'web'), { ...object, metadata: { ...object.metadata, labels: { v: '2' } } }, admin)
      const before = await s.store.currentRevision()
      const err = await rejection(s.api.update(ref.deployments('default', 'web'), { ...object, metadata: { ...object.metadata, labels: { v: '3' } } }, admin))
      expect(err.status).toMatchObject({ code: 409, reason: 'Conflict' })
      expect(err.message).toBe(
        'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
      )
      expect(await s.store.currentRevision()).toBe(before)
    })

    it('answers Conflict when the body names another uid', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      const stale = { ...makeConfigMap('cm').obj(), metadata: { name: 'cm', uid: 'someone-else' } }
      const err = await rejection(s.api.update(ref.configmaps('default', 'cm'), stale, admin))
      expect(err.status).toMatchObject({ code: 409, message: expect.stringContaining('Precondition failed: UID in precondition: someone-else') })
    })

    it('refuses a body whose name is not the URL’s (400) and answers 404 for a missing object', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      const renamed = await rejection(s.api.update(ref.configmaps('default', 'cm'), makeConfigMap('other').obj(), admin))
      expect(renamed.status).toMatchObject({ code: 400, message: 'the name of the object (other) does not match the name on the URL (cm)' })
      expect((await rejection(s.api.update(ref.deployments('default', 'none'), makeDeployment('none').obj(), admin))).code).toBe(404)
    })

    it('creates an Endpoints or Event object on update when it is missing, as Kubernetes', async () => {
      const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' } }
      const { created } = await s.api.update({ group: '', version: 'v1', resource: 'endpoints', namespace: 'default', name: 'web' }, ep, admin)
      expect(created).toBe(true)
    })

    it('bumps generation when the spec changes, not for labels, annotations or status', async () => {
      const { object } = await s.api.create(ref.replicasets('default'), replicaSet('rs'), admin)
      const labelled = await s.api.patch(ref.replicasets('default', 'rs'), 'application/merge-patch+json', { metadata: { labels: { x: '1' }, annotations: { a: 'b' } } }, admin)
      expect(labelled.object.metadata.generation).toBe(1)
      const status = await s.api.patch(ref.replicasets('default', 'rs', 'status'), 'application/merge-patch+json', { status: { replicas: 2 } }, admin)
      expect(status.object.metadata.generation).toBe(1)
      const scaled = await s.api.patch(ref.replicasets('default', 'rs'), 'application/merge-patch+json', { spec: { replicas: 5 } }, admin)
      expect(scaled.object.metadata.generation).toBe(2)
      expect(object.metadata.generation).toBe(1)
    })

    it('bumps a Deployment’s generation on annotation changes too (they are copied to its ReplicaSets)', async () => {
      await s.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
      const { object } = await s.api.patch(ref.deployments('default', 'web'), 'application/merge-patch+json', { metadata: { annotations: { note: 'x' } } }, admin)
      expect(object.metadata.generation).toBe(2)
    })

    it('bumps generation of kinds without a spec when their content changes', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').withData({ a: '1' }).obj(), admin)
      const labelled = await s.api.patch(ref.configmaps('default', 'cm'), 'application/merge-patch+json', { metadata: { labels: { x: '1' } } }, admin)
      expect(labelled.object.metadata.generation).toBe(1)
      const changed = await s.api.patch(ref.configmaps('default', 'cm'), 'application/merge-patch+json', { data: { a: '2' } }, admin)
      expect(changed.object.metadata.generation).toBe(2)
    })

    it('writes nothing for an update that changes nothing', async () => {
      const { object } = await s.api.create(ref.configmaps('default'), makeConfigMap('cm').withData({ a: '1' }).obj(), admin)
      const again = await s.api.update(ref.configmaps('default', 'cm'), object, admin)
      expect(again.object.metadata.resourceVersion).toBe(object.metadata.resourceVersion)
    })

    it('with dryRun answers with the update but stores nothing', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').withData({ a: '1' }).obj(), admin)
      const before = await s.store.currentRevision()
      const { object } = await s.api.update(ref.configmaps('default', 'cm'), makeConfigMap('cm').withData({ a: '2' }).obj(), dryRun)
      expect(object).toMatchObject({ data: { a: '2' } })
      expect(await s.store.currentRevision()).toBe(before)
      expect(await s.api.get(ref.configmaps('default', 'cm'), admin)).toMatchObject({ data: { a: '1' } })
    })

    it('refuses changes validation forbids, with field causes', async () => {
      await s.api.create(ref.pods('default'), web(), admin)
      const err = await rejection(s.api.patch(ref.pods('default', 'web'), 'application/merge-patch+json', { spec: { restartPolicy: 'Never' } }, admin))
      expect(err.code).toBe(422)
      expect(err.causes[0]?.field).toBe('spec')
    })
  })

  describe('patch', () => {
    it('applies each patch type to the stored object', async () => {
      await s.api.create(ref.deployments('default'), makeDeployment('web').obj(), admin)
      const merge = await s.api.patch(ref.deployments('default', 'web'), 'application/merge-patch+json', { spec: { replicas: 4 } }, admin)
      expect(merge.object).toMatchObject({ spec: { replicas: 4 } })
      const json = await s.api.patch(ref.deployments('default', 'web'), 'application/json-patch+json', [{ op: 'replace', path: '/spec/replicas', value: 5 }], admin)
      expect(json.object).toMatchObject({ spec: { replicas: 5 } })
      const smp = await s.api.patch(
        ref.deployments('default', 'web'),
        'application/strategic-merge-patch+json',
        { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } } },
        admin,
      )
      expect((smp.object as Deployment).spec?.template.spec?.containers.map((c) => c.name)).toEqual(['sidecar', 'web'])
    })

    it('applies concurrent patches on top of each other, none lost', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      await Promise.all(
        ['a', 'b', 'c', 'd'].map((k) => s.api.patch(ref.configmaps('default', 'cm'), 'application/merge-patch+json', { data: { [k]: k } }, admin)),
      )
      expect(await s.api.get(ref.configmaps('default', 'cm'), admin)).toMatchObject({ data: { a: 'a', b: 'b', c: 'c', d: 'd' } })
    })

    it('treats a resourceVersion in the patch as a precondition', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      const err = await rejection(s.api.patch(ref.configmaps('default', 'cm'), 'application/merge-patch+json', { metadata: { resourceVersion: '1' }, data: { a: '1' } }, admin))
      expect(err.code).toBe(409)
    })

    it('passes patch errors on with their code and the failing field', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      const err = await rejection(s.api.patch(ref.configmaps('default', 'cm'), 'application/json-patch+json', [{ op: 'test', path: '/data/a', value: '1' }], admin))
      expect(err.code).toBe(422)
      const unsupported = await rejection(s.api.patch(ref.configmaps('default', 'cm'), 'application/apply-patch+yaml' as never, {}, admin))
      expect(unsupported.code).toBe(415)
    })

    it('answers 404 for a missing object', async () => {
      expect((await rejection(s.api.patch(ref.configmaps('default', 'none'), 'application/merge-patch+json', {}, admin))).code).toBe(404)
    })
  })

  describe('read-only users', () => {
    it('may read and watch', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      await expect(s.api.get(ref.configmaps('default', 'cm'), viewer)).resolves.toBeDefined()
      await expect(s.api.list(ref.configmaps(), {}, viewer)).resolves.toBeDefined()
      const watch = await s.api.watch(ref.configmaps(), {}, viewer)
      watch.stop()
    })

    it('get 403 on every write, worded as Kubernetes’ RBAC denial, and nothing is stored', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      const before = await s.store.currentRevision()
      const create = await rejection(s.api.create(ref.pods('default'), web(), viewer))
      expect(create.status).toMatchObject({
        code: 403,
        reason: 'Forbidden',
        message: 'pods is forbidden: User "viewer" cannot create resource "pods" in API group "" in the namespace "default"',
      })
      const del = await rejection(s.api.delete(ref.configmaps('default', 'cm'), {}, viewer))
      expect(del.message).toBe('configmaps "cm" is forbidden: User "viewer" cannot delete resource "configmaps" in API group "" in the namespace "default"')
      const node = await rejection(s.api.patch(ref.nodes('n1'), 'application/merge-patch+json', {}, viewer))
      expect(node.message).toBe('nodes "n1" is forbidden: User "viewer" cannot patch resource "nodes" in API group "" at the cluster scope')
      const scale = await rejection(s.api.update(ref.deployments('default', 'web', 'scale'), {}, viewer))
      expect(scale.message).toContain('cannot update resource "deployments/scale" in API group "apps"')
      expect((await rejection(s.api.deleteCollection(ref.configmaps('default'), {}, {}, viewer))).code).toBe(403)
      expect(await s.store.currentRevision()).toBe(before)
    })
  })

  describe('delete', () => {
    it('removes an object without finalizers at once, answering a Success Status', async () => {
      const { object } = await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      const result = await s.api.delete(ref.configmaps('default', 'cm'), {}, admin)
      expect(result).toEqual({
        code: 200,
        status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'cm', group: '', kind: 'configmaps', uid: object.metadata.uid } },
      })
      expect((await rejection(s.api.get(ref.configmaps('default', 'cm'), admin))).code).toBe(404)
    })

    it('removes a cluster-scoped object', async () => {
      await s.api.create(ref.nodes(), makeNode('n1').obj(), admin)
      expect((await s.api.delete(ref.nodes('n1'), {}, admin)).code).toBe(200)
      expect((await rejection(s.api.delete(ref.nodes('n1'), {}, admin))).status).toMatchObject({ code: 404, message: 'nodes "n1" not found' })
    })

    it('checks uid and resourceVersion preconditions, worded as kube-apiserver', async () => {
      const { object } = await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      const uid = await rejection(s.api.delete(ref.configmaps('default', 'cm'), { preconditions: { uid: 'other' } }, admin))
      expect(uid.status).toMatchObject({ code: 409, reason: 'Conflict' })
      expect(uid.message).toBe(
        `Operation cannot be fulfilled on ConfigMap "cm": the UID in the precondition (other) does not match the UID in record (${object.metadata.uid ?? ''}). The object might have been deleted and then recreated`,
      )
      const rv = await rejection(s.api.delete(ref.configmaps('default', 'cm'), { preconditions: { resourceVersion: '1' } }, admin))
      expect(rv.message).toContain('the ResourceVersion in the precondition (1) does not match')
      const ok = await s.api.delete(ref.configmaps('default', 'cm'), { preconditions: { uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion } }, admin)
      expect(ok.code).toBe(200)
    })

    it('keeps an object with finalizers, marked deleting, until an update removes the last one', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').withFinalizers('example.com/a', 'example.com/b').obj(), admin)
      const result = await s.api.delete(ref.configmaps('default', 'cm'), {}, admin)
      expect(result.code).toBe(202)
      expect(result.object?.metadata).toMatchObject({ deletionTimestamp: '2026-01-02T03:04:05Z', deletionGracePeriodSeconds: 0, generation: 2 })
      const one = await s.api.patch(ref.configmaps('default', 'cm'), 'application/json-patch+json', [{ op: 'remove', path: '/metadata/finalizers/0' }], admin)
      expect(one.object.metadata.finalizers).toEqual(['example.com/b'])
      const adding = await rejection(s.api.patch(ref.configmaps('default', 'cm'), 'application/merge-patch+json', { metadata: { finalizers: ['example.com/b', 'example.com/c'] } }, admin))
      expect(adding.code).toBe(422)
      const last = await s.api.patch(ref.configmaps('default', 'cm'), 'application/merge-patch+json', { metadata: { finalizers: null } }, admin)
      expect(last.object.metadata.name).toBe('cm')
      expect((await rejection(s.api.get(ref.configmaps('default', 'cm'), admin))).code).toBe(404)
    })

    it('with dryRun answers as if deleted but removes nothing', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      const before = await s.store.currentRevision()
      expect((await s.api.delete(ref.configmaps('default', 'cm'), { dryRun: ['All'] }, admin)).code).toBe(200)
      expect((await s.api.delete(ref.configmaps('default', 'cm'), {}, dryRun)).code).toBe(200)
      expect(await s.store.currentRevision()).toBe(before)
    })

    it('refuses contradictory options', async () => {
      await s.api.create(ref.configmaps('default'), makeConfigMap('cm').obj(), admin)
      const err = await rejection(s.api.delete(ref.configmaps('default', 'cm'), { orphanDependents: true, propagationPolicy: 'Background' }, admin))
      expect(err.code).toBe(422)
    })

    it('deletes a collection by selector and answers with what it deleted', async () => {
      for (const [name, tier] of [['a', 'web'], ['b', 'db'], ['c', 'web']]) {
        await s.api.create(ref.configmaps('default'), makeConfigMap(name ?? '').withLabels({ tier: tier ?? '' }).obj(), admin)
      }
      const deleted = await s.api.deleteCollection(ref.configmaps('default'), { labelSelector: 'tier=web' }, {}, admin)
      expect(deleted.items.map((i) => i.metadata.name)).toEqual(['a', 'c'])
      expect((await s.api.list(ref.configmaps('default'), {}, admin)).items.map((i) => i.metadata.name)).toEqual(['b'])
    })
  })

  describe('a cluster-scoped kind', () => {
    it('serves every verb on nodes', async () => {
      const watch = new ApiWatchRecorder(await s.api.watch(ref.nodes(), {}, admin))
      const { object } = await s.api.create(ref.nodes(), makeNode('n1').withLabels({ zone: 'a' }).obj(), admin)
      await s.api.create(ref.nodes(), makeNode('n2').withLabels({ zone: 'b' }).obj(), admin)
      expect((await s.api.get(ref.nodes('n1'), admin)).metadata.uid).toBe(object.metadata.uid)
      expect((await s.api.list(ref.nodes(), { labelSelector: 'zone=a' }, admin)).items.map((n) => n.metadata.name)).toEqual(['n1'])
      const updated = await s.api.update(ref.nodes('n1'), { ...object, spec: { unschedulable: true } }, admin)
      expect(updated.object).toMatchObject({ spec: { unschedulable: true }, metadata: { generation: 2 } })
      const patched = await s.api.patch(ref.nodes('n1', 'status'), 'application/merge-patch+json', { status: { capacity: { cpu: '4' } } }, admin)
      expect(patched.object).toMatchObject({ status: { capacity: { cpu: '4' }, allocatable: { cpu: '4' } } })
      expect((await s.api.list(ref.nodes(), { fieldSelector: 'spec.unschedulable=true' }, admin)).items.map((n) => n.metadata.name)).toEqual(['n1'])
      expect((await s.api.delete(ref.nodes('n2'), {}, admin)).code).toBe(200)
      expect((await s.api.deleteCollection(ref.nodes(), {}, {}, admin)).items.map((n) => n.metadata.name)).toEqual(['n1'])
      await watch.waitFor(6)
      expect(watch.summary()).toEqual(['ADDED n1', 'ADDED n2', 'MODIFIED n1', 'MODIFIED n1', 'DELETED n2', 'DELETED n1'])
      watch.watch.stop()
    })

    it('answers 404 when asked for in a namespace', async () => {
      expect((await rejection(s.api.list({ ...ref.nodes(), namespace: 'default' }, {}, admin))).code).toBe(404)
    })
  })

  describe('namespaces', () => {
    it('exist by default: default, kube-system, kube-public, kube-node-lease', async () => {
      const names = (await s.api.list(ref.namespaces(), {}, admin)).items.map((n) => n.metadata.name)
      expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system'])
    })

    it('are created Active with the kubernetes finalizer and their name label', async () => {
      const { object } = await s.api.create(ref.namespaces(), { metadata: { name: 'team' } }, admin)
      expect(object).toMatchObject({
        metadata: { labels: { 'kubernetes.io/metadata.name': 'team' } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      })
    })

    it('may not delete default, kube-system or kube-public', async () => {
      for (const name of ['default', 'kube-system', 'kube-public']) {
        const err = await rejection(s.api.delete(ref.namespaces(name), {}, admin))
        expect(err.status).toMatchObject({ code: 403, reason: 'Forbidden', message: `namespaces "${name}" is forbidden: this namespace may not be deleted` })
      }
    })

    it('start terminating on delete and go once finalized', async () => {
      await s.api.create(ref.namespaces(), { metadata: { name: 'team' } }, admin)
      const first = await s.api.delete(ref.namespaces('team'), {}, admin)
      expect(first.code).toBe(202)
      expect(first.object).toMatchObject({ metadata: { deletionTimestamp: '2026-01-02T03:04:05Z' }, status: { phase: 'Terminating' } })
      expect((await s.api.delete(ref.namespaces('team'), {}, admin)).code).toBe(202)
      const ns = await s.api.get(ref.namespaces('team'), admin)
      await s.api.update(ref.namespaces('team', 'finalize'), { ...ns, spec: { finalizers: [] } }, admin)
      expect((await rejection(s.api.get(ref.namespaces('team'), admin))).code).toBe(404)
    })

    it('keep spec.finalizers on a main-resource update (only finalize changes them)', async () => {
      const { object } = await s.api.create(ref.namespaces(), { metadata: { name: 'team' } }, admin)
      const updated = await s.api.update(ref.namespaces('team'), { ...object, spec: { finalizers: [] } }, admin)
      expect(updated.object).toMatchObject({ spec: { finalizers: ['kubernetes'] } })
    })
  })

  it('ends open watches on close', async () => {
    const server = new ApiServer({ store: new MemoryStore({ log: quietLog }), log: quietLog })
    await server.ensureDefaultNamespaces()
    const recorder = new ApiWatchRecorder(await server.watch(ref.namespaces(), {}, admin))
    await recorder.waitFor(4)
    await server.close()
    await recorder.waitForEnd()
    expect(recorder.summary()).toEqual(['ADDED default', 'ADDED kube-node-lease', 'ADDED kube-public', 'ADDED kube-system'])
  })
})

function replicaSet(name: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: makeDeployment(name).obj().spec?.template },
  } as KubeObject
}
