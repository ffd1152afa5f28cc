// Columns every kind shares: name, namespace, age.

import { age } from '../../../src-main/api/printers/duration.ts'
import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import type { ColumnSpec } from './columns.ts'

export function nameColumn<T extends KubeObject>(): ColumnSpec<T> {
  return { id: 'name', label: 'Name', kind: 'name', width: 'minmax(10rem, 2.2fr)', text: (o) => o.metadata.name ?? '' }
}

export function namespaceColumn<T extends KubeObject>(): ColumnSpec<T> {
  return { id: 'namespace', label: 'Namespace', width: 'minmax(6rem, 1fr)', text: (o) => o.metadata.namespace ?? '' }
}

/** Sorts oldest last, as "newest first" is what a user scanning a list wants on the first click. */
export function ageColumn<T extends KubeObject>(): ColumnSpec<T> {
  return {
    id: 'age',
    label: 'Age',
    width: '5rem',
    align: 'end',
    text: (o, ctx) => age(o.metadata.creationTimestamp, ctx.now),
    sortValue: (o) => -(Date.parse(o.metadata.creationTimestamp ?? '') || 0),
  }
}
