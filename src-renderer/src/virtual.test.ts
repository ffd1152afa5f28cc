import { describe, expect, it } from 'vitest'
import { scrollToReveal, virtualWindow } from './virtual.ts'

describe('virtualWindow', () => {
  it.each([
    ['an empty list', { scrollTop: 0, viewportHeight: 400, rowHeight: 40, count: 0 }, { start: 0, end: 0, offsetTop: 0, totalHeight: 0 }],
    ['the top of a long list', { scrollTop: 0, viewportHeight: 400, rowHeight: 40, count: 1000, overscan: 5 }, { start: 0, end: 16, offsetTop: 0, totalHeight: 40000 }],
    ['the middle', { scrollTop: 4000, viewportHeight: 400, rowHeight: 40, count: 1000, overscan: 5 }, { start: 95, end: 116, offsetTop: 3800, totalHeight: 40000 }],
    ['scrolled past the end (the list shrank)', { scrollTop: 99999, viewportHeight: 400, rowHeight: 40, count: 20, overscan: 2 }, { start: 8, end: 20, offsetTop: 320, totalHeight: 800 }],
    ['a list shorter than the view', { scrollTop: 0, viewportHeight: 400, rowHeight: 40, count: 3 }, { start: 0, end: 3, offsetTop: 0, totalHeight: 120 }],
    ['a negative scroll (rubber band)', { scrollTop: -30, viewportHeight: 400, rowHeight: 40, count: 100, overscan: 0 }, { start: 0, end: 11, offsetTop: 0, totalHeight: 4000 }],
  ])('%s', (_name, options, expected) => {
    expect(virtualWindow(options)).toEqual(expected)
  })

  it('renders a bounded number of rows however long the list', () => {
    const w = virtualWindow({ scrollTop: 123456, viewportHeight: 800, rowHeight: 40, count: 100_000 })
    expect(w.end - w.start).toBeLessThanOrEqual(21 + 16)
  })
})

describe('scrollToReveal', () => {
  const view = { scrollTop: 400, viewportHeight: 400, rowHeight: 40 }
  it.each([
    ['a row in view', 12, null],
    ['a row above', 2, 80],
    ['a row below', 25, 640],
  ])('%s', (_name, index, expected) => expect(scrollToReveal(index, view)).toBe(expected))
})
