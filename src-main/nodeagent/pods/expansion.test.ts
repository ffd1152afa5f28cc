import { describe, expect, it } from 'vitest'
import { expand, mappingFor } from './expansion.ts'

// The cases of the kubelet's own expansion tests (third_party/forked/golang/expansion).
const vars = new Map([
  ['VAR_A', 'A'],
  ['VAR_B', 'B'],
  ['VAR_C', 'C'],
  ['VAR_REF', '$(VAR_A)'],
  ['VAR_EMPTY', ''],
  ['BIG_MONEY', '$$'],
])

describe('$(VAR) expansion', () => {
  it.each([
    ['$(VAR_A)', 'A'],
    ['___$(VAR_B)___', '___B___'],
    ['$(VAR_A)-$(VAR_A)', 'A-A'],
    ['$(VAR_A)$(VAR_B)$(VAR_C)', 'ABC'],
    ['$(VAR_REF)', '$(VAR_A)'],
    ['foo$(VAR_EMPTY)bar', 'foobar'],
    ['$(VAR_DNE)', '$(VAR_DNE)'],
    ['$$(VAR_A)', '$(VAR_A)'],
    ['$$$(VAR_A)', '$A'],
    ['$$$$(VAR_A)', '$$(VAR_A)'],
    ['f000-$$VAR_A', 'f000-$VAR_A'],
    ['$VAR_A', '$VAR_A'],
    ['$(VAR_A', '$(VAR_A'],
    ['$(VAR_A)$(', 'A$('],
    ['$(', '$('],
    ['$', '$'],
    ['foo$', 'foo$'],
    ['$()', '$()'],
    ['$(BIG_MONEY)', '$$'],
    ['$$$$$$(BIG_MONEY)', '$$$(BIG_MONEY)'],
    ['$$$$$$$(BIG_MONEY)', '$$$$$'],
    ['$($($($(VAR_A))))', '$($($($(VAR_A))))'],
    ['héllo $(VAR_A) wörld', 'héllo A wörld'],
    ['', ''],
  ])('%s → %s', (input, output) => {
    expect(expand(input, mappingFor(vars))).toBe(output)
  })

  it('looks names up in each map in turn', () => {
    const mapping = mappingFor(new Map([['A', 'first']]), new Map([['A', 'second'], ['B', 'fallback']]))
    expect(expand('$(A) $(B) $(C)', mapping)).toBe('first fallback $(C)')
  })
})
