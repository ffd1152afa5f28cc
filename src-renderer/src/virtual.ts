// Which rows of a long list to render: only those in view plus a few either side, so a list of
// thousands keeps a few dozen elements in the page. Rows have one fixed height.

export interface VirtualWindow {
  /** First row to render. */
  start: number
  /** One past the last row to render. */
  end: number
  /** Space above the first rendered row, px. */
  offsetTop: number
  /** Height of the whole list, px. */
  totalHeight: number
}

export function virtualWindow(options: { scrollTop: number; viewportHeight: number; rowHeight: number; count: number; overscan?: number }): VirtualWindow {
  const { rowHeight, count } = options
  const overscan = options.overscan ?? 8
  const totalHeight = count * rowHeight
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 }
  const scrollTop = Math.min(Math.max(0, options.scrollTop), Math.max(0, totalHeight - options.viewportHeight))
  const first = Math.floor(scrollTop / rowHeight)
  const visible = Math.ceil(Math.max(0, options.viewportHeight) / rowHeight) + 1
  const start = Math.max(0, first - overscan)
  const end = Math.min(count, first + visible + overscan)
  return { start, end, offsetTop: start * rowHeight, totalHeight }
}

/** The scrollTop that brings row `index` into view, or null when it already is. */
export function scrollToReveal(index: number, options: { scrollTop: number; viewportHeight: number; rowHeight: number }): number | null {
  const top = index * options.rowHeight
  const bottom = top + options.rowHeight
  if (top < options.scrollTop) return top
  if (bottom > options.scrollTop + options.viewportHeight) return bottom - options.viewportHeight
  return null
}
