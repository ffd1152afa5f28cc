import { describe, expect, it } from 'vitest'
import { toTable } from '../../api/index.ts'
import { deployments } from '../../api/registry.ts'
import { makeDeployment } from '../../api/testing/builders.ts'
import type { KubeList, KubeObject, Status, Table } from '../../api/types/meta.ts'
import type { ApiWatchEvent } from '../types.ts'
import { renderList, renderObject, renderWatchEvent, type Printer } from './render.ts'

const printer: Printer = (items, options) => toTable(deployments, items as never[], options)
const NOW = Date.parse('2026-01-02T03:05:05Z')

function web(): KubeObject {
  const d = makeDeployment('web', 'shop').withReplicas(2).obj()
  d.metadata = { ...d.metadata, uid: 'uid-1', resourceVersion: '12', creationTimestamp: '2026-01-02T03:04:05Z' }
  return d
}

describe('renderWatchEvent', () => {
  it('turns an event into a one-row Table, as kubectl get -w reads it', () => {
    const event: ApiWatchEvent = { type: 'MODIFIED', object: web() }
    const out = renderWatchEvent(printer, event, { as: 'Table', version: 'v1' }, { now: NOW }) as { type: string; object: Table }
    expect(out.type).toBe('MODIFIED')
    expect(out.object.kind).toBe('Table')
    expect(out.object.apiVersion).toBe('meta.k8s.io/v1')
    expect(out.object.metadata).toEqual({ resourceVersion: '12' })
    expect(out.object.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'])
    expect(out.object.rows).toHaveLength(1)
    expect(out.object.rows[0]?.cells).toEqual(['web', '0/2', 0, 0, '60s', 'web', 'nginx:1.25', 'app=web'])
    expect(out.object.rows[0]?.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: web().metadata })
  })

  it('carries the whole object or none of it when includeObject says so', () => {
    const event: ApiWatchEvent = { type: 'ADDED', object: web() }
    const whole = renderWatchEvent(printer, event, { as: 'Table', version: 'v1' }, { now: NOW, includeObject: 'Object' }) as { object: Table }
    expect(whole.object.rows[0]?.object).toEqual(web())
    const none = renderWatchEvent(printer, event, { as: 'Table', version: 'v1' }, { now: NOW, includeObject: 'None' }) as { object: Table }
    expect(none.object.rows[0]).not.toHaveProperty('object')
  })

  it('speaks meta.k8s.io/v1beta1 to clients that ask for it', () => {
    const out = renderWatchEvent(printer, { type: 'DELETED', object: web() }, { as: 'Table', version: 'v1beta1' }, { now: NOW }) as { object: Table }
    expect(out.object.apiVersion).toBe('meta.k8s.io/v1beta1')
    expect(out.object.rows[0]?.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1' })
  })

  it('passes ERROR events through untouched', () => {
    const gone: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (5)' }
    const event: ApiWatchEvent = { type: 'ERROR', object: gone }
    expect(renderWatchEvent(printer, event, { as: 'Table', version: 'v1' }, { now: NOW })).toBe(event)
  })

  it('keeps a BOOKMARK to its resourceVersion', () => {
    const bookmark: ApiWatchEvent = { type: 'BOOKMARK', object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { resourceVersion: '40' } } }
    expect(renderWatchEvent(printer, bookmark, { as: 'Table', version: 'v1' }, { now: NOW })).toEqual({
      type: 'BOOKMARK',
      object: { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '40' }, columnDefinitions: [], rows: [] },
    })
    expect(renderWatchEvent(printer, bookmark, { as: 'PartialObjectMetadata', version: 'v1' }, { now: NOW })).toEqual({
      type: 'BOOKMARK',
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '40' } },
    })
  })

  it('sends plain events as they are', () => {
    const event: ApiWatchEvent = { type: 'ADDED', object: web() }
    expect(renderWatchEvent(printer, event, { as: 'object', mediaType: 'application/json' }, { now: NOW })).toBe(event)
  })
})

describe('renderList and renderObject', () => {
  const list: KubeList = { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '20', continue: 'next' }, items: [web()] }

  it('keeps the list metadata on a Table, for paging', () => {
    const table = renderList(printer, list, { as: 'Table', version: 'v1' }, { now: NOW }) as Table
    expect(table.metadata).toEqual({ resourceVersion: '20', continue: 'next' })
    expect(table.rows).toHaveLength(1)
  })

  it('builds PartialObjectMetadataList and PartialObjectMetadata', () => {
    expect(renderList(printer, list, { as: 'PartialObjectMetadataList', version: 'v1' }, { now: NOW })).toEqual({
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '20', continue: 'next' },
      items: [{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: web().metadata }],
    })
    expect(renderObject(printer, web(), { as: 'PartialObjectMetadata', version: 'v1' }, { now: NOW })).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: web().metadata })
  })
})
