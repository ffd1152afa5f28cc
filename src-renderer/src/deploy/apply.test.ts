import { describe, expect, it } from 'vitest'
import type { KubeObject, Status } from '../../../src-main/api/types/meta.ts'
import { ApiError } from '../transport/api-error.ts'
import type { ApiWriteOptions, ResourceRef } from '../transport/index.ts'
import { applyManifests } from './apply.ts'

const status = (reason: string, code: number, message: string, causes: { field: string; message: string }[] = []): Status =>
  ({ apiVersion: 'v1', kind: 'Status', status: 'Failure', reason, code, message, details: { causes: causes.map((c) => ({ ...c, reason: 'FieldValueInvalid' })) } }) as Status

/** An API that holds objects by resource/namespace/name and refuses what `refuse` says. */
function fakeApi(refuse: (obj: KubeObject) => ApiError | null = () => null) {
  const stored = new Map<string, KubeObject>()
  const writes: { verb: string; key: string; dryRun: boolean }[] = []
  const key = (ref: ResourceRef, name?: string) => `${ref.resource}/${ref.namespace ?? ''}/${name ?? ref.name ?? ''}`
  const client = {
    create: async (ref: ResourceRef, body: unknown, options?: ApiWriteOptions) => {
      const obj = body as KubeObject
      const refusal = refuse(obj)
      if (refusal) throw refusal
      const k = key(ref, obj.metadata.name)
      if (stored.has(k)) throw new ApiError(status('AlreadyExists', 409, 'exists'))
      writes.push({ verb: 'create', key: k, dryRun: !!options?.dryRun })
      if (!options?.dryRun) stored.set(k, { ...obj, metadata: { ...obj.metadata, resourceVersion: '1' } })
      return { object: obj } as never
    },
    get: async (ref: ResourceRef) => {
      const obj = stored.get(key(ref))
      if (!obj) throw new ApiError(status('NotFound', 404, 'not found'))
      return obj as never
    },
    update: async (ref: ResourceRef, body: unknown, options?: ApiWriteOptions) => {
      writes.push({ verb: `update@${(body as KubeObject).metadata.resourceVersion}`, key: key(ref), dryRun: !!options?.dryRun })
      return { object: body } as never
    },
  }
  return { client, stored, writes }
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
`
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
`

describe('applyManifests', () => {
  it('dry-runs every document, then creates them in order', async () => {
    const api = fakeApi()
    const results = await applyManifests(api.client, `${DEPLOYMENT}---\n${SERVICE}`)
    expect(results.map((r) => [r.title, r.outcome])).toEqual([
      ['Deployment web', 'created'],
      ['Service web', 'created'],
    ])
    expect(api.writes.map((w) => [w.verb, w.key, w.dryRun])).toEqual([
      ['create', 'deployments/default/web', true],
      ['create', 'services/default/web', true],
      ['create', 'deployments/default/web', false],
      ['create', 'services/default/web', false],
    ])
  })

  it('updates an object that exists, over its current resourceVersion', async () => {
    const api = fakeApi()
    await applyManifests(api.client, SERVICE)
    api.writes.length = 0
    const results = await applyManifests(api.client, SERVICE)
    expect(results[0]?.outcome).toBe('configured')
    expect(api.writes.filter((w) => !w.dryRun).map((w) => w.verb)).toEqual(['update@1'])
  })

  it('writes nothing when a later document is refused, and marks the refused field on its line', async () => {
    const api = fakeApi((obj) =>
      obj.kind === 'Service' ? new ApiError(status('Invalid', 422, 'Service "web" is invalid', [{ field: 'spec.ports[0].port', message: 'Invalid value: 0' }])) : null,
    )
    const results = await applyManifests(api.client, `${DEPLOYMENT}---\n${SERVICE}`)
    expect(api.stored.size).toBe(0)
    expect(results.map((r) => r.outcome)).toEqual(['not applied', 'failed'])
    expect(results[1]?.diagnostics).toEqual([{ line: 23, message: 'spec.ports[0].port: Invalid value: 0', severity: 'error' }])
  })

  it.each([
    ['a syntax error', 'apiVersion: v1\nkind: [\n', /./],
    ['an unknown kind', 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n', /^kind: Unsupported value: "batch\/v1 Job"/],
    ['a missing name', 'apiVersion: v1\nkind: Service\nmetadata: {}\n', /^metadata\.name: Required value/],
  ])('sends nothing for %s', async (_name, text, message) => {
    const api = fakeApi()
    const results = await applyManifests(api.client, `${SERVICE}---\n${text}`)
    expect(api.writes).toEqual([])
    expect(results[1]?.outcome).toBe('failed')
    expect(results[1]?.diagnostics[0]?.message).toMatch(message)
  })
})
