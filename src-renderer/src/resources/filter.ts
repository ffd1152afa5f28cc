// The list view's filter: a label selector (Kubernetes syntax, checked as the API server checks
// it) and a free-text search over the name, namespace and every cell's text.

import { matchesLabels, parseLabelSelector, SelectorError, type Selector } from '../../../src-main/api/selectors/labels.ts'
import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import type { ColumnSpec, RowContext } from './columns.ts'

export type ParsedSelector = { ok: true; selector: Selector | null } | { ok: false; message: string }

/** An empty input selects everything; a malformed one says why, as the API server would. */
export function parseSelectorInput(input: string): ParsedSelector {
  const text = input.trim()
  if (text === '') return { ok: true, selector: null }
  try {
    return { ok: true, selector: parseLabelSelector(text) }
  } catch (err) {
    const message = err instanceof SelectorError || err instanceof Error ? err.message : String(err)
    return { ok: false, message: `labelSelector: Invalid value: "${text}": ${message}` }
  }
}

/**
 * The rows that match: every search word (case-insensitive) appears in the row's text, and the
 * labels match the selector. Does not modify `items`.
 */
export function filterRows<T extends KubeObject>(
  items: readonly T[],
  columns: readonly ColumnSpec<T>[],
  ctx: RowContext,
  filter: { search: string; selector: Selector | null },
): T[] {
  const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean)
  return items.filter((obj) => {
    if (filter.selector && !matchesLabels(filter.selector, obj.metadata.labels)) return false
    if (words.length === 0) return true
    const haystack = [obj.metadata.name ?? '', obj.metadata.namespace ?? '', ...columns.map((c) => c.text(obj, ctx))].join(' ').toLowerCase()
    return words.every((w) => haystack.includes(w))
  })
}
