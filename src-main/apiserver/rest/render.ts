// Shapes a read's answer for the rendering the client negotiated: the object or list as is, a
// meta.k8s.io Table (`kubectl get`), or PartialObjectMetadata(List). Watch events are rendered
// object by object, so `kubectl get -w` receives a one-row Table per event, as from
// kube-apiserver. Pure: `now` is passed in for the AGE column.

import type { IncludeObject, TableOptions } from '../../api/printers/table.ts'
import type { KubeList, KubeObject, ListMeta, Status, Table } from '../../api/types/meta.ts'
import type { ApiWatchEvent } from '../types.ts'
import type { MetaVersion, Rendering } from './negotiate.ts'

/** Builds the Table for some objects of one kind (the registry's columns, see `toTable`). */
export type Printer = (items: readonly KubeObject[], options: TableOptions) => Table

export interface RenderOptions {
  now: number
  includeObject?: IncludeObject
}

function metaApiVersion(version: MetaVersion): string {
  return `meta.k8s.io/${version}`
}

function listMetaOf(list: KubeList): ListMeta {
  const meta: ListMeta = {}
  if (list.metadata.resourceVersion !== undefined) meta.resourceVersion = list.metadata.resourceVersion
  if (list.metadata.continue) meta.continue = list.metadata.continue
  if (list.metadata.remainingItemCount !== undefined) meta.remainingItemCount = list.metadata.remainingItemCount
  return meta
}

/** A Table of `items`, in meta.k8s.io/v1 or v1beta1 (same shape), rows carrying what includeObject asks. */
export function renderTable(printer: Printer, items: readonly KubeObject[], version: MetaVersion, options: RenderOptions, listMeta: ListMeta = {}): Table {
  const table = printer(items, { now: options.now, includeObject: options.includeObject ?? 'Metadata', listMeta })
  if (version === 'v1') return table
  // v1beta1 has the same fields; only the apiVersions change.
  for (const row of table.rows) {
    const object = row.object as { kind?: string; apiVersion?: string } | undefined
    if (object?.kind === 'PartialObjectMetadata') object.apiVersion = metaApiVersion(version)
  }
  return { ...table, apiVersion: metaApiVersion(version) as Table['apiVersion'] }
}

function partialObject(obj: KubeObject, version: MetaVersion): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: metaApiVersion(version), metadata: obj.metadata }
}

/** GET of one object. */
export function renderObject(printer: Printer, obj: KubeObject, rendering: Rendering, options: RenderOptions): unknown {
  switch (rendering.as) {
    case 'object':
      return obj
    case 'Table':
      return renderTable(printer, [obj], rendering.version, options, obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {})
    case 'PartialObjectMetadata':
    case 'PartialObjectMetadataList':
      return partialObject(obj, rendering.version)
  }
}

/** GET of a collection. */
export function renderList(printer: Printer, list: KubeList, rendering: Rendering, options: RenderOptions): unknown {
  switch (rendering.as) {
    case 'object':
      return list
    case 'Table':
      return renderTable(printer, list.items, rendering.version, options, listMetaOf(list))
    case 'PartialObjectMetadata':
    case 'PartialObjectMetadataList':
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: metaApiVersion(rendering.version),
        metadata: listMetaOf(list),
        items: list.items.map((item) => partialObject(item, rendering.version)),
      }
  }
}

function isStatus(object: KubeObject | Status): object is Status {
  return object.kind === 'Status'
}

/**
 * One watch event as it goes on the wire. ERROR events carry their Status unchanged; a BOOKMARK
 * keeps only its resourceVersion (and annotations, for the end of initial events) in whatever
 * shape was negotiated.
 */
export function renderWatchEvent(printer: Printer, event: ApiWatchEvent, rendering: Rendering, options: RenderOptions): ApiWatchEvent | { type: string; object: unknown } {
  if (rendering.as === 'object' || event.type === 'ERROR' || isStatus(event.object)) return event
  const obj = event.object
  if (event.type === 'BOOKMARK') {
    const metadata = { resourceVersion: obj.metadata.resourceVersion, ...(obj.metadata.annotations ? { annotations: obj.metadata.annotations } : {}) }
    if (rendering.as === 'Table') {
      const bookmark = { kind: 'Table', apiVersion: metaApiVersion(rendering.version), metadata: { resourceVersion: obj.metadata.resourceVersion }, columnDefinitions: [], rows: [] }
      return { type: event.type, object: bookmark }
    }
    return { type: event.type, object: { kind: 'PartialObjectMetadata', apiVersion: metaApiVersion(rendering.version), metadata } }
  }
  if (rendering.as === 'Table') {
    const rv = obj.metadata.resourceVersion
    return { type: event.type, object: renderTable(printer, [obj], rendering.version, options, rv ? { resourceVersion: rv } : {}) }
  }
  return { type: event.type, object: partialObject(obj, rendering.version) }
}
