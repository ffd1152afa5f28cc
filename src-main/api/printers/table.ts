// meta.k8s.io/v1 Table output: what `kubectl get` prints, built from per-kind column specs.
// Like kube-apiserver, every column is always computed; kubectl hides priority > 0 columns
// unless asked for `-o wide`.

import { age } from './duration.ts'
import type { KubeObject, ListMeta, PartialObjectMetadata, Table, TableCell, TableColumnDefinition, TableRow, TableRowCondition } from '../types/meta.ts'

export interface Column<T> {
  /** As Kubernetes names it ("Nominated Node"); kubectl prints it upper-cased. */
  name: string
  type: 'string' | 'integer' | 'number' | 'boolean'
  /** "name" for the column holding the object's name. */
  format?: 'name'
  description: string
  /** 0: always shown; 1: only with `-o wide`. */
  priority: 0 | 1
  cell(obj: T, now: number): TableCell
}

/** Conditions on a row (pods that completed or failed), so clients can dim them. */
export type RowConditions<T> = (obj: T) => TableRowCondition[] | undefined

export type IncludeObject = 'None' | 'Metadata' | 'Object'

export interface TableOptions {
  /** Epoch ms that ages are measured against. */
  now: number
  /** What each row carries of its object; kube-apiserver's default is Metadata. */
  includeObject?: IncludeObject
  listMeta?: ListMeta
}

export function columnDefinitions<T>(columns: readonly Column<T>[]): TableColumnDefinition[] {
  return columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority }))
}

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined
  if (include === 'Object') return obj
  const partial: PartialObjectMetadata = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata }
  return partial
}

/** Builds the Table for `items` (one object or a list's items). */
export function buildTable<T extends KubeObject>(
  columns: readonly Column<T>[],
  items: readonly T[],
  options: TableOptions,
  conditions?: RowConditions<T>,
): Table {
  const include = options.includeObject ?? 'Metadata'
  const rows = items.map((item): TableRow => {
    const row: TableRow = { cells: columns.map((c) => c.cell(item, options.now)) }
    const conds = conditions?.(item)
    if (conds) row.conditions = conds
    const object = rowObject(item, include)
    if (object !== undefined) row.object = object
    return row
  })
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: options.listMeta ?? {},
    columnDefinitions: columnDefinitions(columns),
    rows,
  }
}

/** The two columns every kind without printer columns gets: NAME and AGE. */
export function defaultColumns<T extends KubeObject>(): Column<T>[] {
  return [nameColumn<T>(), ageColumn<T>()]
}

export function nameColumn<T extends KubeObject>(): Column<T> {
  return {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
    cell: (o) => o.metadata.name ?? '',
  }
}

export function ageColumn<T extends KubeObject>(): Column<T> {
  return {
    name: 'Age',
    type: 'string',
    description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    priority: 0,
    cell: (o, now) => age(o.metadata.creationTimestamp, now),
  }
}
