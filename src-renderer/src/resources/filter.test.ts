import { describe, expect, it } from 'vitest'
import { container, makePod } from '../../../src-main/api/testing/builders.ts'
import { filterRows, parseSelectorInput } from './filter.ts'
import { podColumns } from './pods.ts'

const pods = [
  makePod('web-1').withLabels({ app: 'web', tier: 'front' }).withContainer(container('app')).onNode('node-1').obj(),
  makePod('web-2').withLabels({ app: 'web', tier: 'front' }).withContainer(container('app')).onNode('node-2').obj(),
  makePod('db-1', 'data').withLabels({ app: 'db' }).withContainer(container('app')).onNode('node-2').obj(),
]
const ctx = { now: Date.now(), podsByNode: new Map() }
const names = (search: string, selector = ''): string[] => {
  const parsed = parseSelectorInput(selector)
  if (!parsed.ok) throw new Error(parsed.message)
  return filterRows(pods, podColumns, ctx, { search, selector: parsed.selector }).map((p) => p.metadata.name ?? '')
}

describe('filterRows', () => {
  it.each([
    ['', '', ['web-1', 'web-2', 'db-1']],
    ['web', '', ['web-1', 'web-2']],
    ['NODE-2', '', ['web-2', 'db-1']],
    ['web node-2', '', ['web-2']],
    ['data', '', ['db-1']],
    ['', 'app=web', ['web-1', 'web-2']],
    ['', 'app!=web', ['db-1']],
    ['', 'tier', ['web-1', 'web-2']],
    ['', '!tier', ['db-1']],
    ['', 'app in (db, cache)', ['db-1']],
    ['web-1', 'app=web', ['web-1']],
    ['web-1', 'app=db', []],
    ['nothing-like-this', '', []],
  ])('search %j, labels %j', (search, selector, expected) => {
    expect(names(search, selector)).toEqual(expected)
  })
})

describe('parseSelectorInput', () => {
  it('takes an empty input as no selector', () => {
    expect(parseSelectorInput('  ')).toEqual({ ok: true, selector: null })
  })

  it.each(['app in (', '=web', 'a b'])('names the field for the malformed %j', (input) => {
    const parsed = parseSelectorInput(input)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.message).toMatch(/^labelSelector: Invalid value: /)
  })
})
