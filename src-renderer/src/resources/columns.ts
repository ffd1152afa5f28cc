// The generic list view's column spec: each cell a pure function of the object and a context
// (the time, and the pods per node for the Nodes list), so every list is data, not a component.

import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import type { Pod } from '../../../src-main/api/types/pod.ts'
import type { Tone } from '../connection.ts'

/** What a cell needs besides its object; shared by every row of one render. */
export interface RowContext {
  /** Epoch ms that ages are measured against. */
  now: number
  /** Pods by spec.nodeName; filled only for lists that ask (`needsPods`). */
  podsByNode: ReadonlyMap<string, readonly Pod[]>
  /** Every pod; filled only for lists that ask (`needsPods`). */
  pods?: readonly Pod[]
}

/**
 * How a cell renders: `text` (default), `pill` (a coloured status; `tone` says which colour),
 * `name` (the object's link to its detail), `scale` (a replica count with −/+ buttons).
 */
export type CellKind = 'text' | 'pill' | 'name' | 'scale'

export interface ColumnSpec<T extends KubeObject = KubeObject> {
  /** Stable id, used for sorting and test ids. */
  id: string
  label: string
  /** The cell's text; also what search matches and (without `sortValue`) what sorts. */
  text(obj: T, ctx: RowContext): string
  /** What sorts, when text would sort wrongly ("10" before "9", ages). */
  sortValue?(obj: T, ctx: RowContext): number | string
  tone?(obj: T, ctx: RowContext): Tone
  kind?: CellKind
  /** A CSS grid track: '2fr', '8rem', 'minmax(6rem, 1fr)'. */
  width: string
  align?: 'start' | 'end'
  /** A hint shown on hover (the column header's title). */
  description?: string
}

/** Compares two rows by a column: numbers numerically, strings naturally ("pod-2" < "pod-10"). */
export function compareBy<T extends KubeObject>(column: ColumnSpec<T>, ctx: RowContext): (a: T, b: T) => number {
  const key = (obj: T): number | string => (column.sortValue ? column.sortValue(obj, ctx) : column.text(obj, ctx))
  return (a, b) => {
    const x = key(a)
    const y = key(b)
    if (typeof x === 'number' && typeof y === 'number') return x - y
    // Numbers (known values) before strings (missing or odd ones).
    if (typeof x === 'number') return -1
    if (typeof y === 'number') return 1
    return String(x).localeCompare(String(y), undefined, { numeric: true })
  }
}

/** Pods grouped by the node they are bound to; unbound pods are left out. */
export function groupPodsByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>()
  for (const pod of pods) {
    const node = pod.spec?.nodeName
    if (!node) continue
    let list = out.get(node)
    if (!list) out.set(node, (list = []))
    list.push(pod)
  }
  return out
}
